#include "runtime/native_hook.hpp"

#include <fmt/format.h>

#include "plugins/connector_client.hpp"

namespace sluice::runtime {

NativeHookCallee::NativeHookCallee(const host::HookHandle& hook, host::CallLimits limits)
    : hook_(hook),
      limits_(limits),
      name_(script::HookName::native(hook.plugin != nullptr ? hook.plugin->id : "?", hook.kind,
                                     hook.name)),
      scope_(name_.where(hook.name)) {}

Result<std::string> NativeHookCallee::call(std::string_view /*function*/,
                                           std::string_view options_json) {
  auto out = host::call_hook(hook_, std::string(options_json), scope_, limits_);
  if (out) return out;
  Error error = out.error();
  // The deadline's and a refused result's messages start with the scope; a plugin's own
  // message (a failed status) does not.
  if (error.message.rfind(scope_, 0) != 0) {
    error.message = fmt::format("{}: {}", scope_, error.message);
  }
  if (error.details.is_null()) error.details = name_.details(hook_.name);
  return error;
}

}  // namespace sluice::runtime
