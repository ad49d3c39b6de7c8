#include "plugins/conformance/example_resources.hpp"

#include <cctype>

#include <boost/json/parse.hpp>

#include "plugins/settings_schema.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

void set_path(json::object& doc, const std::string& dotted, json::value value) {
  json::object* node = &doc;
  size_t start = 0;
  for (size_t dot = dotted.find('.'); dot != std::string::npos; dot = dotted.find('.', start)) {
    json::value& child = (*node)[dotted.substr(start, dot - start)];
    if (!child.is_object()) child = json::object();
    node = &child.as_object();
    start = dot + 1;
  }
  (*node)[dotted.substr(start)] = std::move(value);
}

json::value placeholder(const SettingRow& row) {
  if (!row.default_value.empty()) return json::parse(row.default_value);
  if (!row.values.empty()) return json::value(row.values.front());
  if (row.type == "integer" || row.type == "number") return 1;
  if (row.type == "boolean") return false;
  if (row.type == "object") return json::object();
  if (row.type == "array") return json::array();
  return json::value("<" + (row.label.empty() ? row.path : row.label) + ">");
}

void fill_required(json::object& doc, const json::object& schema) {
  for (const SettingRow& row : flatten_schema(schema)) {
    if (row.required && row.shown_when.empty()) set_path(doc, row.path, placeholder(row));
  }
}

}  // namespace

std::string adaptor_prefix(const std::string& connection_type) {
  std::string out = connection_type;
  if (out.size() <= 4) {
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  } else if (!out.empty()) {
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  }
  return out;
}

json::array example_resources(const ConnectorHandle& connector, bool exports, bool imports) {
  const std::string type = connector.connection_type;
  const std::string connection_id = "my-" + type;
  json::object connection{{"_id", connection_id},
                          {"name", connector.label.empty() ? type : connector.label},
                          {"type", type}};
  if (!connector.assistant.empty()) connection["assistant"] = connector.assistant;
  fill_required(connection, connector.connection_schema);
  json::array out{connection};
  json::object flow{{"_id", "my-" + type + "-flow"}, {"name", "Example flow"}};
  if (exports) {
    json::object exp{{"_id", "my-" + type + "-export"},
                     {"name", "Example export"},
                     {"adaptorType", adaptor_prefix(type) + "Export"},
                     {"_connectionId", connection_id}};
    fill_required(exp, connector.export_schema);
    flow["pageGenerators"] = json::array{json::object{{"_exportId", exp.at("_id")}}};
    out.push_back(std::move(exp));
  }
  if (imports) {
    json::object imp{{"_id", "my-" + type + "-import"},
                     {"name", "Example import"},
                     {"adaptorType", adaptor_prefix(type) + "Import"},
                     {"_connectionId", connection_id}};
    fill_required(imp, connector.import_schema);
    flow["pageProcessors"] =
        json::array{json::object{{"type", "import"}, {"_importId", imp.at("_id")}}};
    out.push_back(std::move(imp));
  }
  if (exports) out.push_back(std::move(flow));
  return out;
}

}  // namespace sluice::host
