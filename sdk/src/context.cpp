#include "sluice/context.hpp"

namespace sluice {

void Context::log(LogLevel level, std::string_view message) const noexcept {
  if (host_ != nullptr && host_->log != nullptr) {
    host_->log(call_, static_cast<int32_t>(level), sluice_str{message.data(), message.size()});
  }
}

bool Context::cancelled() const noexcept {
  return host_ != nullptr && host_->is_cancelled != nullptr && host_->is_cancelled(call_) != 0;
}

}  // namespace sluice
