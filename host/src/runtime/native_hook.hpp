// A plugin's native hook as the hook contracts' callee (script/hook_callee.hpp): each call runs
// host::call_hook (plugins/connector_client.hpp) under the submit deadline of the job's call
// limits, on a call thread of its own. The hook's options and result are the JavaScript hook's
// (docs/scripts.md, "Native hooks"); messages name it as
//   native preMap hook "upperName" of plugin "memory": <what went wrong>
// A hook that fails (a status other than ok) is an Error with the plugin's status and message,
// prefixed so; the step treats it as a JavaScript hook's throw.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "plugins/call_limits.hpp"
#include "plugins/loaded_plugin.hpp"
#include "script/hook_callee.hpp"

namespace sluice::runtime {

// The native hooks a step's hook slots reference ({_pluginId, function}), by (plugin id, hook
// name), resolved against the plugin registry by the plan (flow_plan.hpp).
using NativeHooks = std::map<std::pair<std::string, std::string>, const host::HookHandle*>;

class NativeHookCallee : public script::HookCallee {
 public:
  // `hook` outlives the callee (plugins are never unloaded).
  NativeHookCallee(const host::HookHandle& hook, host::CallLimits limits);

  // `function` is the hook's name (the reference's "function").
  Result<std::string> call(std::string_view function, std::string_view options_json) override;
  const script::HookName& name() const override { return name_; }

 private:
  const host::HookHandle& hook_;
  host::CallLimits limits_;
  script::HookName name_;
  std::string scope_;  // name_.where(): what call_hook's messages start with
};

}  // namespace sluice::runtime
