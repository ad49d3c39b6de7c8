// What `sluice plugin list --json` and `plugin info --json` print about a loaded plugin, and what
// the REST API answers at /api/v1/plugins: one description shared by both.
#pragma once

#include <boost/json/object.hpp>

#include "plugins/loaded_plugin.hpp"

namespace sluice::host {

// {"id","version","abiVersion","sdkVersion","buildInfo","description","file","connectors":[
// {"name","kind","type","label","assistant"?,"capabilities","threadSafeConnection"}]}; with
// `with_schemas` each connector also has its "connection", "export" and "import" settings
// schemas (and "listener" for a listener).
boost::json::object plugin_json(const LoadedPlugin& plugin, bool with_schemas);

}  // namespace sluice::host
