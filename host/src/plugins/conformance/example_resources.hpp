// Example resources for a connector, generated from its schemas: what `sluice plugin info ID
// --example` prints and the SDK guide shows. The rule linking them (sdk/README.md, "Plugin id,
// connector, connection type and adaptorType"): a connection selects its connector by
// `assistant` when set, else by `type` = the connector's connection_type; an export's or
// import's `adaptorType` is that connection type in any letter case followed by "Export" or
// "Import" (apply lower-cases the prefix and compares).
#pragma once

#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "plugins/loaded_plugin.hpp"

namespace sluice::host {

// "HTTP" for short protocol names (up to 4 characters: http, ftp, as2), else the type with its
// first letter in capitals ("counter" → "Counter"); + "Export" / "Import" gives the adaptorType.
std::string adaptor_prefix(const std::string& connection_type);

// A connection, an export (when the connector exports), an import (when it imports) and a
// flow joining them, in integrator.io's shape, with every unconditionally required setting
// filled in (its default, its first allowed value, or a placeholder naming it).
boost::json::array example_resources(const ConnectorHandle& connector, bool exports, bool imports);

}  // namespace sluice::host
