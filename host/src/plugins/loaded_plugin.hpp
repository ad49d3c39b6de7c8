// A plugin loaded into this process, and the connectors it provides. Plugins are never unloaded
// (DESIGN.md §4), so pointers into a LoadedPlugin stay valid for the life of the process once it
// is held by a PluginRegistry.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>
#include <boost/json/object.hpp>

#include "sluice/abi/plugin.h"

namespace sluice::host {

struct LoadedPlugin;

struct ConnectorHandle {
  std::string name;
  bool branded = false;
  std::string connection_type;
  std::string assistant;
  std::string label;
  boost::json::object connection_schema;
  boost::json::object export_schema;
  boost::json::object import_schema;
  // since 1.1 (a 1.0 connector: export | import, not thread-safe, an empty listener schema)
  boost::json::object listener_schema;
  uint32_t capabilities = SLUICE_CAP_EXPORT | SLUICE_CAP_IMPORT;  // SLUICE_CAP_* bits
  bool thread_safe_connection = false;  // SLUICE_THREAD_SAFE_CONNECTION: calls may overlap
  // The function table, and how much of it the plugin filled: read a 1.1 slot only through
  // has_call(), which checks that struct_size covers it and that it is not NULL.
  const sluice_connector_api* api = nullptr;
  const LoadedPlugin* plugin = nullptr;

  bool can(uint32_t capability) const noexcept { return (capabilities & capability) != 0; }
};

// True when `api` covers `slot` (a member of sluice_connector_api) and it is not NULL.
#define SLUICE_HOST_HAS_CALL(api, slot) \
  ((api) != nullptr && SLUICE_HAS_FIELD(api, sluice_connector_api, slot) && (api)->slot != nullptr)

// "export, import, lookup" for a set of SLUICE_CAP_* bits; "none" for none.
std::string capability_names(uint32_t capabilities);

// since 1.1: a native hook the plugin exports (plugin.h's sluice_hook_descriptor).
struct HookHandle {
  std::string name;
  std::string kind;  // SLUICE_HOOK_*
  sluice_status (*invoke)(sluice_call*, sluice_str) = nullptr;
  const LoadedPlugin* plugin = nullptr;
};

struct LoadedPlugin {
  std::filesystem::path file;
  std::string id;
  std::string version;
  std::string sdk_version;
  std::string build_info;
  std::string description;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;    // the minor the plugin requires
  uint32_t built_minor = 0;  // the minor it was built against (1.1 descriptors; else abi_minor)
  std::vector<ConnectorHandle> connectors;
  std::vector<HookHandle> hooks;       // since 1.1
  boost::dll::shared_library library;  // keeps the code mapped
};

}  // namespace sluice::host
