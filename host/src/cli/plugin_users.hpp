// Which stored connections a plugin serves: what `sluice plugin remove` checks first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plugins/registry.hpp"
#include "sluice/result.hpp"
#include "store/store.hpp"

namespace sluice::cli {

// The ids of the stored connections whose connector — picked as PluginRegistry::connector_for
// picks it, by "assistant" when set, else by "type" — belongs to plugin `plugin_id`, in
// ascending id order. Empty when the plugin is not loaded in `registry` (a plugin that fails
// to load serves nothing). Fails only when the store cannot be read.
Result<std::vector<std::string>> connections_using(host::Store& store,
                                                   const host::PluginRegistry& registry,
                                                   std::string_view plugin_id);

// "connection a uses plugin p" or "connections a, b use plugin p".
std::string describe_users(const std::vector<std::string>& connections, std::string_view plugin_id);

}  // namespace sluice::cli
