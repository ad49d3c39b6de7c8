// Specifies the host's schema of each resource kind, and that docs/resources.md lists it.
#include "resources/resource_schema.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include <boost/json.hpp>

#include "plugins/settings_schema.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;

void collect_names(const json::object& schema, std::set<std::string>& out) {
  if (auto* props = schema.if_contains("properties"); props && props->is_object()) {
    for (const auto& [name, child] : props->as_object()) {
      out.emplace(name);
      if (child.is_object()) collect_names(child.as_object(), out);
    }
  }
  if (auto* items = schema.if_contains("items"); items && items->is_object())
    collect_names(items->as_object(), out);
}

TEST(HostSchema, EveryFieldOfEveryKindIsListedInTheDocs) {
  std::ifstream in(SLUICE_SOURCE_DIR "/docs/resources.md");
  const std::string docs{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_FALSE(docs.empty());
  std::set<std::string> names;
  for (ResourceKind kind : {ResourceKind::kConnection, ResourceKind::kExport, ResourceKind::kImport,
                            ResourceKind::kFlow, ResourceKind::kScript}) {
    collect_names(host_schema(kind), names);
  }
  collect_names(simple_export_schema(), names);
  for (const std::string& name : names) {
    EXPECT_NE(docs.find("`" + name + "`"), std::string::npos) << name;
  }
}

TEST(HostSchema, MergingKeepsTheHostFieldsAndAddsThePluginsRoot) {
  const json::object plugin = json::parse(R"({"type": "object", "required": ["http"],
      "properties": {"http": {"type": "object", "properties": {"a": {"type": "string"}}},
                     "pageSize": {"type": "string"}}})")
                                  .as_object();
  const json::object merged = merge_schemas(host_schema(ResourceKind::kExport), plugin);
  EXPECT_EQ(merged.at("properties").at("pageSize").at("type"), "integer");
  EXPECT_TRUE(merged.at("properties").as_object().contains("http"));
  EXPECT_EQ(merged.at("required"), json::parse(R"(["_id", "adaptorType", "_connectionId",
                                                   "http"])"));
}

TEST(HostSchema, AFlowEntryIsClosedToo) {
  std::vector<std::string> out;
  for (const auto& i : validate_against_schema(
           json::parse(R"({"_id": "f", "pageGenerators": [{"_exportId": "e", "_exprtId": 1}],
                           "pageProcessors": [{"type": "import", "_importId": "i",
                                               "proceedOnFailur": true}]})"),
           host_schema(ResourceKind::kFlow))) {
    out.push_back(i.to_string());
  }
  EXPECT_EQ(out, (std::vector<std::string>{
                     "$.pageGenerators[0]._exprtId: unknown field; did you mean \"_exportId\"?",
                     "$.pageProcessors[0].proceedOnFailur: unknown field; did you mean "
                     "\"proceedOnFailure\"?"}));
}

}  // namespace
}  // namespace sluice::host
