// The descriptor and the schemas, read without calling the connector.
#include <set>
#include <string>

#include <boost/json/parse.hpp>

#include "check_context.hpp"

namespace sluice::testing::detail {

namespace json = boost::json;

namespace {

bool empty(const char* s) { return s == nullptr || *s == '\0'; }

// The adaptorType rule (docs: "Plugin id, connector, connection type and adaptorType"): apply
// lower-cases the adaptor's prefix and compares it with the connection type, so a type with an
// upper-case letter or a character outside [a-z0-9_-] can never be matched.
bool valid_connection_type(const std::string& type) {
  if (type.empty()) return false;
  for (char ch : type) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

const std::set<std::string> kTypes = {"string", "integer", "number", "boolean",
                                      "object", "array",   "null"};

// The structure JSON Schema requires of the keywords the host reads; appends defects.
void check_node(const json::value& node, const std::string& path, std::string& defects) {
  const json::object* o = node.if_object();
  if (o == nullptr) {
    defects += "; " + path + " is not a schema object";
    return;
  }
  if (const json::value* t = o->if_contains("type")) {
    if (!t->is_string() || kTypes.count(std::string(t->as_string())) == 0) {
      defects += "; " + path +
                 ".type is not one of string, integer, number, boolean, object, "
                 "array, null";
    }
  }
  if (const json::value* e = o->if_contains("enum"); e != nullptr && !e->is_array()) {
    defects += "; " + path + ".enum is not an array";
  }
  if (const json::value* r = o->if_contains("required")) {
    bool ok = r->is_array();
    if (ok)
      for (const auto& v : r->as_array()) ok = ok && v.is_string();
    if (!ok) defects += "; " + path + ".required is not an array of property names";
  }
  if (const json::value* p = o->if_contains("properties")) {
    if (!p->is_object()) {
      defects += "; " + path + ".properties is not an object";
    } else {
      for (const auto& [key, child] : p->as_object()) {
        check_node(child, path + ".properties." + std::string(key), defects);
      }
    }
  }
  if (const json::value* items = o->if_contains("items")) {
    check_node(*items, path + ".items", defects);
  }
}

}  // namespace

CheckResult check_plugin_descriptor(CheckContext& c) {
  const sluice_plugin_descriptor& p = c.plugin;
  std::string defects;
  if (p.struct_size < SLUICE_PLUGIN_DESCRIPTOR_SIZE_1_0) defects += "; struct_size is too small";
  if (p.abi_major != SLUICE_ABI_VERSION_MAJOR) defects += "; abi_major is not this SDK's";
  if (empty(p.id)) defects += "; id is empty";
  if (empty(p.version)) defects += "; version is empty";
  if (p.connector_count == 0 || p.connectors == nullptr) defects += "; it has no connectors";
  std::set<std::string> names;
  for (uint32_t i = 0; p.connectors != nullptr && i < p.connector_count; ++i) {
    const char* name = p.connectors[i].name;
    if (!empty(name) && !names.insert(name).second) {
      defects += std::string("; two connectors are named \"") + name + "\"";
    }
  }
  if (!defects.empty()) return fail("plugin descriptor: " + defects.substr(2));
  return pass(std::string("plugin ") + p.id + " " + p.version + ", ABI " +
              std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor) + ", " +
              std::to_string(p.connector_count) + " connector(s)");
}

CheckResult check_connector_descriptor(CheckContext& c) {
  const sluice_connector_descriptor& d = *c.connector;
  std::string defects;
  if (d.struct_size < SLUICE_CONNECTOR_DESCRIPTOR_SIZE_1_0) defects += "; struct_size is too small";
  if (empty(d.name)) defects += "; its name is empty";
  const std::string type = empty(d.connection_type) ? "" : d.connection_type;
  if (!valid_connection_type(type)) {
    defects += "; connection_type \"" + type +
               "\" must be lower-case letters, digits, '_' or '-' (an adaptorType such as "
               "\"HTTPExport\" is matched by lower-casing its prefix)";
  }
  if (d.kind != SLUICE_CONNECTOR_UNIVERSAL && d.kind != SLUICE_CONNECTOR_BRANDED) {
    defects += "; kind is neither universal nor branded";
  }
  if (d.kind == SLUICE_CONNECTOR_BRANDED && empty(d.assistant)) {
    defects += "; it is branded but names no assistant";
  }
  const sluice_connector_api* api = d.api;
  if (api == nullptr) {
    defects += "; its function table is NULL";
  } else {
    if (api->struct_size < SLUICE_CONNECTOR_API_SIZE_1_0)
      defects += "; api struct_size is too small";
    if (!api->connection_open || !api->connection_ping || !api->connection_close) {
      defects += "; connection_open, connection_ping and connection_close must all be set";
    }
    const int exports = !!api->export_open + !!api->export_next_page + !!api->export_close;
    if (exports != 0 && exports != 3) {
      defects += "; export_open, export_next_page and export_close must be set together";
    }
    const int imports = !!api->import_open + !!api->import_submit + !!api->import_close;
    if (imports != 0 && imports != 3) {
      defects += "; import_open, import_submit and import_close must be set together";
    }
  }
  if (!defects.empty()) return fail(defects.substr(2));
  const Capabilities caps = capabilities_of(d);
  std::string what = caps.exports && caps.imports ? "exports and imports"
                     : caps.exports               ? "exports"
                     : caps.imports               ? "imports"
                                                  : "neither exports nor imports";
  return pass("connection type \"" + type + "\", " + what +
              (caps.declared ? "" : " (read from its 1.0 function table)"));
}

CheckResult check_schemas(CheckContext& c) {
  const sluice_connector_descriptor& d = *c.connector;
  const std::pair<const char*, const char*> schemas[] = {{"connection_schema", d.connection_schema},
                                                         {"export_schema", d.export_schema},
                                                         {"import_schema", d.import_schema}};
  std::string defects;
  for (const auto& [field, text] : schemas) {
    if (text == nullptr) {
      defects += std::string("; ") + field + " is NULL";
      continue;
    }
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) {
      defects += std::string("; ") + field + " is not valid JSON: " + ec.message();
      continue;
    }
    if (!v.is_object()) {
      defects += std::string("; ") + field + " is not a JSON object";
      continue;
    }
    const json::object& o = v.as_object();
    if (const json::value* s = o.if_contains("$schema")) {
      const bool known =
          s->is_string() && (s->as_string().find("draft/2020-12") != json::string::npos ||
                             s->as_string().find("draft-07") != json::string::npos);
      if (!known) defects += std::string("; ") + field + ".$schema is not draft 2020-12 or 07";
    }
    if (const json::value* t = o.if_contains("type");
        t != nullptr && !(t->is_string() && t->as_string() == "object")) {
      defects += std::string("; ") + field + ".type must be \"object\" (a resource is an object)";
    }
    std::string node_defects;
    check_node(v, "$", node_defects);
    if (!node_defects.empty()) defects += std::string("; ") + field + ": " + node_defects.substr(2);
  }
  if (!defects.empty()) return fail(defects.substr(2));
  return pass("connection, export and import schemas are JSON Schema objects");
}

}  // namespace sluice::testing::detail
