#include "plugins/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "plugins/loader.hpp"
#include "plugins/manifest.hpp"
#include "plugins/plugin_id.hpp"

namespace sluice::host {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path plugins_dir(const fs::path& home) { return home / "plugins"; }

PluginRegistry PluginRegistry::load_installed(const fs::path& home) {
  PluginRegistry registry;
  std::error_code ec;
  const fs::path dir = plugins_dir(home);
  if (!fs::is_directory(dir, ec)) return registry;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() && !entry.is_symlink() &&
        entry.path().filename().string().rfind('.', 0) != 0) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    const std::string name = folder.filename().string();
    if (auto id = check_plugin_id(name, fmt::format("plugin folder {}", folder.string())); !id) {
      registry.add_problem({folder, id.error().message + " — remove the folder"});
      continue;
    }
    auto manifest = read_manifest(folder / "manifest.json");
    if (!manifest) {
      registry.add_problem({folder, manifest.error().message});
      continue;
    }
    if (manifest->id != name || fs::path(manifest->library).has_parent_path()) {
      registry.add_problem(
          {folder, fmt::format("plugin manifest {}: expected id '{}' (its folder's name) and a "
                               "library beside the manifest, found id '{}' and library '{}' — "
                               "reinstall it with `sluice plugin install`",
                               (folder / "manifest.json").string(), name, manifest->id,
                               manifest->library)});
      continue;
    }
    auto plugin = load_plugin(folder / manifest->library, *manifest);
    if (!plugin) {
      registry.add_problem({folder / manifest->library, plugin.error().message});
      continue;
    }
    const fs::path file = (*plugin)->file;
    if (auto added = registry.add(std::move(*plugin)); !added) {
      registry.add_problem({file, added.error().message});
    }
  }
  return registry;
}

Result<const LoadedPlugin*> PluginRegistry::add(std::unique_ptr<LoadedPlugin> plugin) {
  for (const auto& existing : plugins_) {
    if (existing->id == plugin->id) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("refusing plugin {}: expected a unique plugin id, found '{}', "
                                    "which {} already provides",
                                    plugin->file.string(), plugin->id, existing->file.string()));
    }
    for (const auto& mine : plugin->connectors) {
      for (const auto& theirs : existing->connectors) {
        if (mine.connection_type == theirs.connection_type && mine.assistant == theirs.assistant) {
          return make_error(
              Status::kInvalidConfig,
              fmt::format(
                  "refusing plugin {}: its connector '{}' serves connection type '{}'{}, "
                  "which plugin '{}' ({}) already serves",
                  plugin->file.string(), mine.name, mine.connection_type,
                  mine.assistant.empty() ? "" : fmt::format(" with assistant '{}'", mine.assistant),
                  existing->id, existing->file.string()));
        }
      }
    }
  }
  plugins_.push_back(std::move(plugin));
  return plugins_.back().get();
}

const LoadedPlugin* PluginRegistry::find(std::string_view id) const noexcept {
  for (const auto& p : plugins_) {
    if (p->id == id) return p.get();
  }
  return nullptr;
}

Result<const ConnectorHandle*> PluginRegistry::connector_for(const json::object& connection) const {
  std::string type, assistant;
  if (auto* t = connection.if_contains("type"); t && t->is_string()) type = t->as_string();
  if (auto* a = connection.if_contains("assistant"); a && a->is_string())
    assistant = a->as_string();
  std::string id = "(no _id)";
  if (auto* i = connection.if_contains("_id"); i && i->is_string()) id = i->as_string();
  if (type.empty() && assistant.empty()) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format(
            "connection {}: expected a \"type\" (e.g. \"http\") or an \"assistant\", found neither",
            id));
  }
  const ConnectorHandle* by_type = nullptr;
  for (const auto& p : plugins_) {
    for (const auto& c : p->connectors) {
      if (!assistant.empty() && c.assistant == assistant) return &c;
      if (c.connection_type == type && c.assistant.empty() && by_type == nullptr) by_type = &c;
    }
  }
  if (by_type != nullptr) return by_type;
  std::vector<std::string> served;
  for (const auto& p : plugins_) {
    for (const auto& c : p->connectors) {
      served.push_back(c.assistant.empty() ? c.connection_type
                                           : c.connection_type + "/" + c.assistant);
    }
  }
  return make_error(
      Status::kNotFound,
      fmt::format(
          "connection {}: no installed plugin serves {}; installed: {} — install one "
          "with `sluice plugin install PATH`",
          id,
          assistant.empty() ? fmt::format("type '{}'", type)
                            : fmt::format("assistant '{}' (type '{}')", assistant, type),
          served.empty() ? std::string("none") : fmt::format("{}", fmt::join(served, ", "))));
}

}  // namespace sluice::host
