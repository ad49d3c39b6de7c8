#include "cli/plugin_users.hpp"

#include <fmt/format.h>

namespace sluice::cli {

Result<std::vector<std::string>> connections_using(host::Store& store,
                                                   const host::PluginRegistry& registry,
                                                   std::string_view plugin_id) {
  const host::LoadedPlugin* plugin = registry.find(plugin_id);
  if (plugin == nullptr) return std::vector<std::string>{};
  auto connections = store.list_resources(host::ResourceKind::kConnection, host::Secrets::kMasked);
  if (!connections) return connections.error();
  std::vector<std::string> users;
  for (const auto& doc : *connections) {
    auto connector = registry.connector_for(doc);
    if (!connector) continue;  // served by no plugin at all
    for (const auto& c : plugin->connectors) {
      if (&c != *connector) continue;
      const auto* id = doc.if_contains("_id");
      users.push_back(id != nullptr && id->is_string() ? std::string(id->as_string()) : "(no _id)");
      break;
    }
  }
  return users;
}

std::string describe_users(const std::vector<std::string>& connections,
                           std::string_view plugin_id) {
  return fmt::format("{} {} {} plugin {}", connections.size() == 1 ? "connection" : "connections",
                     fmt::join(connections, ", "), connections.size() == 1 ? "uses" : "use",
                     plugin_id);
}

}  // namespace sluice::cli
