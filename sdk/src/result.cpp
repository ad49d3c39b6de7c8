#include "sluice/result.hpp"

#include <stdexcept>

namespace sluice {

std::string_view to_string(Status status) noexcept {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kInvalidConfig:
      return "invalid_config";
    case Status::kAuthFailed:
      return "auth_failed";
    case Status::kNotFound:
      return "not_found";
    case Status::kRateLimited:
      return "rate_limited";
    case Status::kTransient:
      return "transient";
    case Status::kRemoteError:
      return "remote_error";
    case Status::kCancelled:
      return "cancelled";
    case Status::kUnsupported:
      return "unsupported";
    case Status::kInternal:
      return "internal";
  }
  return "unknown";
}

bool is_retryable(Status status) noexcept {
  return status == Status::kRateLimited || status == Status::kTransient;
}

Error make_error(Status status, std::string message) {
  Error error;
  error.status = status;
  error.message = std::move(message);
  return error;
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(error.status)) + ": " + error.message);
}

}  // namespace sluice
