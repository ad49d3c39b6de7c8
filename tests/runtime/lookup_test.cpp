// Lookups as page processors (runtime/lookup_step.hpp) run by the real runtime with the memory
// plugin's lookup: the records found are merged into the record by the flow entry's
// responseMapping and reach the next import exactly; a miss maps nothing; a failed lookup fails
// the record at the lookup; the lookup's input filter skips records past it.
#include <set>

#include <gtest/gtest.h>

#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class Lookups : public Runtime {
 protected:
  void put_lookup(const std::string& id, json::object memory, json::object extra = {}) {
    memory["log"] = log_;
    memory["name"] = id;
    json::object doc{{"_id", id},
                     {"adaptorType", "MemoryExport"},
                     {"_connectionId", "mem"},
                     {"isLookup", true},
                     {"memory", memory}};
    for (auto& [key, value] : extra) doc[key] = value;
    put(ResourceKind::kExport, std::move(doc));
  }
  void put_logging_import(const std::string& id) {
    put(ResourceKind::kImport,
        {{"_id", id},
         {"adaptorType", "MemoryImport"},
         {"_connectionId", "mem"},
         {"memory", json::object{{"log", log_}, {"name", id}, {"logRecords", true}}}});
  }
  // Flow f: export a, lookup `lookup` with `response_mapping` (and proceedOnFailure:
  // `lookup_proceeds`), then import `import`.
  void put_lookup_flow(const std::string& lookup, const char* response_mapping,
                       const std::string& import, bool lookup_proceeds = false,
                       const char* post_response_map = nullptr) {
    json::object entry{
        {"type", "export"}, {"_exportId", lookup}, {"proceedOnFailure", lookup_proceeds}};
    if (response_mapping != nullptr) entry["responseMapping"] = json::parse(response_mapping);
    if (post_response_map != nullptr) {
      entry["hooks"] = json::object{
          {"postResponseMap", json::object{{"_scriptId", "s"}, {"function", post_response_map}}}};
    }
    json::array processors{entry, json::object{{"type", "import"}, {"_importId", import}}};
    put(ResourceKind::kFlow, {{"_id", "f"},
                              {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                              {"pageProcessors", processors}});
  }
  void put_script(const std::string& code) {
    put(ResourceKind::kScript, {{"_id", "s"}, {"name", "s"}, {"content", code}});
  }
  std::vector<std::string> lines_starting(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& line : log_lines())
      if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(prefix.size()));
    return out;
  }
};

constexpr const char* kCustomerMapping = R"({"fields": [
    {"extract": "data[0].id", "generate": "customer.id"},
    {"extract": "data[0].tier", "generate": "customer.tier"},
    {"extract": "data.length", "generate": "customerCount"}]})";

TEST_F(Lookups, TheRecordsFoundAreResponseMappedIntoTheRecordTheImportGets) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_lookup("find", {{"missIds", json::array{"A2"}}, {"failIds", json::array{"A3"}}});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // One lookup call for the page, with every record.
  EXPECT_EQ(lines_starting("L find "), std::vector<std::string>{"A1,A2,A3"});
  // A1 found one customer; A2 found none (data.length is 0, data[0].x sets nothing); A3 failed.
  EXPECT_EQ(lines_starting("R y "),
            (std::vector<std::string>{
                R"({"id":"A1","n":1,"customer":{"id":"C-A1-1","tier":"gold"},"customerCount":1})",
                R"({"id":"A2","n":2,"customerCount":0})"}));
  EXPECT_EQ(job.num_export, 3);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].step_id, "find");
  EXPECT_EQ((*errors)[0].code, "lookupFailed");
  EXPECT_EQ((*errors)[0].message, "lookup find: memory lookup find failed for A3");
  EXPECT_EQ((*errors)[0].retry_data, json::parse(R"({"id":"A3","n":3})"));
}

TEST_F(Lookups, AListOfTheResponseMappingGetsOneElementPerRecordFound) {
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_lookup("find", {{"hits", 2}});
  put_logging_import("y");
  put_lookup_flow("find", R"({"lists": [{"generate": "customers", "fields": [
      {"extract": "id", "generate": "ref"}, {"extract": "tier", "generate": "tier"}]}]})",
                  "y");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(
      lines_starting("R y "),
      std::vector<std::string>{R"({"id":"A1","n":1,"customers":[{"ref":"C-A1-1","tier":"gold"},)"
                               R"({"ref":"C-A1-2","tier":"silver"}]})"});
}

TEST_F(Lookups, WithoutAResponseMappingTheRecordGoesOnUnchanged) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_lookup("find", {});
  put_logging_import("y");
  put_lookup_flow("find", nullptr, "y");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("L find "), std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(lines_starting("R y "),
            (std::vector<std::string>{R"({"id":"A1","n":1})", R"({"id":"A2","n":2})"}));
}

TEST_F(Lookups, ARecordALookupWithProceedOnFailureFailedReachesTheNextImportUnmapped) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_lookup("find", {{"failIds", json::array{"A1"}}});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y", /*lookup_proceeds=*/true);
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(
      lines_starting("R y "),
      (std::vector<std::string>{
          R"({"id":"A1","n":1})",
          R"({"id":"A2","n":2,"customer":{"id":"C-A2-1","tier":"gold"},"customerCount":1})"}));
}

TEST_F(Lookups, RecordsTheLookupsInputFilterRejectsSkipTheLookupAndReachTheImportUnchanged) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_lookup("find", {},
             {{"inputFilter", json::parse(R"({"type": "expression", "expression": {"version": "1",
                   "rules": ["notequals", ["string", ["extract", "id"]], "A2"]}})")}});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("L find "), std::vector<std::string>{"A1,A3"});
  EXPECT_EQ(
      lines_starting("R y "),
      (std::vector<std::string>{
          R"({"id":"A1","n":1,"customer":{"id":"C-A1-1","tier":"gold"},"customerCount":1})",
          R"({"id":"A2","n":2})",
          R"({"id":"A3","n":3,"customer":{"id":"C-A3-1","tier":"gold"},"customerCount":1})"}));
  EXPECT_EQ(job.num_success, 3);
  expect_identity(job);
}

TEST_F(Lookups, AnExportWithoutIsLookupUsedAsALookupIsRefusedNamingThePath) {
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_export("plain", {{"count", 1}, {"prefix", "P"}});
  put_logging_import("y");
  put_lookup_flow("plain", nullptr, "y");
  auto job = run_flow(*store_, registry_, "f", {});
  const std::string message = job ? job->message : job.error().message;
  EXPECT_EQ(message,
            "flow f: $.pageProcessors[0]._exportId: export plain is not a lookup; set "
            "\"isLookup\": true on it, or use it as a source");
  EXPECT_TRUE(lines_starting("R y ").empty());
}

constexpr const char* kHooks = R"(
    function tag(options) {
      return options.postResponseMapData.map((r, i) => Object.assign({}, r,
          {found: options.responseData[i].data.length, by: options._exportId}));
    }
    function short(options) { return options.postResponseMapData.slice(1); })";

TEST_F(Lookups, PostResponseMapGetsTheMappedRecordsWithTheirResponsesAndReplacesThem) {
  put_script(kHooks);
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_lookup("find", {{"missIds", json::array{"A2"}}, {"failIds", json::array{"A3"}}});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y", false, "tag");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // A3 failed at the lookup: the hook does not get it.
  EXPECT_EQ(lines_starting("R y "),
            (std::vector<std::string>{
                R"({"id":"A1","n":1,"customer":{"id":"C-A1-1","tier":"gold"},"customerCount":1,)"
                R"("found":1,"by":"find"})",
                R"({"id":"A2","n":2,"customerCount":0,"found":0,"by":"find"})"}));
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
}

TEST_F(Lookups, APostResponseMapNamingAMissingScriptFailsTheJobNamingTheFlowOnce) {
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_lookup("find", {});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y", false, "tag");  // no script "s" stored
  auto job = run_flow(*store_, registry_, "f", {});
  const std::string message = job ? job->message : job.error().message;
  EXPECT_EQ(message,
            "flow f: $.pageProcessors[0].hooks.postResponseMap._scriptId: no script s in the "
            "store; apply it (see docs/scripts.md), then run the flow again");
}

TEST_F(Lookups, APostResponseMapResultOfTheWrongLengthFailsThePageAtTheLookup) {
  put_script(kHooks);
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_lookup("find", {});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y", false, "short");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_TRUE(lines_starting("R y ").empty());
  EXPECT_EQ(job.num_error, 2);
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].step_id, "find");
  EXPECT_EQ((*errors)[0].code, "hook");
  EXPECT_EQ((*errors)[0].message,
            "postResponseMap hook of lookup find: script \"s\", function short: returned a "
            "result whose length is 1 for a page of 2 records; postResponseMap must return "
            "postResponseMapData with its length unchanged");
  // Retry data: the records as they entered the lookup (before the response mapping).
  std::set<std::string> retry;
  for (const auto& e : *errors) retry.insert(json::serialize(e.retry_data));
  EXPECT_EQ(retry, (std::set<std::string>{R"({"id":"A1","n":1})", R"({"id":"A2","n":2})"}));
}

TEST_F(Lookups, AnImportsPostResponseMapSeesItsResponsesAndTheNextImportItsRecords) {
  put_script(R"(
    function seen(options) {
      return options.postResponseMapData.map((r, i) =>
          Object.assign({}, r, {seen: options.responseData[i].id, at: options._importId}));
    })");
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put(ResourceKind::kImport,
      {{"_id", "x"},
       {"adaptorType", "MemoryImport"},
       {"_connectionId", "mem"},
       {"memory", json::object{{"log", log_}, {"name", "x"}, {"giveIds", true}}}});
  put_logging_import("y");
  json::array processors{
      json::object{
          {"type", "import"},
          {"_importId", "x"},
          {"responseMapping", json::parse(R"({"fields": [
                       {"extract": "id", "generate": "destId"}]})")},
          {"hooks", json::object{{"postResponseMap",
                                  json::object{{"_scriptId", "s"}, {"function", "seen"}}}}}},
      json::object{{"type", "import"}, {"_importId", "y"}}};
  put(ResourceKind::kFlow, {{"_id", "f"},
                            {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                            {"pageProcessors", processors}});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(
      lines_starting("R y "),
      std::vector<std::string>{R"({"id":"A1","n":1,"destId":"D-A1","seen":"D-A1","at":"x"})"});
}

}  // namespace
}  // namespace sluice::runtime
