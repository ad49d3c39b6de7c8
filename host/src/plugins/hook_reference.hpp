// A resource's reference to a plugin's native hook, {"_pluginId": P, "function": F}: a Sluice
// extension beside integrator.io's {"_scriptId", "function"}, taken by every hook slot (export
// hooks.preSavePage; import hooks.preMap, postMap, postSubmit; a flow entry's
// hooks.postResponseMap). `sluice apply` (resources/apply.cpp) and every job
// (runtime/flow_plan.cpp) resolve it here, the same way, against the plugins loaded
// (docs/scripts.md, "Native hooks").
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "plugins/loaded_plugin.hpp"
#include "plugins/registry.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

// True when `reference` (may be null) is an object with a "_pluginId" member: a native hook's
// reference, to resolve with find_native_hook, not a script's.
bool is_native_hook_reference(const boost::json::value* reference) noexcept;

// The hook that `reference`, read at JSON path `path` of a slot of kind `kind` (SLUICE_HOOK_*),
// names: a hook of that name and of that kind exported by the installed plugin of that id. Else
// an Error (Status::kInvalidConfig) whose message starts with the path, e.g.
//   $.hooks.preMap.extra: unknown field; a native hook reference has _pluginId and function
//   $.hooks.preMap._pluginId: no plugin "acme" is installed; install it (sluice plugin install)
//   or name an installed plugin
//   $.hooks.preMap.function: plugin "memory" exports no hook named "upper"; it exports preMap
//   "upperName", postMap "tag"
//   $.hooks.preMap.function: hook "tag" of plugin "memory" is a postMap hook, not a preMap hook;
//   name a preMap hook of the plugin, or reference "tag" from hooks.postMap
Result<const HookHandle*> find_native_hook(const PluginRegistry& registry,
                                           const boost::json::value& reference,
                                           std::string_view path, std::string_view kind);

}  // namespace sluice::host
