#include "plugins/hook_reference.hpp"

#include <string>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

namespace sluice::host {

namespace json = boost::json;

namespace {

Error refuse(std::string message) { return make_error(Status::kInvalidConfig, std::move(message)); }

std::string found(const json::value* value) {
  if (value == nullptr) return "nothing";
  std::string text = json::serialize(*value);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

// Where integrator.io puts a hook of `kind`, for the advice of a kind mismatch.
std::string_view slot_of(std::string_view kind) {
  if (kind == SLUICE_HOOK_PRE_SAVE_PAGE) return "an export's hooks.preSavePage";
  if (kind == SLUICE_HOOK_PRE_MAP) return "an import's hooks.preMap";
  if (kind == SLUICE_HOOK_POST_MAP) return "an import's hooks.postMap";
  if (kind == SLUICE_HOOK_POST_SUBMIT) return "an import's hooks.postSubmit";
  if (kind == SLUICE_HOOK_POST_RESPONSE_MAP) return "a flow entry's hooks.postResponseMap";
  return "no slot (the kind is unknown to this host)";
}

}  // namespace

bool is_native_hook_reference(const json::value* reference) noexcept {
  const json::object* object = reference != nullptr ? reference->if_object() : nullptr;
  return object != nullptr && object->contains("_pluginId");
}

Result<const HookHandle*> find_native_hook(const PluginRegistry& registry,
                                           const json::value& reference, std::string_view path,
                                           std::string_view kind) {
  const json::object* ref = reference.if_object();
  if (ref == nullptr) {
    return refuse(fmt::format("{}: expected {{\"_pluginId\": ..., \"function\": ...}}, found {}",
                              path, found(&reference)));
  }
  for (const auto& [key, value] : *ref) {
    if (key == "_scriptId") {
      return refuse(
          fmt::format("{}: give _scriptId (a script's function) or _pluginId (a "
                      "plugin's native hook), not both",
                      path));
    }
    if (key != "_pluginId" && key != "function") {
      return refuse(
          fmt::format("{}.{}: unknown field; a native hook reference has _pluginId and "
                      "function",
                      path, std::string_view(key)));
    }
  }
  const json::value* id = ref->if_contains("_pluginId");
  if (id == nullptr || !id->is_string() || id->get_string().empty()) {
    return refuse(fmt::format("{}._pluginId: expected the id of an installed plugin, found {}",
                              path, found(id)));
  }
  const std::string_view plugin_id = id->get_string();
  const json::value* function = ref->if_contains("function");
  if (function == nullptr || !function->is_string() || function->get_string().empty()) {
    return refuse(fmt::format("{}.function: expected the name of a hook of plugin \"{}\", found {}",
                              path, plugin_id, found(function)));
  }
  const std::string_view name = function->get_string();
  const LoadedPlugin* plugin = registry.find(plugin_id);
  if (plugin == nullptr) {
    return refuse(
        fmt::format("{}._pluginId: no plugin \"{}\" is installed; install it (sluice "
                    "plugin install) or name an installed plugin",
                    path, plugin_id));
  }
  std::string listed;
  for (const HookHandle& hook : plugin->hooks) {
    if (hook.name != name) {
      listed += fmt::format("{}{} \"{}\"", listed.empty() ? "" : ", ", hook.kind, hook.name);
      continue;
    }
    if (hook.kind != kind) {
      return refuse(
          fmt::format("{}.function: hook \"{}\" of plugin \"{}\" is a {} hook, not a {} "
                      "hook; name a {} hook of the plugin, or reference \"{}\" from {}",
                      path, name, plugin_id, hook.kind, kind, kind, name, slot_of(hook.kind)));
    }
    return &hook;
  }
  return refuse(fmt::format(
      "{}.function: plugin \"{}\" exports no hook named \"{}\"; {}", path, plugin_id, name,
      listed.empty() ? std::string("it exports no hooks") : "it exports " + listed));
}

}  // namespace sluice::host
