// A flow entry's responseMapping (mapper/response_mapping.hpp) run by the real runtime with the
// memory plugin: the import's response ({statusCode, errors, ignored, id, _json}) is merged into
// the record, and the next import gets the merged record; records that failed the import are not
// mapped.
#include <gtest/gtest.h>

#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class ResponseMappingFlows : public Runtime {
 protected:
  // An import whose memory plugin logs every record it gets ("R <id> <json>").
  void put_logging_import(const std::string& id, json::object memory = {}) {
    memory["log"] = log_;
    memory["name"] = id;
    memory["logRecords"] = true;
    put(ResourceKind::kImport, {{"_id", id},
                                {"adaptorType", "MemoryImport"},
                                {"_connectionId", "mem"},
                                {"memory", memory}});
  }
  // Flow `id`: export a, then import `first` with `response_mapping` (and proceedOnFailure:
  // `first_proceeds`), then import `second`.
  void put_two_step_flow(const std::string& id, const std::string& first,
                         const char* response_mapping, const std::string& second,
                         bool first_proceeds = false) {
    json::array processors{json::object{{"type", "import"},
                                        {"_importId", first},
                                        {"responseMapping", json::parse(response_mapping)},
                                        {"proceedOnFailure", first_proceeds}},
                           json::object{{"type", "import"}, {"_importId", second}}};
    put(ResourceKind::kFlow, {{"_id", id},
                              {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                              {"pageProcessors", processors}});
  }
  std::vector<std::string> records_of(const std::string& import) {
    std::vector<std::string> out;
    const std::string prefix = "R " + import + " ";
    for (const auto& line : log_lines())
      if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(prefix.size()));
    return out;
  }
};

TEST_F(ResponseMappingFlows, AnImportsResponseIsMappedIntoTheRecordTheNextImportGets) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_logging_import("x", {{"giveIds", true}, {"rejectIds", json::array{"A2"}}});
  put_logging_import("y");
  put_two_step_flow("f", "x", R"({"fields": [
      {"extract": "id", "generate": "dest.id"},
      {"extract": "statusCode", "generate": "dest.status"},
      {"extract": "_json.missing", "generate": "dest.raw"}]})",
                    "y");
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // x got the records as exported; y got them with x's response merged in. A2, rejected by x,
  // goes no further. An extract that finds nothing (_json is null) sets nothing.
  EXPECT_EQ(records_of("x"),
            (std::vector<std::string>{R"({"id":"A1","n":1})", R"({"id":"A2","n":2})",
                                      R"({"id":"A3","n":3})"}));
  EXPECT_EQ(records_of("y"),
            (std::vector<std::string>{R"({"id":"A1","n":1,"dest":{"id":"D-A1","status":200}})",
                                      R"({"id":"A3","n":3,"dest":{"id":"D-A3","status":200}})"}));
  EXPECT_EQ(job.num_export, 3);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
}

TEST_F(ResponseMappingFlows,
       ARecordFailedByAnImportWithProceedOnFailureIsNotMappedAndReachesTheNextImportAsItWas) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_logging_import("x", {{"giveIds", true}, {"rejectIds", json::array{"A1"}}});
  put_logging_import("y");
  put_two_step_flow("f", "x", R"({"fields": [{"extract": "id", "generate": "destId"}]})", "y",
                    /*first_proceeds=*/true);
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records_of("y"), (std::vector<std::string>{R"({"id":"A1","n":1})",
                                                       R"({"id":"A2","n":2,"destId":"D-A2"})"}));
}

TEST_F(ResponseMappingFlows, AStoredResponseMappingThatDoesNotCompileFailsTheJobNamingThePath) {
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_logging_import("x");
  put_logging_import("y");
  put_two_step_flow("f", "x", R"({"fields": [{"extract": "id"}]})", "y");
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "flow f: $.pageProcessors[0].responseMapping.fields[0].generate: missing; expected "
            "the output field's path; fix it and apply the flow again");
  EXPECT_TRUE(records_of("x").empty());
}

}  // namespace
}  // namespace sluice::runtime
