#include "sluice/context.hpp"

#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice {

namespace {

sluice_str to_str(std::string_view text) { return sluice_str{text.data(), text.size()}; }

}  // namespace

void Context::log(LogLevel level, std::string_view message) const noexcept {
  if (host_ != nullptr && host_->log != nullptr) {
    host_->log(call_, static_cast<int32_t>(level), to_str(message));
  }
}

void Context::warn(std::string_view message) const noexcept {
  if (host_ == nullptr) return;
  if (SLUICE_HAS_FIELD(host_, sluice_host_api, warn) && host_->warn != nullptr) {
    host_->warn(call_, to_str(message));
  } else {
    log(LogLevel::kWarn, message);
  }
}

void Context::counter(std::string_view name, const boost::json::object& labels,
                      double value) const noexcept {
  metric(SLUICE_METRIC_COUNTER, name, labels, value);
}

void Context::gauge(std::string_view name, const boost::json::object& labels,
                    double value) const noexcept {
  metric(SLUICE_METRIC_GAUGE, name, labels, value);
}

void Context::metric(int32_t kind, std::string_view name, const boost::json::object& labels,
                     double value) const noexcept {
  if (host_ == nullptr || !SLUICE_HAS_FIELD(host_, sluice_host_api, metric) ||
      host_->metric == nullptr) {
    return;
  }
  try {
    const std::string text = labels.empty() ? std::string() : boost::json::serialize(labels);
    host_->metric(call_, kind, to_str(name), to_str(text), value);
  } catch (...) {
    // No memory for the labels: the sample is dropped.
  }
}

bool Context::keeps_state() const noexcept {
  return host_ != nullptr && SLUICE_HAS_FIELD(host_, sluice_host_api, state_put) &&
         host_->state_get != nullptr && host_->state_put != nullptr;
}

std::optional<boost::json::value> Context::load_state(std::string_view key) const noexcept {
  if (!keeps_state()) return std::nullopt;
  struct Received {
    bool called = false;
    std::optional<boost::json::value> value;
  } received;
  const sluice_status status =
      host_->state_get(call_, to_str(key), &received, [](void* context, sluice_str json) {
        auto* out = static_cast<Received*>(context);
        out->called = true;
        try {
          boost::json::error_code ec;
          boost::json::value value = boost::json::parse(std::string_view(json.ptr, json.len), ec);
          if (!ec && !value.is_null()) out->value = std::move(value);
        } catch (...) {
          // No memory for the document: as if there were none.
        }
      });
  if (status != SLUICE_OK || !received.called) return std::nullopt;
  return std::move(received.value);
}

bool Context::save_state(std::string_view key, const boost::json::value& value) const noexcept {
  if (!keeps_state()) return false;
  try {
    const std::string text = boost::json::serialize(value);
    return host_->state_put(call_, to_str(key), to_str(text)) == SLUICE_OK;
  } catch (...) {
    return false;
  }
}

bool Context::cancelled() const noexcept {
  return host_ != nullptr && host_->is_cancelled != nullptr && host_->is_cancelled(call_) != 0;
}

}  // namespace sluice
