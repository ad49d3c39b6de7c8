// Expected failures as values. A connector returns Result<T>; the SDK's shims turn an Error into
// a sluice_status plus a message for the host, so nothing throws across the plugin boundary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "sluice/abi/plugin.h"

namespace sluice {

// Mirrors the SLUICE_* status codes of the C ABI, value for value.
enum class Status : int32_t {
  kOk = SLUICE_OK,
  kInvalidConfig = SLUICE_INVALID_CONFIG,
  kAuthFailed = SLUICE_AUTH_FAILED,
  kNotFound = SLUICE_NOT_FOUND,
  kRateLimited = SLUICE_RATE_LIMITED,
  kTransient = SLUICE_TRANSIENT,
  kRemoteError = SLUICE_REMOTE_ERROR,
  kCancelled = SLUICE_CANCELLED,
  kUnsupported = SLUICE_UNSUPPORTED,
  kInternal = SLUICE_INTERNAL,
};

// "ok", "invalid_config", "auth_failed", ...; "unknown" for a value outside the enum.
std::string_view to_string(Status status) noexcept;

// True for the statuses a caller may retry (rate limited, transient).
bool is_retryable(Status status) noexcept;

// A failure a user can act on: `message` says what failed, where, and what to do.
struct Error {
  Status status = Status::kInternal;
  std::string message;
  boost::json::value details;   // optional structured context (null when absent)
  uint32_t retry_after_ms = 0;  // with kRateLimited: when to try again
};

Error make_error(Status status, std::string message);

template <class T>
using Result = boost::system::result<T, Error>;

// Called by Result<T>::value() on an Error; throws std::runtime_error with the message.
[[noreturn]] void throw_exception_from_error(const Error& error,
                                             const boost::source_location& location);

}  // namespace sluice
