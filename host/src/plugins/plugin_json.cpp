#include "plugins/plugin_json.hpp"

#include <fmt/format.h>

#include <boost/json/array.hpp>

namespace sluice::host {

namespace json = boost::json;

json::object plugin_json(const LoadedPlugin& p, bool with_schemas) {
  json::object out{{"id", p.id},
                   {"version", p.version},
                   {"abiVersion", fmt::format("{}.{}", p.abi_major, p.abi_minor)},
                   {"sdkVersion", p.sdk_version},
                   {"buildInfo", p.build_info},
                   {"description", p.description},
                   {"file", p.file.string()}};
  json::array connectors;
  for (const auto& c : p.connectors) {
    json::object o{{"name", c.name},
                   {"kind", c.branded ? "branded" : "universal"},
                   {"type", c.connection_type},
                   {"label", c.label}};
    if (!c.assistant.empty()) o["assistant"] = c.assistant;
    json::array capabilities;
    for (uint32_t bit = SLUICE_CAP_EXPORT; bit <= SLUICE_CAP_FILE_TRANSFER; bit <<= 1) {
      if (c.can(bit)) capabilities.push_back(json::string(capability_names(bit)));
    }
    o["capabilities"] = std::move(capabilities);
    o["threadSafeConnection"] = c.thread_safe_connection;
    if (with_schemas) {
      o["connection"] = c.connection_schema;
      o["export"] = c.export_schema;
      o["import"] = c.import_schema;
      if (c.can(SLUICE_CAP_LISTENER)) o["listener"] = c.listener_schema;
    }
    connectors.push_back(std::move(o));
  }
  out["connectors"] = std::move(connectors);
  return out;
}

}  // namespace sluice::host
