// Lookups as page processors (runtime/lookup_step.hpp) run by the real runtime with the memory
// plugin's lookup: the records found are merged into the record by the flow entry's
// responseMapping and reach the next import exactly; a miss maps nothing; a failed lookup fails
// the record at the lookup; the lookup's input filter skips records past it.
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
  // Flow f: export a, lookup `lookup` with `response_mapping`, then import `import`.
  void put_lookup_flow(const std::string& lookup, const char* response_mapping,
                       const std::string& import, bool import_proceeds = false) {
    json::object entry{{"type", "export"}, {"_exportId", lookup}};
    if (response_mapping != nullptr) entry["responseMapping"] = json::parse(response_mapping);
    json::array processors{entry, json::object{{"type", "import"},
                                               {"_importId", import},
                                               {"proceedOnFailure", import_proceeds}}};
    put(ResourceKind::kFlow, {{"_id", "f"},
                              {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                              {"pageProcessors", processors}});
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

TEST_F(Lookups, ARecordTheLookupFailedReachesAnImportWithProceedOnFailureUnmapped) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_lookup("find", {{"failIds", json::array{"A1"}}});
  put_logging_import("y");
  put_lookup_flow("find", kCustomerMapping, "y", /*import_proceeds=*/true);
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

}  // namespace
}  // namespace sluice::runtime
