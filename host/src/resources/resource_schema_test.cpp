// Specifies the host's schema of each resource kind, and that docs/resources.md lists it.
#include "resources/resource_schema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

std::vector<std::string> issues(const json::object& doc, const json::object& schema) {
  std::vector<std::string> out;
  for (const auto& i : validate_against_schema(doc, schema)) out.push_back(i.to_string());
  return out;
}

// A file plugin's import schema: file.type and file.fileName (which the host marks not supported
// yet for connectors that do not implement it) and its own file.skipAggregation, which the host
// interprets (its declaration wins).
const json::object& file_plugin_import_schema() {
  static const json::object schema = json::parse(R"({"type": "object", "properties": {
      "file": {"type": "object", "properties": {
          "type": {"type": "string", "enum": ["csv", "json"]},
          "fileName": {"type": "string"},
          "skipAggregation": {"type": "string"}}}}})")
                                         .as_object();
  return schema;
}

TEST(HostSchema, AFilePluginsFileSettingsJoinTheHostsFileObjectOfImports) {
  const json::object merged =
      merge_schemas(host_schema(ResourceKind::kImport), file_plugin_import_schema());
  const json::object& file = merged.at("properties").at("file").at("properties").as_object();
  EXPECT_EQ(file.at("type").at("enum"), json::parse(R"(["csv", "json"])"));
  EXPECT_EQ(file.at("fileName").at("type"), "string");
  EXPECT_EQ(file.at("skipAggregation").at("type"), "boolean");
  EXPECT_EQ(file.at("aggregation").at("properties").at("type").at("enum"),
            json::parse(R"(["all", "page"])"));
  const json::object doc = json::parse(R"({"_id": "i", "adaptorType": "FTPImport",
      "_connectionId": "c", "file": {"type": "csv", "fileName": "a.csv", "skipAggregation": true,
      "aggregation": {"type": "page"}, "batchSize": 10}})")
                               .as_object();
  EXPECT_EQ(issues(doc, merged), std::vector<std::string>{});
}

TEST(HostSchema, FileSettingsOfImportsThatNothingImplementsAreRefused) {
  const json::object merged =
      merge_schemas(host_schema(ResourceKind::kImport), file_plugin_import_schema());
  const json::object doc = json::parse(R"({"_id": "i", "adaptorType": "FTPImport",
      "_connectionId": "c", "file": {"type": "csv", "encrypt": true, "skipRename": true,
      "aggregation": {"type": "record"}, "batchSize": 0}})")
                               .as_object();
  auto found = issues(doc, merged);
  std::sort(found.begin(), found.end());
  ASSERT_EQ(found.size(), 4u) << json::serialize(json::value_from(found));
  EXPECT_EQ(found[0].rfind("$.file.aggregation.type: ", 0), 0u) << found[0];
  EXPECT_EQ(found[1].rfind("$.file.batchSize: ", 0), 0u) << found[1];
  EXPECT_EQ(found[2], "$.file.encrypt: not supported yet by this version of Sluice; remove it");
  EXPECT_EQ(found[3],
            "$.file.skipRename: not supported yet by this version of Sluice: leave "
            "ftp.inProgressFileName unset to write the final name");
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
