#include "plugins/conformance/host_checks.hpp"

#include <string>

#include <fmt/format.h>

#include "plugins/conformance/example_resources.hpp"
#include "plugins/settings_schema.hpp"
#include "resources/resource_schema.hpp"

namespace sluice::host {

namespace json = boost::json;
using testing::CheckResult;
using testing::Verdict;

namespace {

ResourceKind kind_of(std::string_view kind) {
  return kind == "connection" ? ResourceKind::kConnection
         : kind == "export"   ? ResourceKind::kExport
                              : ResourceKind::kImport;
}

const json::object& plugin_schema(const ConnectorHandle& c, ResourceKind kind) {
  return kind == ResourceKind::kConnection ? c.connection_schema
         : kind == ResourceKind::kExport   ? c.export_schema
                                           : c.import_schema;
}

const char* kind_name(ResourceKind kind) {
  return kind == ResourceKind::kConnection ? "connection"
         : kind == ResourceKind::kExport   ? "export"
                                           : "import";
}

std::string issues_text(const std::vector<ValidationIssue>& issues) {
  std::string out;
  for (size_t i = 0; i < issues.size() && i < 5; ++i) out += "; " + issues[i].to_string();
  return out.empty() ? out : out.substr(2);
}

bool is_object_with_properties(const json::value& schema) {
  const json::object* o = schema.if_object();
  return o != nullptr && o->contains("properties");
}

bool is_unsupported(const json::value& schema) {
  const json::object* o = schema.if_object();
  const json::value* flag = o != nullptr ? o->if_contains("x-sluice-unsupported") : nullptr;
  return flag != nullptr && flag->is_bool() && flag->as_bool();
}

// Whether merge_schemas keeps the plugin's declaration of a property the host declares too:
// both objects with properties (merged level by level, as an import's `file`), or the host's only
// marked "not supported yet" and the plugin's implementing it.
bool merged(const json::value& host, const json::value& plugin) {
  return (is_object_with_properties(host) && is_object_with_properties(plugin)) ||
         (is_unsupported(host) && !is_unsupported(plugin));
}

}  // namespace

std::vector<CheckResult> host_checks(const LoadedPlugin& plugin) {
  std::vector<CheckResult> out;
  for (const ConnectorHandle& c : plugin.connectors) {
    std::string defects;
    for (ResourceKind kind :
         {ResourceKind::kConnection, ResourceKind::kExport, ResourceKind::kImport}) {
      const json::value* host_props = host_schema(kind).if_contains("properties");
      const json::value* props = plugin_schema(c, kind).if_contains("properties");
      if (host_props == nullptr || props == nullptr || !props->is_object()) continue;
      for (const auto& [key, schema] : props->as_object()) {
        const json::value* mine = host_props->as_object().if_contains(key);
        if (mine != nullptr && !merged(*mine, schema)) {
          defects += fmt::format(
              "; the {} schema declares $.{}, a field the host declares for "
              "every {}: the host's wins and the plugin's is ignored; nest "
              "the setting under the connector's own key (e.g. $.{}.{})",
              kind_name(kind), std::string(key), kind_name(kind), c.connection_type,
              std::string(key));
        }
      }
    }
    const json::array examples = example_resources(c, true, true);
    for (const json::value& v : examples) {
      const json::object& doc = v.as_object();
      if (!doc.contains("adaptorType") && !doc.contains("type")) continue;  // the flow
      const ResourceKind kind =
          doc.contains("type") ? ResourceKind::kConnection
          : std::string_view(doc.at("adaptorType").as_string()).ends_with("Export")
              ? ResourceKind::kExport
              : ResourceKind::kImport;
      auto issues =
          validate_against_schema(doc, merge_schemas(host_schema(kind), plugin_schema(c, kind)));
      if (!issues.empty()) {
        defects += fmt::format(
            "; an example {} filled from the schema's required settings and "
            "defaults is refused by apply: {}",
            kind_name(kind), issues_text(issues));
      }
    }
    out.push_back({"host.schemas", c.name, defects.empty() ? Verdict::kPass : Verdict::kFail,
                   defects.empty() ? "the host reads every schema and accepts an example of each "
                                     "resource built from it (see plugin info --example)"
                                   : defects.substr(2)});
  }
  return out;
}

CheckResult check_input_document(const ConnectorHandle& connector, const char* kind,
                                 const json::object& doc) {
  const ResourceKind k = kind_of(kind);
  auto issues =
      validate_against_schema(doc, merge_schemas(host_schema(k), plugin_schema(connector, k)));
  const std::string name = std::string("inputs.") + kind;
  if (issues.empty()) return {name, connector.name, Verdict::kPass, "valid as apply checks it"};
  return {name, connector.name, Verdict::kFail,
          fmt::format("`sluice apply` would refuse this {}: {}", kind, issues_text(issues))};
}

}  // namespace sluice::host
