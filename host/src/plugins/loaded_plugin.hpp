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
  const sluice_connector_api* api = nullptr;
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
  uint32_t abi_minor = 0;
  std::vector<ConnectorHandle> connectors;
  boost::dll::shared_library library;  // keeps the code mapped
};

}  // namespace sluice::host
