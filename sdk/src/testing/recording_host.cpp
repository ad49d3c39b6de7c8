#include "sluice/testing/recording_host.hpp"

#include <stdexcept>

namespace sluice::testing {

namespace {
std::string text(sluice_str s) {
  return s.ptr == nullptr ? std::string() : std::string(s.ptr, s.len);
}
}  // namespace

RecordingHost::RecordingHost() {
  api_.struct_size = sizeof(sluice_host_api);
  api_.log = &RecordingHost::log;
  api_.is_cancelled = &RecordingHost::is_cancelled;
  api_.set_result = &RecordingHost::set_result;
  api_.set_error = &RecordingHost::set_error;
  api_.set_retry_after = &RecordingHost::set_retry_after;
}

sluice_call* RecordingHost::begin_call() {
  std::lock_guard lock(mutex_);
  Call& call = calls_.emplace_back(Call{this, {}});
  return reinterpret_cast<sluice_call*>(&call);
}

const CallRecord& RecordingHost::record(sluice_call* call) const {
  Call* c = unwrap(call);
  if (c == nullptr || c->host != this) {
    throw std::invalid_argument("RecordingHost::record: not a call of this host");
  }
  std::lock_guard lock(mutex_);
  return c->record;
}

std::vector<LogLine> RecordingHost::logs() const {
  std::lock_guard lock(mutex_);
  return logs_;
}

RecordingHost::Call* RecordingHost::unwrap(sluice_call* call) noexcept {
  return reinterpret_cast<Call*>(call);
}

void RecordingHost::log(sluice_call* call, int32_t level, sluice_str message) {
  Call* c = unwrap(call);
  if (c == nullptr) return;
  std::lock_guard lock(c->host->mutex_);
  c->host->logs_.push_back(LogLine{static_cast<LogLevel>(level), text(message)});
}

int32_t RecordingHost::is_cancelled(sluice_call* call) {
  Call* c = unwrap(call);
  return c != nullptr && c->host->cancelled() ? 1 : 0;
}

void RecordingHost::set_result(sluice_call* call, sluice_str json) {
  Call* c = unwrap(call);
  if (c == nullptr) return;
  std::lock_guard lock(c->host->mutex_);
  c->record.result = text(json);
  c->record.has_result = true;
}

void RecordingHost::set_error(sluice_call* call, sluice_str message, sluice_str details) {
  Call* c = unwrap(call);
  if (c == nullptr) return;
  std::lock_guard lock(c->host->mutex_);
  c->record.error_message = text(message);
  c->record.error_details = text(details);
  c->record.has_error = true;
}

void RecordingHost::set_retry_after(sluice_call* call, uint32_t milliseconds) {
  Call* c = unwrap(call);
  if (c == nullptr) return;
  std::lock_guard lock(c->host->mutex_);
  c->record.retry_after_ms = milliseconds;
}

}  // namespace sluice::testing

namespace sluice::testing {

void RecordingHost::keep_state() noexcept {
  api_.state_get = &RecordingHost::state_get;
  api_.state_put = &RecordingHost::state_put;
}

std::map<std::string, std::string> RecordingHost::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void RecordingHost::set_state(const std::string& key, const std::string& json) {
  std::lock_guard lock(mutex_);
  if (json == "null") {
    state_.erase(key);
  } else {
    state_[key] = json;
  }
}

sluice_status RecordingHost::state_get(sluice_call* call, sluice_str key, void* receive_context,
                                       void (*receive)(void*, sluice_str)) {
  Call* c = unwrap(call);
  if (c == nullptr) return SLUICE_UNSUPPORTED;
  std::string value = "null";
  {
    std::lock_guard lock(c->host->mutex_);
    auto found = c->host->state_.find(text(key));
    if (found != c->host->state_.end()) value = found->second;
  }
  receive(receive_context, sluice_str{value.data(), value.size()});
  return SLUICE_OK;
}

sluice_status RecordingHost::state_put(sluice_call* call, sluice_str key, sluice_str json) {
  Call* c = unwrap(call);
  if (c == nullptr) return SLUICE_UNSUPPORTED;
  c->host->set_state(text(key), text(json));
  return SLUICE_OK;
}

}  // namespace sluice::testing
