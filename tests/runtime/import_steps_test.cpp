// The import's steps wired to their engines, run by the real runtime with the memory plugin: the
// input filter, preMap, the Mapper 2.0 import mapping with a static lookup, postMap, submit and
// postSubmit, in integrator.io's order, with exact records at the destination, exact errors and
// the counting rule of page.hpp (a record skipped by every import is ignored).
#include <gtest/gtest.h>

#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class ImportSteps : public Runtime {
 protected:
  void put_script(const std::string& id, const std::string& code) {
    put(ResourceKind::kScript, {{"_id", id}, {"name", id}, {"content", code}});
  }
  // An import whose memory plugin logs every record it gets ("R <id> <json>").
  void put_import_with(const std::string& id, json::object extra, json::object memory = {}) {
    memory["log"] = log_;
    memory["name"] = id;
    memory["logRecords"] = true;
    json::object doc{
        {"_id", id}, {"adaptorType", "MemoryImport"}, {"_connectionId", "mem"}, {"memory", memory}};
    for (auto& [key, value] : extra) doc[key] = value;
    put(ResourceKind::kImport, std::move(doc));
  }
  // Every record each import got, as JSON text, in order.
  std::map<std::string, std::vector<std::string>> records() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& line : log_lines()) {
      if (line.rfind("R ", 0) != 0) continue;
      const size_t space = line.find(' ', 2);
      out[line.substr(2, space - 2)].push_back(line.substr(space + 1));
    }
    return out;
  }
  std::map<std::string, host::JobError> errors_by_record(const std::string& flow) {
    auto errors = store_->list_errors(flow, 100);
    EXPECT_TRUE(errors);
    std::map<std::string, host::JobError> out;
    if (!errors) return out;
    for (auto& e : *errors) {
      const json::object* retry = e.retry_data.if_object();
      const std::string id = retry != nullptr && retry->contains("id")
                                 ? std::string(retry->at("id").as_string())
                                 : std::string("?");
      out[id] = e;
    }
    return out;
  }
  static json::object hook(const std::string& script, const std::string& function) {
    return json::object{{"_scriptId", script}, {"function", function}};
  }
  static json::value rules(const char* text) {
    return json::object{{"type", "expression"},
                        {"expression", {{"version", "1"}, {"rules", json::parse(text)}}}};
  }
};

TEST_F(ImportSteps, InputFilterPreMapMappingWithLookupPostMapSubmitAndPostSubmitRunInOrder) {
  put_script("hooks", R"(
    function preMap(options) {
      return options.data.map(r => {
        if (r.id === "A3") return {errors: [{code: "no", message: "A3 refused by preMap"}]};
        const tier = r.n === 1 ? "gold" : r.n === 4 ? "bronze" : "silver";
        return {data: Object.assign({}, r, {tier: tier})};
      });
    }
    function postMap(options) {
      return options.postMapData.map((r, i) =>
          ({data: Object.assign({}, r, {pre: options.preMapData[i].tier})}));
    }
    function postSubmit(options) {
      return options.responseData.map((r, i) => r.errors.length > 0
          ? {statusCode: 200, errors: [], ignored: false, id: "fixed", _json: null}
          : Object.assign({}, r, {errors: [{code: "late", message: "postSubmit saw " + r.id +
                                            " for " + options.postMapData[i].id}]}));
    })");
  put_export("a", {{"count", 5}, {"prefix", "A"}});
  put_import_with(
      "x",
      {{"inputFilter", rules(R"(["lessthanequals", ["number", ["extract", "n"]], 4])")},
       {"hooks", json::object{{"preMap", hook("hooks", "preMap")},
                              {"postMap", hook("hooks", "postMap")},
                              {"postSubmit", hook("hooks", "postSubmit")}}},
       {"mappings", json::parse(R"([
          {"generate": "id", "dataType": "string", "extract": "$.id"},
          {"generate": "level", "dataType": "string", "extract": "$.tier", "lookupName": "levels"},
          {"generate": "qty", "dataType": "number", "extract": "$.n"}])")},
       {"lookups", json::parse(R"([{"name": "levels", "map": {"gold": "G", "silver": "S"}}])")}},
      {{"rejectIds", json::array{"A2"}}, {"giveIds", true}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // A5: skipped by the input filter; A3: failed by preMap; A4: no lookup entry; A1 and A2 reach
  // the destination mapped and postMapped.
  EXPECT_EQ(records()["x"],
            (std::vector<std::string>{R"({"id":"A1","level":"G","qty":1,"pre":"gold"})",
                                      R"({"id":"A2","level":"S","qty":2,"pre":"silver"})"}));
  // postSubmit turned A2's rejection into a success and A1's success into an error.
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 1);  // A2
  EXPECT_EQ(job.num_ignore, 1);   // A5: no import took it
  EXPECT_EQ(job.num_error, 3);    // A1, A3, A4
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors["A3"].step_id, "x");
  EXPECT_EQ(errors["A3"].code, "no");
  EXPECT_EQ(errors["A3"].message, "preMap hook of import x: A3 refused by preMap");
  EXPECT_EQ(errors["A4"].code, "mapping");
  EXPECT_EQ(errors["A4"].message,
            "import mapping: field level: lookup 'levels' has no entry for \"bronze\" (add it to "
            "the map, or give the lookup a default or allowFailures: true)");
  EXPECT_EQ(errors["A1"].code, "late");
  EXPECT_EQ(errors["A1"].message, "postSubmit saw D-A1 for A1");
  // Retry data: the record as it entered the import, unmapped (before preMap too).
  EXPECT_EQ(errors["A1"].retry_data, json::parse(R"({"id":"A1","n":1})"));
  EXPECT_EQ(errors["A4"].retry_data, json::parse(R"({"id":"A4","n":4})"));
  EXPECT_EQ(errors["A3"].retry_data, json::parse(R"({"id":"A3","n":3})"));
}

TEST_F(ImportSteps, ARecordSkippedByOneInputFilterReachesTheNextImportAndOneSkippedByAllIsIgnored) {
  put_export("a", {{"count", 6}, {"prefix", "A"}});
  put_import_with(
      "x", {{"inputFilter", rules(R"(["lessthanequals", ["number", ["extract", "n"]], 3])")}});
  put_import_with(
      "y", {{"inputFilter", rules(R"(["greaterthanequals", ["number", ["extract", "n"]], 3])")},
            {"mappings",
             json::parse(R"([{"generate": "id", "dataType": "string", "extract": "$.id"}])")}});
  put_import_with("z", {{"inputFilter", rules(R"(["equals", ["number", ["extract", "n"]], 4])")}});
  put_flow("f", {"a"}, {"x", "y", "z"});
  // A4 and A5 are skipped by x and reach y; A3 goes to both; z gets A4 unmapped (y's mapping is
  // y's own).
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A2,A3"});
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A3,A4,A5,A6"});
  EXPECT_EQ(imported()["z"], std::vector<std::string>{"A4"});
  EXPECT_EQ(records()["y"][0], R"({"id":"A3"})");
  EXPECT_EQ(records()["z"][0], R"({"id":"A4","n":4})");
  // Every record reached some import: each is exported once and succeeds once.
  EXPECT_EQ(job.num_export, 6);
  EXPECT_EQ(job.num_success, 6);
  EXPECT_EQ(job.num_ignore, 0);
  EXPECT_EQ(job.num_error, 0);
  expect_identity(job);
}

TEST_F(ImportSteps, RecordsEveryInputFilterSkipsAreIgnoredAndNothingIsSubmitted) {
  put_export("a", {{"count", 4}, {"prefix", "A"}});
  put_import_with("x",
                  {{"inputFilter", rules(R"(["greaterthan", ["number", ["extract", "n"]], 2])")}});
  put_import_with("y",
                  {{"inputFilter", rules(R"(["lessthan", ["number", ["extract", "n"]], 2])")}});
  put_flow("f", {"a"}, {"x", "y"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A3,A4"});
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A1"});
  EXPECT_EQ(job.num_export, 4);
  EXPECT_EQ(job.num_success, 3);
  EXPECT_EQ(job.num_ignore, 1);  // A2: skipped by both
  EXPECT_EQ(job.num_error, 0);
  expect_identity(job);

  put_import_with("x",
                  {{"inputFilter", rules(R"(["greaterthan", ["number", ["extract", "n"]], 9])")}});
  const Job none = run("f");
  ASSERT_EQ(none.status, "completed") << none.message;
  EXPECT_EQ(none.num_export, 4);
  EXPECT_EQ(none.num_success, 1);  // A1 at y
  EXPECT_EQ(none.num_ignore, 3);
  expect_identity(none);
}

TEST_F(ImportSteps, AScriptInputFilterSkipsWhatItRejectsAndFailsWhatItThrowsFor) {
  put_script("f", R"(
    function keep(options) {
      if (options.record.id === "A2") throw new Error("cannot judge A2");
      return options.record.n !== 3 && options.settings.import.min <= options.record.n;
    })");
  put_export("a", {{"count", 4}, {"prefix", "A"}});
  put_import_with("x",
                  {{"inputFilter", json::object{{"type", "script"}, {"script", hook("f", "keep")}}},
                   {"settings", json::object{{"min", 1}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A4"});
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_ignore, 1);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.count("A2"), 1u);
  EXPECT_EQ(errors["A2"].code, "filter");
  EXPECT_NE(errors["A2"].message.find("cannot judge A2"), std::string::npos);
}

TEST_F(ImportSteps, AMapper1MappingBuildsTheRecordTheImportSubmits) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with("x", {{"mapping", json::parse(R"({"fields": [
      {"extract": "id", "generate": "id"},
      {"extract": "id", "generate": "order.ref"},
      {"extract": "n", "generate": "qty", "dataType": "string"},
      {"hardCodedValue": "sluice", "generate": "source"}]})")}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records()["x"],
            (std::vector<std::string>{
                R"({"id":"A1","order":{"ref":"A1"},"qty":"1","source":"sluice"})",
                R"({"id":"A2","order":{"ref":"A2"},"qty":"2","source":"sluice"})"}));
  EXPECT_EQ(job.num_success, 2);
}

TEST_F(ImportSteps, SendPostMappedDataFalseSubmitsTheRecordAsTheMappingGotIt) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with(
      "x", {{"mappings",
             json::parse(R"([{"generate": "id", "dataType": "string", "extract": "$.id"}])")},
            {"http", json::object{{"sendPostMappedData", false}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records()["x"],
            (std::vector<std::string>{R"({"id":"A1","n":1})", R"({"id":"A2","n":2})"}));
  EXPECT_EQ(job.num_success, 2);
}

TEST_F(ImportSteps, APreMapResultOfTheWrongLengthFailsThePageAtThatImportWithAMessageSayingSo) {
  put_script("h",
             "function preMap(options) { return options.data.slice(1).map(d => ({data: d})); }");
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import_with("x", {{"hooks", json::object{{"preMap", hook("h", "preMap")}}}});
  put_import_with("y", {});
  put_flow("f", {"a"}, {"x", "y"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_TRUE(imported()["x"].empty());
  EXPECT_TRUE(imported()["y"].empty());  // failed records go no further
  EXPECT_EQ(job.num_error, 3);
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors["A1"].step_id, "x");
  EXPECT_EQ(errors["A1"].code, "hook");
  EXPECT_EQ(errors["A1"].message,
            "preMap hook of import x: script \"h\", function preMap: returned a result whose "
            "length is 2 for a page of 3 records; preMap must return exactly one item per "
            "record, in order ({data} to keep it, {errors} to fail it, {} to skip it)");
}

TEST_F(ImportSteps, APostMapEmptyObjectSkipsTheRecordAtThatImportOnly) {
  put_script("h", R"(function postMap(options) {
      return options.postMapData.map(d => d.id === "A1" ? {} : {data: d}); })");
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with("x", {{"hooks", json::object{{"postMap", hook("h", "postMap")}}}});
  put_import_with("y", {});
  put_flow("f", {"a"}, {"x", "y"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A2"});
  EXPECT_EQ(imported()["y"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(job.num_success, 2);
  expect_identity(job);
}

TEST_F(ImportSteps, APostSubmitResultOfTheWrongLengthFailsTheSubmittedRecords) {
  put_script("h", "function postSubmit(options) { return options.responseData.concat([{}]); }");
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with("x", {{"hooks", json::object{{"postSubmit", hook("h", "postSubmit")}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors["A2"].code, "hook");
  EXPECT_EQ(errors["A2"].message,
            "postSubmit hook of import x: script \"h\", function postSubmit: returned a result "
            "whose length is 3 for a page of 2 records; postSubmit must return responseData "
            "with its length unchanged (one response per record, in order)");
}

TEST_F(ImportSteps, AHookThatThrowsFailsThePageAtThatImportAndTheJobGoesOn) {
  put_script("h", "function preMap(options) { throw new Error('lookup service down'); }");
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with("x", {{"hooks", json::object{{"preMap", hook("h", "preMap")}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_error, 2);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors["A1"].message.find("lookup service down"), std::string::npos)
      << errors["A1"].message;
}

TEST_F(ImportSteps, AHookNamingAFunctionTheScriptLacksFailsTheJob) {
  put_script("h", "function other(options) { return []; }");
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with("x", {{"hooks", json::object{{"postMap", hook("h", "postMap")}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("defines no function named \"postMap\""), std::string::npos)
      << job.message;
  expect_identity(job);
}

TEST_F(ImportSteps, PreMapDataWithErrorsGoesOnAndTheErrorsAreLoggedAsJobErrors) {
  put_script("h", R"(function preMap(options) {
      return options.data.map(d => ({data: d, errors: [{code: "W", message: "noted " + d.id}]})); })");
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_import_with("x", {{"hooks", json::object{{"preMap", hook("h", "preMap")}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1"});
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_error, 0);  // a job error, not a record's
  auto errors = store_->list_errors("f", 100);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].step_id, "x");
  EXPECT_EQ((*errors)[0].code, "W");
  EXPECT_EQ((*errors)[0].message, "preMap hook of import x: noted A1");
}

TEST_F(ImportSteps, RecordUpdatedMappingsApplyToAnImportThatUpdates) {
  const json::value mappings = json::parse(R"([
      {"generate": "id", "dataType": "string", "extract": "$.id"},
      {"generate": "created", "dataType": "number", "extract": "$.n",
       "conditional": {"when": "record_created"}},
      {"generate": "updated", "dataType": "number", "extract": "$.n",
       "conditional": {"when": "record_updated"}}])");
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_import_with("post", {{"mappings", mappings}, {"http", json::object{{"method", "POST"}}}});
  put_import_with("put", {{"mappings", mappings}, {"http", json::object{{"method", "PUT"}}}});
  put_flow("f", {"a"}, {"post", "put"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records()["post"], std::vector<std::string>{R"({"id":"A1","created":1})"});
  EXPECT_EQ(records()["put"], std::vector<std::string>{R"({"id":"A1","updated":1})"});
}

TEST_F(ImportSteps, AStoredImportWhoseMappingDoesNotCompileFailsTheJobNamingThePath) {
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_import_with(
      "x",
      {{"mappings", json::parse(R"([{"generate": "n", "dataType": "numbr", "extract": "$.n"}])")}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("import x: $.mappings[0].dataType"), std::string::npos) << job.message;
  EXPECT_TRUE(imported()["x"].empty());
}

TEST_F(ImportSteps, TheNextImportMapsTheRecordsAnImportWithProceedOnFailureFailed) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import_with("x", {}, {{"rejectIds", json::array{"A1"}}});
  put_import_with("y", {{"mappings", json::parse(R"([{"generate": "id", "dataType": "string",
                                                      "extract": "{{record.id}}-y"}])")}});
  put(ResourceKind::kFlow,
      {{"_id", "f"},
       {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
       {"pageProcessors",
        json::array{
            json::object{{"type", "import"}, {"_importId", "x"}, {"proceedOnFailure", true}},
            json::object{{"type", "import"}, {"_importId", "y"}}}}});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records()["y"], (std::vector<std::string>{R"({"id":"A1-y"})", R"({"id":"A2-y"})"}));
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_error, 1);  // A1, once, at x
  expect_identity(job);
}

}  // namespace
}  // namespace sluice::runtime
