// One to many (runtime/fan_out.hpp): an import or a lookup with oneToMany + pathToMany runs on
// the child records of each record (the array elements, each with _PARENT), and the records go on
// to the next processor one each; a failed child fails its parent once, with the parent as retry
// data; response mapping writes into each array element. Run by the real runtime with the memory
// plugin; the source records get their arrays from a preSavePage hook.
#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "runtime/retry_runner.hpp"
#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class OneToMany : public Runtime {
 protected:
  // Export "a" (`count` records A1..An, {"id", "n"}); a preSavePage hook merges `fields[id]`
  // into record id (e.g. {"A1": {"items": [...]}}).
  void put_source(int count, const char* fields) {
    put(ResourceKind::kScript, {{"_id", "shape"},
                                {"name", "shape"},
                                {"content", std::string("var fields = ") + fields + R"(;
           function shape(options) {
             return {data: options.data.map(function (r) {
               return Object.assign(r, fields[r.id] || {});
             })};
           })"}});
    put_export("a", {{"count", count}, {"prefix", "A"}}, 0,
               {{"hooks", json::object{{"preSavePage", json::object{{"_scriptId", "shape"},
                                                                    {"function", "shape"}}}}}});
  }
  // An import whose memory plugin logs every record it gets ("R <id> <json>").
  void put_logging_import(const std::string& id, json::object memory = {},
                          json::object extra = {}) {
    memory["log"] = log_;
    memory["name"] = id;
    memory["logRecords"] = true;
    json::object doc{
        {"_id", id}, {"adaptorType", "MemoryImport"}, {"_connectionId", "mem"}, {"memory", memory}};
    for (auto& [key, value] : extra) doc[key] = value;
    put(ResourceKind::kImport, std::move(doc));
  }
  static json::object fan_out(const char* path = "items") {
    return json::object{{"oneToMany", true}, {"pathToMany", path}};
  }
  void put_lookup(const std::string& id, json::object memory, json::object extra) {
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
  // Flow f: export a, then `processors` ({type, id, responseMapping?}) in order.
  void put_steps(std::vector<json::object> processors) {
    json::array entries;
    for (auto& p : processors) entries.push_back(std::move(p));
    put(ResourceKind::kFlow, {{"_id", "f"},
                              {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                              {"pageProcessors", std::move(entries)}});
  }
  static json::object import_entry(const std::string& id, const char* response_mapping = nullptr) {
    json::object entry{{"type", "import"}, {"_importId", id}};
    if (response_mapping != nullptr) entry["responseMapping"] = json::parse(response_mapping);
    return entry;
  }
  std::vector<std::string> lines_starting(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& line : log_lines())
      if (line.rfind(prefix, 0) == 0) out.push_back(line.substr(prefix.size()));
    return out;
  }
};

constexpr const char* kTwoItemsForA1 = R"({
    "A1": {"items": [{"id": "A1-1", "sku": "S1"}, {"id": "A1-2", "sku": "S2"}]},
    "A2": {"items": [{"id": "A2-1", "sku": "S3"}]}})";

TEST_F(OneToMany, TheImportGetsOneChildPerElementWithItsParentAndTheNextStepGetsTheParents) {
  put_source(2, kTwoItemsForA1);
  put_logging_import("x", {}, fan_out());
  put_logging_import("y");
  put_steps({import_entry("x"), import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // One call for the page's children, each the element plus _PARENT (the record as it entered,
  // without the array).
  EXPECT_EQ(lines_starting("I x "), std::vector<std::string>{"A1-1,A1-2,A2-1"});
  EXPECT_EQ(lines_starting("R x "),
            (std::vector<std::string>{R"({"id":"A1-1","sku":"S1","_PARENT":{"id":"A1","n":1}})",
                                      R"({"id":"A1-2","sku":"S2","_PARENT":{"id":"A1","n":1}})",
                                      R"({"id":"A2-1","sku":"S3","_PARENT":{"id":"A2","n":2}})"}));
  // The next import gets each parent once, unchanged.
  EXPECT_EQ(lines_starting("R y "),
            (std::vector<std::string>{
                R"({"id":"A1","n":1,"items":[{"id":"A1-1","sku":"S1"},{"id":"A1-2","sku":"S2"}]})",
                R"({"id":"A2","n":2,"items":[{"id":"A2-1","sku":"S3"}]})"}));
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_ignore, 0);
  EXPECT_EQ(job.num_error, 0);
  expect_identity(job);
}

TEST_F(OneToMany, ANestedPathToManyFansOutTheArrayAtThatPathAndMapsBackIntoIt) {
  put_source(1, R"({"A1": {"order": {"ref": "R1", "lines": [{"id": "L1"}, {"id": "L2"}]}}})");
  put_logging_import("x", {{"giveIds", true}}, fan_out("order.lines"));
  put_logging_import("y");
  put_steps({import_entry("x", R"({"fields": [{"extract": "id", "generate": "destId"}]})"),
             import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("R x "),
            (std::vector<std::string>{
                R"({"id":"L1","_PARENT":{"id":"A1","n":1,"order":{"ref":"R1"}}})",
                R"({"id":"L2","_PARENT":{"id":"A1","n":1,"order":{"ref":"R1"}}})"}));
  EXPECT_EQ(
      lines_starting("R y "),
      std::vector<std::string>{R"({"id":"A1","n":1,"order":{"ref":"R1","lines":[)"
                               R"({"id":"L1","destId":"D-L1"},{"id":"L2","destId":"D-L2"}]}})"});
  EXPECT_EQ(job.num_success, 1);
  expect_identity(job);
}

TEST_F(OneToMany, ARecordWithoutChildrenSubmitsNothingAndIsIgnoredIfNoOtherStepTakesIt) {
  // A1 has two children; A2 an empty array, A3 no field, A4 null.
  put_source(4, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]},
                    "A2": {"items": []}, "A4": {"items": null}})");
  put_logging_import("x", {}, fan_out());
  put_steps({import_entry("x")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("I x "), std::vector<std::string>{"A1-1,A1-2"});
  EXPECT_EQ(job.num_export, 4);
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_ignore, 3);
  EXPECT_EQ(job.num_error, 0);
  expect_identity(job);
}

TEST_F(OneToMany, ARecordWithoutChildrenStillReachesTheNextImport) {
  put_source(2, R"({"A1": {"items": [{"id": "A1-1"}]}})");
  put_logging_import("x", {}, fan_out());
  put_logging_import("y");
  put_steps({import_entry("x"), import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("I x "), std::vector<std::string>{"A1-1"});
  EXPECT_EQ(lines_starting("I y "), std::vector<std::string>{"A1,A2"});
  EXPECT_EQ(job.num_success, 2);
  expect_identity(job);
}

TEST_F(OneToMany, AFailedChildFailsItsParentOnceWithTheWholeParentAsRetryData) {
  put_source(2, R"({
      "A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}, {"id": "A1-3"}]},
      "A2": {"items": [{"id": "A2-1"}]}})");
  put_logging_import("x", {{"rejectIds", json::array{"A1-2", "A1-3"}}}, fan_out());
  put_logging_import("y");
  put_steps({import_entry("x"), import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("I x "), std::vector<std::string>{"A1-1,A1-2,A1-3,A2-1"});
  // A1 failed at x: it goes no further; A2 does.
  EXPECT_EQ(lines_starting("I y "), std::vector<std::string>{"A2"});
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 1u);
  const host::JobError& e = (*errors)[0];
  EXPECT_EQ(e.step_id, "x");
  EXPECT_EQ(e.code, "rejected");
  EXPECT_EQ(e.message,
            "2 of 3 child records at items failed: items[1]: memory import x rejected A1-2; "
            "items[2]: memory import x rejected A1-3");
  EXPECT_EQ(e.retry_data, json::parse(R"({"id":"A1","n":1,"items":[
      {"id":"A1-1"},{"id":"A1-2"},{"id":"A1-3"}]})"));
  EXPECT_EQ(e.trace_key, "A1");
  EXPECT_EQ(e.details, json::parse(R"({"pathToMany": "items", "failed": [
      {"index": 1, "code": "rejected", "message": "memory import x rejected A1-2"},
      {"index": 2, "code": "rejected", "message": "memory import x rejected A1-3"}]})"));
}

TEST_F(OneToMany, RetryingAFailedParentFansItOutAgainFromTheStepAndResolvesTheError) {
  put_source(1, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]}})");
  put_logging_import("x", {{"rejectIds", json::array{"A1-2"}}}, fan_out());
  put_logging_import("y");
  put_steps({import_entry("x"), import_entry("y")});
  const Job first = run("f");
  ASSERT_EQ(first.num_error, 1);
  // The destination is fixed; the retry sends the parent's children again, then the parent to y.
  put_logging_import("x", {}, fan_out());
  auto retried = run_retry(*store_, registry_, "f", RetryOptions{});
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_EQ(retried->job.status, "completed") << retried->job.message;
  EXPECT_EQ(retried->retried, 1u);
  EXPECT_EQ(retried->resolved, 1u);
  EXPECT_EQ(retried->job.num_export, 1);
  EXPECT_EQ(retried->job.num_success, 1);
  expect_identity(retried->job);
  EXPECT_EQ(lines_starting("I x "), (std::vector<std::string>{"A1-1,A1-2", "A1-1,A1-2"}));
  EXPECT_EQ(lines_starting("I y "), std::vector<std::string>{"A1"});
  auto open = store_->list_errors("f", 10);
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

TEST_F(OneToMany, AParentFailedAtAStepWithProceedOnFailureGoesOnToTheNextImport) {
  put_source(1, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]}})");
  put_logging_import("x", {{"rejectIds", json::array{"A1-1"}}}, fan_out());
  put_logging_import("y");
  json::object first = import_entry("x");
  first["proceedOnFailure"] = true;
  put_steps({first, import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("I y "), std::vector<std::string>{"A1"});
  EXPECT_EQ(job.num_export, 1);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
}

TEST_F(OneToMany, TheResponseMappingWritesIntoEachArrayElementNotTheParent) {
  put_source(1, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]}})");
  put_logging_import("x", {{"giveIds", true}}, fan_out());
  put_logging_import("y");
  put_steps({import_entry("x", R"({"fields": [{"extract": "id", "generate": "destId"}]})"),
             import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("R y "),
            std::vector<std::string>{R"({"id":"A1","n":1,"items":[{"id":"A1-1","destId":"D-A1-1"},)"
                                     R"({"id":"A1-2","destId":"D-A1-2"}]})"});
  expect_identity(job);
}

TEST_F(OneToMany, PostResponseMapGetsOneToManyAndPathToManyWhenTheStepFansOut) {
  put(ResourceKind::kScript, {{"_id", "prm"}, {"name", "prm"}, {"content", R"(
         function note(options) {
           return options.postResponseMapData.map(function (r) {
             return Object.assign({}, r, {seen: String(options.oneToMany) + " " +
                                                String(options.pathToMany)});
           });
         })"}});
  put_source(1, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]}})");
  put_logging_import("x", {}, fan_out());
  put_logging_import("y");
  put_logging_import("z");
  const json::object hook{
      {"postResponseMap", json::object{{"_scriptId", "prm"}, {"function", "note"}}}};
  json::object x = import_entry("x");
  x["hooks"] = hook;
  json::object y = import_entry("y");
  y["hooks"] = hook;
  put_steps({x, y, import_entry("z")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // At x (fanned out) each child was told; at y (not fanned out) neither option is there.
  EXPECT_EQ(
      lines_starting("R z "),
      std::vector<std::string>{R"({"id":"A1","n":1,"items":[{"id":"A1-1","seen":"true items"},)"
                               R"({"id":"A1-2","seen":"true items"}],)"
                               R"("seen":"undefined undefined"})"});
  expect_identity(job);
}

TEST_F(OneToMany, AChildPageOverThePageLimitFailsItsParentsAtTheStepAndSendsNothing) {
  // A1's ten children each carry A1's 300-byte blob in _PARENT: about 3.5 KB together, while the
  // flow page itself (A1 once, A2) stays under the 2,000-byte limit.
  std::string items;
  for (int k = 1; k <= 10; ++k)
    items += fmt::format("{}{{\"id\": \"A1-{}\"}}", k > 1 ? "," : "", k);
  put_source(
      2, fmt::format(R"({{"A1": {{"blob": "{}", "items": [{}]}}}})", std::string(300, 'b'), items)
             .c_str());
  put_logging_import("x", {}, fan_out());
  put_logging_import("y");
  put_steps({import_entry("x"), import_entry("y")});
  RunOptions options;
  options.limits.page_bytes = 2000;
  const Job job = run("f", options);
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_TRUE(lines_starting("I x ").empty());
  EXPECT_EQ(lines_starting("I y "), std::vector<std::string>{"A2"});
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(job.num_success, 1);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].step_id, "x");
  EXPECT_EQ((*errors)[0].code, "page_too_large");
  // Each child is 351 bytes ({"id":"A1-1","_PARENT":{"id":"A1","n":1,"blob":"b…"}}), A1-10 352:
  // 3,511, with the brackets and commas 3,523.
  EXPECT_EQ((*errors)[0].message,
            "import x: the 10 child records at items of flow page 1 are 3523 bytes of JSON "
            "together (each with its _PARENT), over the limit of 2000 bytes per page "
            "(SLUICE_PAGE_LIMIT_BYTES); lower the export's pageSize so that fewer records fan out "
            "together");
}

TEST_F(OneToMany, ALookupLooksUpEachChildAndMapsItsResultIntoThatElement) {
  put_source(2, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]},
                    "A2": {"items": [{"id": "A2-1"}]}})");
  put_lookup("find", {{"missIds", json::array{"A1-2"}}}, fan_out());
  put_logging_import("y");
  json::object lookup{
      {"type", "export"}, {"_exportId", "find"}, {"responseMapping", json::parse(R"({"fields": [
                          {"extract": "data[0].tier", "generate": "tier"},
                          {"extract": "data.length", "generate": "found"}]})")}};
  put_steps({lookup, import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("L find "), std::vector<std::string>{"A1-1,A1-2,A2-1"});
  EXPECT_EQ(lines_starting("R y "),
            (std::vector<std::string>{
                R"({"id":"A1","n":1,"items":[{"id":"A1-1","tier":"gold","found":1},)"
                R"({"id":"A1-2","found":0}]})",
                R"({"id":"A2","n":2,"items":[{"id":"A2-1","tier":"gold","found":1}]})"}));
  EXPECT_EQ(job.num_success, 2);
  expect_identity(job);
}

TEST_F(OneToMany, AFailedLookupOfOneChildFailsTheParentAtTheLookup) {
  put_source(2, R"({"A1": {"items": [{"id": "A1-1"}, {"id": "A1-2"}]},
                    "A2": {"items": [{"id": "A2-1"}]}})");
  put_lookup("find", {{"failIds", json::array{"A1-1"}}}, fan_out());
  put_logging_import("y");
  put_steps({json::object{{"type", "export"}, {"_exportId", "find"}}, import_entry("y")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("I y "), std::vector<std::string>{"A2"});
  EXPECT_EQ(job.num_error, 1);
  EXPECT_EQ(job.num_success, 1);
  expect_identity(job);
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].step_id, "find");
  EXPECT_EQ((*errors)[0].code, "lookupFailed");
  EXPECT_EQ((*errors)[0].message,
            "1 of 2 child records at items failed: items[0]: lookup find: memory lookup find "
            "failed for A1-1");
}

TEST_F(OneToMany, TheInputFilterAndTheMappingSeeEachChildWithItsParent) {
  put_source(1, R"({"A1": {"customer": "C9", "items": [{"id": "A1-1", "qty": 2},
                                                       {"id": "A1-2", "qty": 0}]}})");
  json::object extra = fan_out();
  extra["inputFilter"] = json::parse(R"({"type": "expression", "expression": {"version": "1",
      "rules": ["greaterthan", ["number", ["extract", "qty"]], 0]}})");
  extra["mappings"] = json::parse(R"([
      {"generate": "id", "dataType": "string", "extract": "$.id"},
      {"generate": "customer", "dataType": "string", "extract": "$._PARENT.customer"}])");
  put_logging_import("x", {}, extra);
  put_steps({import_entry("x")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(lines_starting("R x "), std::vector<std::string>{R"({"id":"A1-1","customer":"C9"})"});
  EXPECT_EQ(job.num_success, 1);
  expect_identity(job);
}

TEST_F(OneToMany, AStoredPathToManyWithoutOneToManyFailsTheJobNamingTheField) {
  put_source(1, R"({"A1": {"items": [{"id": "A1-1"}]}})");
  put_logging_import("x", {}, {{"pathToMany", "items"}});
  put_steps({import_entry("x")});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "import x: $.pathToMany: set, but $.oneToMany is not true; set oneToMany: true to fan "
            "each record out into its child records, or remove pathToMany");
  EXPECT_TRUE(lines_starting("I x ").empty());
}

TEST_F(OneToMany, APathToManyThatIsNotAnArrayFailsTheRecordNamingWhatItFound) {
  put_source(2, R"({"A1": {"items": "none"}, "A2": {"items": [{"id": "A2-1"}, 7]}})");
  put_logging_import("x", {}, fan_out());
  put_steps({import_entry("x")});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_TRUE(lines_starting("I x ").empty());
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 2u);
  std::vector<std::string> messages;
  for (const auto& e : *errors) {
    EXPECT_EQ(e.code, "oneToMany");
    messages.push_back(e.message);
  }
  std::sort(messages.begin(), messages.end());
  EXPECT_EQ(messages,
            (std::vector<std::string>{
                "import x: items[1] is a number, not an object: each element of pathToMany is a "
                "child record; fix the record (or the step's pathToMany)",
                "import x: pathToMany \"items\" is a string in this record, not an array of child "
                "records; fix the record (or the step's pathToMany)"}));
}

}  // namespace
}  // namespace sluice::runtime
