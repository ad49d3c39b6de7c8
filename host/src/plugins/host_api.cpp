#include "plugins/host_api.hpp"

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "plugins/connection_state.hpp"
#include "secrets/redactor.hpp"

namespace sluice::host {

namespace {

std::mutex& sink_mutex() {
  static std::mutex m;
  return m;
}

LogSink& sink() {
  static LogSink instance = [](int32_t level, const std::string& scope, std::string_view message) {
    if (level < SLUICE_LOG_WARN) return;
    std::lock_guard lock(sink_mutex());
    std::cerr << (level >= SLUICE_LOG_ERROR ? "error" : "warning") << " [" << scope << "] "
              << message << '\n';
  };
  return instance;
}

WarnSink& warn_sink() {
  static WarnSink instance;
  return instance;
}

MetricSink& metric_sink() {
  static MetricSink instance;
  return instance;
}

std::mutex& metrics_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, double>& metrics_map() {
  static auto* instance = new std::map<std::string, double>();
  return *instance;
}

std::atomic<int32_t>& log_floor() {
  static std::atomic<int32_t> floor{SLUICE_LOG_DEBUG};
  return floor;
}

void do_log(sluice_call* call, int32_t level, sluice_str message) {
  if (level < log_floor().load(std::memory_order_relaxed)) return;
  try {
    const std::string redacted = redact_secrets(std::string_view(message.ptr, message.len));
    sink()(level, call != nullptr ? call->log_scope : std::string("plugin"), redacted);
  } catch (...) {
  }
}

int32_t do_is_cancelled(sluice_call* call) {
  return call != nullptr && call->cancelled != nullptr &&
                 call->cancelled->load(std::memory_order_relaxed)
             ? 1
             : 0;
}

void do_set_result(sluice_call* call, sluice_str json) {
  if (call == nullptr) return;
  if (json.len > call->result_limit) {
    call->result.clear();
    call->result_refused = json.len;
    return;
  }
  call->result_refused = 0;
  try {
    call->result.assign(json.ptr, json.len);
  } catch (...) {
    call->error_message = "out of memory copying a plugin result";
  }
}

void do_set_error(sluice_call* call, sluice_str message, sluice_str details) {
  if (call == nullptr) return;
  try {
    call->error_message = redact_secrets(std::string_view(message.ptr, message.len));
    call->error_details = redact_secrets(std::string_view(details.ptr, details.len));
  } catch (...) {
  }
}

void do_set_retry_after(sluice_call* call, uint32_t milliseconds) {
  if (call != nullptr) call->retry_after_ms = milliseconds;
}

void do_warn(sluice_call* call, sluice_str message) {
  do_log(call, SLUICE_LOG_WARN, message);
  try {
    if (warn_sink()) {
      warn_sink()(call != nullptr ? call->log_scope : std::string("plugin"),
                  redact_secrets(std::string_view(message.ptr, message.len)));
    }
  } catch (...) {
  }
}

void do_metric(sluice_call*, int32_t kind, sluice_str name, sluice_str labels, double value) {
  try {
    const std::string metric_name(name.ptr, name.len);
    const std::string metric_labels =
        labels.len > 0 ? redact_secrets(std::string_view(labels.ptr, labels.len)) : std::string();
    {
      std::lock_guard lock(metrics_mutex());
      double& slot = metrics_map()[metric_name + metric_labels];
      slot = kind == SLUICE_METRIC_GAUGE ? value : slot + value;
    }
    if (metric_sink()) metric_sink()(kind, metric_name, metric_labels, value);
  } catch (...) {
  }
}

void do_set_result_bytes(sluice_call* call, sluice_bytes bytes) {
  if (call == nullptr) return;
  if (bytes.len > call->result_limit) {
    call->result_bytes.clear();
    call->result_refused = bytes.len;
    return;
  }
  try {
    call->result_bytes.assign(reinterpret_cast<const char*>(bytes.ptr), bytes.len);
  } catch (...) {
    call->error_message = "out of memory copying a plugin result";
  }
}

void log_state_failure(sluice_call* call, std::string_view what, std::string_view key,
                       const Error& error) {
  const std::string message =
      fmt::format("could not {} the state '{}' of connection {}: {}", what, key,
                  call->connection_state->connection_id, error.message);
  do_log(call, SLUICE_LOG_WARN, sluice_str{message.data(), message.size()});
}

sluice_status do_state_get(sluice_call* call, sluice_str key, void* receive_context,
                           void (*receive)(void*, sluice_str)) {
  if (call == nullptr || call->connection_state == nullptr || !call->connection_state->get ||
      receive == nullptr) {
    return SLUICE_UNSUPPORTED;
  }
  try {
    const std::string_view name(key.ptr, key.len);
    auto text = call->connection_state->get(name);
    if (!text) {
      log_state_failure(call, "read", name, text.error());
      return static_cast<sluice_status>(text.error().status);
    }
    receive(receive_context, sluice_str{text->data(), text->size()});
    return SLUICE_OK;
  } catch (...) {
    return SLUICE_INTERNAL;
  }
}

sluice_status do_state_put(sluice_call* call, sluice_str key, sluice_str json) {
  if (call == nullptr || call->connection_state == nullptr || !call->connection_state->put) {
    return SLUICE_UNSUPPORTED;
  }
  try {
    const std::string_view name(key.ptr, key.len);
    if (json.len > kMaxStateBytes) {
      log_state_failure(
          call, "store", name,
          make_error(Status::kInvalidConfig,
                     fmt::format("the document is {} bytes, more than the {} a state may hold",
                                 json.len, kMaxStateBytes)));
      return SLUICE_INVALID_CONFIG;
    }
    auto stored = call->connection_state->put(name, std::string_view(json.ptr, json.len));
    if (!stored) {
      log_state_failure(call, "store", name, stored.error());
      return static_cast<sluice_status>(stored.error().status);
    }
    return SLUICE_OK;
  } catch (...) {
    return SLUICE_INTERNAL;
  }
}

const sluice_host_api kHostApi = {sizeof(sluice_host_api),
                                  &do_log,
                                  &do_is_cancelled,
                                  &do_set_result,
                                  &do_set_error,
                                  &do_set_retry_after,
                                  &do_warn,
                                  &do_metric,
                                  &do_set_result_bytes,
                                  &do_state_get,
                                  &do_state_put};

}  // namespace

LogSink set_log_sink(LogSink new_sink) { return std::exchange(sink(), std::move(new_sink)); }

int32_t set_log_floor(int32_t level) noexcept { return log_floor().exchange(level); }

WarnSink set_warn_sink(WarnSink new_sink) {
  return std::exchange(warn_sink(), std::move(new_sink));
}

MetricSink set_metric_sink(MetricSink new_sink) {
  return std::exchange(metric_sink(), std::move(new_sink));
}

std::map<std::string, double> metrics_snapshot() {
  std::lock_guard lock(metrics_mutex());
  return metrics_map();
}

const sluice_host_api* host_api() noexcept { return &kHostApi; }

}  // namespace sluice::host
