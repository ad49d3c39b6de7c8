// What a connector can ask of the host during one call: logging and cancellation.
#pragma once

#include <string_view>

#include "sluice/abi/plugin.h"

namespace sluice {

enum class LogLevel : int32_t {
  kDebug = SLUICE_LOG_DEBUG,
  kInfo = SLUICE_LOG_INFO,
  kWarn = SLUICE_LOG_WARN,
  kError = SLUICE_LOG_ERROR,
};

// Valid only during the connector call it is passed to; do not keep it.
class Context {
 public:
  Context(const sluice_host_api* host, sluice_call* call) noexcept : host_(host), call_(call) {}

  void log(LogLevel level, std::string_view message) const noexcept;
  // True once the host asked the job to stop; return Status::kCancelled soon after.
  bool cancelled() const noexcept;

 private:
  const sluice_host_api* host_;
  sluice_call* call_;
};

}  // namespace sluice
