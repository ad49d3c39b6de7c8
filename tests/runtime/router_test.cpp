// Routers (runtime/router_step.hpp, docs/runtime.md "Routers") run by the real runtime with the
// memory plugin: the exact records each branch's import gets with first_matching_branch and
// all_matching_branches, script routing, a branch without a filter catching every record, a
// branch without processors discarding, chained routers whose branches meet at the next router,
// the counting rule against the identity for records taking 0, 1, 2 and 3 branches, and a retry
// of an error in a branch running the rest of that branch and the next router.
#include <algorithm>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/retry_runner.hpp"
#include "runtime/router_step.hpp"
#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class Routers : public Runtime {
 protected:
  // {"version": "1", "rules": ...}: a branch's inputFilter as integrator.io stores it.
  static json::value rules(const char* text) {
    return json::object{{"version", "1"}, {"rules", json::parse(text)}};
  }
  // A branch filter taking the records whose n is from `low` to `high`.
  static json::value n_from(int low, int high) {
    const std::string text = fmt::format(
        R"(["and", ["greaterthanequals", ["number", ["extract", "n"]], {}],
                   ["lessthanequals", ["number", ["extract", "n"]], {}]])",
        low, high);
    return rules(text.c_str());
  }
  static json::object branch(const std::string& name, json::value filter,
                             std::vector<std::string> imports, std::string next = {}) {
    json::array processors;
    for (const auto& i : imports)
      processors.push_back(json::object{{"type", "import"}, {"_importId", i}});
    json::object b{{"name", name}, {"pageProcessors", processors}};
    if (!filter.is_null()) b["inputFilter"] = filter;
    if (!next.empty()) b["nextRouterId"] = next;
    return b;
  }
  void put_router_flow(json::array routers) {
    put(ResourceKind::kFlow, {{"_id", "f"},
                              {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
                              {"routers", std::move(routers)}});
  }
  static json::object router(const std::string& id, bool all_matching, json::array branches) {
    return json::object{
        {"id", id},
        {"name", id},
        {"routeRecordsTo", all_matching ? "all_matching_branches" : "first_matching_branch"},
        {"branches", std::move(branches)}};
  }
  // The open errors of flow f (`resolved`: the resolved ones).
  std::vector<host::JobError> errors(bool resolved = false) {
    host::ErrorQuery query;
    query.flow_id = "f";
    query.resolved = resolved;
    query.limit = 100;
    auto found = store_->find_errors(query);
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : std::vector<host::JobError>{};
  }
  // "step_id record-id" for each open error, sorted.
  std::vector<std::string> error_keys() {
    std::vector<std::string> keys;
    for (const auto& e : errors()) {
      if (e.resolved) continue;
      keys.push_back(e.step_id + " " + std::string(e.retry_data.at("id").as_string()));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  using Calls = std::map<std::string, std::vector<std::string>>;
};

TEST_F(Routers, FirstMatchingBranchSendsEachRecordDownTheFirstBranchItMatchesOnly) {
  put_export("a", {{"count", 5}, {"prefix", "A"}});
  for (const char* id : {"small", "mid", "rest"}) put_import(id, {});
  put_router_flow(
      {router("r1", false,
              {branch("small", n_from(1, 2), {"small"}), branch("mid", n_from(1, 4), {"mid"}),
               branch("rest", nullptr, {"rest"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"small", {"A1,A2"}}, {"mid", {"A3,A4"}}, {"rest", {"A5"}}}));
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 5);
  EXPECT_EQ(job.num_ignore, 0);
  EXPECT_EQ(job.num_error, 0);
}

TEST_F(Routers, AllMatchingBranchesSendsACopyDownEveryBranchItMatchesAndCountsItOnce) {
  put_export("a", {{"count", 5}, {"prefix", "A"}});
  for (const char* id : {"small", "mid", "rest"}) put_import(id, {});
  put_router_flow(
      {router("r1", true,
              {branch("small", n_from(1, 2), {"small"}), branch("mid", n_from(1, 4), {"mid"}),
               branch("rest", nullptr, {"rest"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(),
            (Calls{{"small", {"A1,A2"}}, {"mid", {"A1,A2,A3,A4"}}, {"rest", {"A1,A2,A3,A4,A5"}}}));
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 5);
  EXPECT_EQ(job.num_ignore, 0);
  EXPECT_EQ(job.num_error, 0);
}

TEST_F(Routers, EachBranchWorksOnItsOwnCopyOfTheRecord) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put(ResourceKind::kImport,
      {{"_id", "x"},
       {"adaptorType", "MemoryImport"},
       {"_connectionId", "mem"},
       {"mappings", json::parse(R"([{"generate": "id", "dataType": "string", "extract": "$.id"},
                                    {"generate": "k", "dataType": "number", "extract": "$.n"}])")},
       {"memory", json::object{{"log", log_}, {"name", "x"}, {"logRecords", true}}}});
  put(ResourceKind::kImport,
      {{"_id", "y"},
       {"adaptorType", "MemoryImport"},
       {"_connectionId", "mem"},
       {"memory", json::object{{"log", log_}, {"name", "y"}, {"logRecords", true}}}});
  put_router_flow({router("r1", true, {branch("x", nullptr, {"x"}), branch("y", nullptr, {"y"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  std::vector<std::string> records;
  for (const auto& line : log_lines())
    if (line.rfind("R ", 0) == 0) records.push_back(line.substr(2));
  EXPECT_EQ(records,
            (std::vector<std::string>{R"(x {"id":"A1","k":1})", R"(x {"id":"A2","k":2})",
                                      R"(y {"id":"A1","n":1})", R"(y {"id":"A2","n":2})"}));
  EXPECT_EQ(job.num_success, 2);
  expect_identity(job);
}

TEST_F(Routers, ALookupInABranchEnrichesThatBranchsCopyOnly) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put(ResourceKind::kExport, {{"_id", "find"},
                              {"adaptorType", "MemoryExport"},
                              {"_connectionId", "mem"},
                              {"isLookup", true},
                              {"memory", json::object{{"log", log_}, {"name", "find"}}}});
  for (const char* id : {"x", "y"}) {
    put(ResourceKind::kImport,
        {{"_id", id},
         {"adaptorType", "MemoryImport"},
         {"_connectionId", "mem"},
         {"memory", json::object{{"log", log_}, {"name", id}, {"logRecords", true}}}});
  }
  json::object enriched = branch("enriched", nullptr, {"x"});
  enriched["pageProcessors"].as_array().insert(
      enriched["pageProcessors"].as_array().begin(),
      json::object{
          {"type", "export"}, {"_exportId", "find"}, {"responseMapping", json::parse(R"({"fields": [
                       {"extract": "data[0].tier", "generate": "tier"}]})")}});
  put_router_flow({router("r1", true, {enriched, branch("plain", nullptr, {"y"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  std::vector<std::string> records;
  for (const auto& line : log_lines())
    if (line.rfind("R ", 0) == 0) records.push_back(line.substr(2));
  EXPECT_EQ(records,
            (std::vector<std::string>{R"(x {"id":"A1","n":1,"tier":"gold"})",
                                      R"(x {"id":"A2","n":2,"tier":"gold"})",
                                      R"(y {"id":"A1","n":1})", R"(y {"id":"A2","n":2})"}));
  EXPECT_EQ(job.num_success, 2);
  expect_identity(job);
}

TEST_F(Routers, ABranchWithoutProcessorsDiscardsAndARecordMatchingNoBranchIsIgnored) {
  put_export("a", {{"count", 5}, {"prefix", "A"}});
  put_import("keep", {});
  put_router_flow({router(
      "r1", false, {branch("drop", n_from(1, 1), {}), branch("keep", n_from(1, 3), {"keep"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // A1 is discarded by "drop"; A4 and A5 match no branch.
  EXPECT_EQ(imported(), (Calls{{"keep", {"A2,A3"}}}));
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_ignore, 3);
  EXPECT_EQ(job.num_error, 0);
}

// Records A1..A6 take 0, 1, 2, 3, 3 and 1 branches: b0 (n 2..5) -> import x, which rejects A3
// and A5; b1 (n 3..5) -> import y, which rejects A5; b2 (n 4..6) discards.
TEST_F(Routers, TheCountingRuleHoldsForRecordsTakingZeroToThreeBranchesWithMixedOutcomes) {
  put_export("a", {{"count", 6}, {"prefix", "A"}});
  put_import("x", {{"rejectIds", json::array{"A3", "A5"}}});
  put_import("y", {{"rejectIds", json::array{"A5"}}});
  put_router_flow({router("r1", true,
                          {branch("b0", n_from(2, 5), {"x"}), branch("b1", n_from(3, 5), {"y"}),
                           branch("b2", n_from(4, 6), {})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"x", {"A2,A3,A4,A5"}}, {"y", {"A3,A4,A5"}}}));
  // A1 (no branch) and A6 (discarded) are ignored; A2 and A4 succeeded everywhere they went;
  // A3 failed in one branch, A5 in two: one error count each, every failure stored.
  EXPECT_EQ(job.num_export, 6);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_ignore, 2);
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  EXPECT_EQ(error_keys(), (std::vector<std::string>{"x A3", "x A5", "y A5"}));
}

TEST_F(Routers, AScriptRoutesEachRecordToTheBranchIndicesItReturns) {
  put_export("a", {{"count", 4}, {"prefix", "A"}});
  for (const char* id : {"even", "odd", "all"}) put_import(id, {});
  put(ResourceKind::kScript, {{"_id", "s"},
                              {"name", "s"},
                              {"content",
                               "function route(options) {\n"
                               "  return options.record.n % 2 === 0 ? [0, 2] : [1, 2];\n}\n"}});
  json::object r = router("r1", true,
                          {branch("even", nullptr, {"even"}), branch("odd", nullptr, {"odd"}),
                           branch("all", nullptr, {"all"})});
  r["routeRecordsUsing"] = "script";
  r["script"] = json::object{{"_scriptId", "s"}, {"function", "route"}};
  put_router_flow({r});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"even", {"A2,A4"}}, {"odd", {"A1,A3"}}, {"all", {"A1,A2,A3,A4"}}}));
  EXPECT_EQ(job.num_success, 4);
  expect_identity(job);
}

TEST_F(Routers, WithFirstMatchingBranchAScriptRecordTakesTheFirstIndexOnly) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  for (const char* id : {"b0", "b1"}) put_import(id, {});
  put(ResourceKind::kScript,
      {{"_id", "s"}, {"name", "s"}, {"content", "function route(options) { return [1, 0]; }\n"}});
  json::object r =
      router("r1", false, {branch("b0", nullptr, {"b0"}), branch("b1", nullptr, {"b1"})});
  r["routeRecordsUsing"] = "script";
  r["script"] = json::object{{"_scriptId", "s"}, {"function", "route"}};
  put_router_flow({r});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"b1", {"A1,A2"}}}));
}

TEST_F(Routers, AScriptReturningABranchIndexOutOfRangeFailsThatRecordNamingTheRouterAndValue) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("b0", {});
  put(ResourceKind::kScript,
      {{"_id", "s"},
       {"name", "s"},
       {"content", "function route(options) { return options.record.n === 2 ? [0, 5] : [0]; }\n"}});
  json::object r = router("r1", false, {branch("b0", nullptr, {"b0"})});
  r["routeRecordsUsing"] = "script";
  r["script"] = json::object{{"_scriptId", "s"}, {"function", "route"}};
  put_router_flow({r});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"b0", {"A1,A3"}}}));
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  const auto stored = errors();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].step_id, "r1");
  EXPECT_EQ(stored[0].message,
            "router r1 ($.routers[0]): its script's function route returned [0,5] for this "
            "record; expected an array of branch indices from 0 to 0 (e.g. [0])");
  EXPECT_EQ(stored[0].retry_data.at("id"), "A2");
}

TEST_F(Routers, AScriptReturningNoArrayOrThrowingFailsThatRecordAtTheRouter) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("b0", {});
  put(ResourceKind::kScript, {{"_id", "s"},
                              {"name", "s"},
                              {"content",
                               "function route(options) {\n"
                               "  if (options.record.n === 1) return 0;\n"
                               "  if (options.record.n === 2) throw new Error('no route for ' + "
                               "options.record.id);\n"
                               "  return [0];\n}\n"}});
  json::object r = router("r1", false, {branch("b0", nullptr, {"b0"})});
  r["routeRecordsUsing"] = "script";
  r["script"] = json::object{{"_scriptId", "s"}, {"function", "route"}};
  put_router_flow({r});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"b0", {"A3"}}}));
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  std::map<std::string, std::string> messages;
  for (const auto& e : errors())
    messages[std::string(e.retry_data.at("id").as_string())] = e.step_id + ": " + e.message;
  EXPECT_EQ(messages.at("A1"),
            "r1: router r1 ($.routers[0]): its script's function route returned 0 for this record; "
            "expected an array of branch indices from 0 to 0 (e.g. [0])");
  EXPECT_EQ(
      messages.at("A2").rfind("r1: router r1 ($.routers[0]): its script's function route: ", 0), 0u)
      << messages.at("A2");
  EXPECT_NE(messages.at("A2").find("no route for A2"), std::string::npos) << messages.at("A2");
}

TEST_F(Routers, ChainedRoutersMeetAtTheNextRouterInOnePage) {
  put_export("a", {{"count", 4}, {"prefix", "A"}});
  for (const char* id : {"low", "high", "last"}) put_import(id, {});
  put_router_flow({router("r1", false,
                          {branch("low", n_from(1, 2), {"low"}, "r2"),
                           branch("high", nullptr, {"high"}, "r2")}),
                   router("r2", false, {branch("end", nullptr, {"last"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(),
            (Calls{{"low", {"A1,A2"}}, {"high", {"A3,A4"}}, {"last", {"A1,A2,A3,A4"}}}));
  EXPECT_EQ(job.num_success, 4);
  expect_identity(job);
}

TEST_F(Routers, ARecordFailingInABranchDoesNotReachTheNextRouter) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("x", {{"rejectIds", json::array{"A2"}}});
  put_import("last", {});
  put_router_flow({router("r1", false, {branch("x", nullptr, {"x"}, "r2")}),
                   router("r2", false, {branch("end", nullptr, {"last"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"x", {"A1,A2,A3"}}, {"last", {"A1,A3"}}}));
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 1);
  EXPECT_EQ(error_keys(), (std::vector<std::string>{"x A2"}));
}

TEST_F(Routers, ARetryOfAnErrorInABranchRunsTheRestOfThatBranchAndTheNextRouter) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("x", {{"rejectIds", json::array{"A2"}}});
  for (const char* id : {"y", "other", "last"}) put_import(id, {});
  put_router_flow({router("r1", false,
                          {branch("other", n_from(3, 3), {"other"}),
                           branch("main", nullptr, {"x", "y"}, "r2")}),
                   router("r2", false, {branch("end", nullptr, {"last"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(),
            (Calls{{"other", {"A3"}}, {"x", {"A1,A2"}}, {"y", {"A1"}}, {"last", {"A1"}}}));
  ASSERT_EQ(error_keys(), (std::vector<std::string>{"x A2"}));
  // The application accepts A2 now.
  put_import("x", {});
  std::filesystem::remove(log_);
  auto retried = run_retry(*store_, registry_, "f", RetryOptions{});
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_EQ(retried->job.status, "completed") << retried->job.message;
  EXPECT_EQ(imported(), (Calls{{"x", {"A2"}}, {"y", {"A2"}}, {"last", {"A2"}}}));
  EXPECT_EQ(retried->job.num_export, 1);
  EXPECT_EQ(retried->job.num_success, 1);
  EXPECT_EQ(retried->resolved, 1u);
  EXPECT_TRUE(error_keys().empty());
}

TEST_F(Routers, AutoResolveResolvesABranchErrorOnlyWhenTheRecordLaterSucceedsAtThatStep) {
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("x", {{"rejectIds", json::array{"A2"}}});
  put_import("y", {});
  auto flow_with_x_up_to = [&](int n) {
    put_router_flow(
        {router("r1", false, {branch("a", n_from(1, n), {"x"}), branch("b", nullptr, {"y"})})});
  };
  flow_with_x_up_to(2);
  ASSERT_EQ(run("f").status, "completed");
  ASSERT_EQ(error_keys(), (std::vector<std::string>{"x A2"}));
  // A2 now goes down branch b and succeeds at y: that says nothing about x.
  flow_with_x_up_to(1);
  ASSERT_EQ(run("f").status, "completed");
  EXPECT_EQ(error_keys(), (std::vector<std::string>{"x A2"}));
  // Back through x, which accepts it now: its error there is resolved.
  put_import("x", {});
  flow_with_x_up_to(2);
  ASSERT_EQ(run("f").status, "completed");
  EXPECT_TRUE(error_keys().empty());
  const auto stored = errors(/*resolved=*/true);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].step_id, "x");
  EXPECT_EQ(stored[0].resolved_by, "auto");
}

TEST_F(Routers, ABranchFilterThatCannotBeEvaluatedFailsTheRecordNamingTheRouterAndBranch) {
  put_export("a", {{"count", 2}, {"prefix", "A"}});
  put_import("x", {});
  put_router_flow({router(
      "r1", false,
      {branch("strict", rules(R"(["equals", ["number", ["extract", "id"]], 1])"), {"x"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  const auto stored = errors();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].step_id, "r1");
  EXPECT_EQ(stored[0].message.rfind("router r1: branch strict: ", 0), 0u) << stored[0].message;
}

// A postResponseMap in a branch cannot change the number of records: its result has the length
// it was given (script/post_response_map.hpp), and item i of it is record i, changed however the
// hook likes (integrator.io's contract). So one that drops a record and adds one in its place
// changes the records at those positions: each outcome stays with the record routed at its
// position, exactly. One that returns one record more fails, at its step, exactly the copies it
// was given; the same records' copies in another branch are submitted there, and each record
// counts once, failed.
constexpr const char* kBranchHooks = R"(
    function swap(options) {  // drops the second record, adds NEW at the end
      var d = options.postResponseMapData;
      return [d[0], d[2], {id: "NEW", n: 9}];
    }
    function grow(options) { return options.postResponseMapData.concat([{id: "NEW"}]); })";

TEST_F(Routers, ABranchPostResponseMapThatDropsOneRecordAndAddsOneChangesTheRecordsInPlace) {
  put(ResourceKind::kScript, {{"_id", "s"}, {"name", "s"}, {"content", kBranchHooks}});
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("x", {});
  put_import("y", {{"rejectIds", json::array{"NEW"}}});
  json::object hooked = branch("hooked", nullptr, {"x", "y"});
  hooked["pageProcessors"].as_array()[0].as_object()["hooks"] =
      json::object{{"postResponseMap", json::object{{"_scriptId", "s"}, {"function", "swap"}}}};
  put_router_flow({router("r", false, {hooked})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"x", {"A1,A2,A3"}}, {"y", {"A1,A3,NEW"}}}));
  EXPECT_EQ(job.num_export, 3);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  // The third record became NEW, which y rejected: its error, with NEW as its retry data.
  const auto open = errors();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].step_id, "y");
  EXPECT_EQ(open[0].retry_data, json::parse(R"({"id":"NEW","n":9})"));
}

TEST_F(Routers, ABranchPostResponseMapReturningOneRecordMoreFailsEachCopyItWasGiven) {
  put(ResourceKind::kScript, {{"_id", "s"}, {"name", "s"}, {"content", kBranchHooks}});
  put_export("a", {{"count", 3}, {"prefix", "A"}});
  put_import("x", {});
  put_import("y", {});
  put_import("z", {});
  json::object hooked = branch("hooked", nullptr, {"x", "y"});
  hooked["pageProcessors"].as_array()[0].as_object()["hooks"] =
      json::object{{"postResponseMap", json::object{{"_scriptId", "s"}, {"function", "grow"}}}};
  put_router_flow({router("r", true, {hooked, branch("plain", n_from(2, 3), {"z"})})});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported(), (Calls{{"x", {"A1,A2,A3"}}, {"z", {"A2,A3"}}}));
  EXPECT_EQ(job.num_export, 3);
  EXPECT_EQ(job.num_success, 0);
  EXPECT_EQ(job.num_error, 3);
  expect_identity(job);
  const auto open = errors();
  ASSERT_EQ(open.size(), 3u);
  for (const auto& e : open) {
    EXPECT_EQ(e.step_id, "x");
    EXPECT_EQ(e.code, "hook");
    EXPECT_THAT(e.message, ::testing::HasSubstr(
                               "returned a result whose length is 4 for a page of 3 records"));
  }
  EXPECT_EQ(error_keys(), (std::vector<std::string>{"x A1", "x A2", "x A3"}));
}

// A branch step that replaces the page's live records (Page::replace_live): it drops the second
// record and adds one, {"id": "NEW"}.
class DropOneAddOne : public Step {
 public:
  std::string_view kind() const override { return "import"; }
  const std::string& name() const override { return id_; }
  const std::string& step_id() const override { return id_; }
  Result<StepResult> run(Page& page, const StepContext&) override {
    std::vector<json::value> records;
    for (size_t i = 0; i < page.size(); ++i)
      if (i != 1) records.emplace_back(page.record(i));
    records.emplace_back(json::object{{"id", "NEW"}});
    page.replace_live(std::move(records));
    return StepResult{};
  }

 private:
  std::string id_ = "swap";
};

// A branch step that submits every record but {"id": "NEW"}, which it fails.
class RejectNew : public Step {
 public:
  std::string_view kind() const override { return "import"; }
  const std::string& name() const override { return id_; }
  const std::string& step_id() const override { return id_; }
  Result<StepResult> run(Page& page, const StepContext&) override {
    for (size_t i = 0; i < page.size(); ++i) {
      if (!page.alive(i)) continue;
      if (page.record(i).at("id") == "NEW") {
        page.fail(i, id_, "rejected", "y rejected NEW");
      } else {
        page.mark_submitted(i);
      }
    }
    return StepResult{};
  }

 private:
  std::string id_ = "y";
};

TEST(RouterStepUnit, ABranchStepThatReplacesTheRecordsFailsEachCopyInsteadOfMappingByPosition) {
  FlowPlan plan;
  plan.flow_id = "f";
  FlowRouterRef r;
  r.path = "$.routers[0]";
  r.id = r.name = "r";
  FlowBranchRef b;
  b.path = "$.routers[0].branches[0]";
  b.name = "all";
  b.processors = {0, 1};
  r.branches.push_back(b);
  plan.routers.push_back(r);
  auto step = RouterStep::make(
      plan, 0,
      [](size_t index) -> Result<std::unique_ptr<Step>> {
        if (index == 0) return std::unique_ptr<Step>(std::make_unique<DropOneAddOne>());
        return std::unique_ptr<Step>(std::make_unique<RejectNew>());
      },
      PipelineLimits{});
  ASSERT_TRUE(step) << step.error().message;
  Page page(parse_page_source(R"({"records":[{"id":"A1"},{"id":"A2"},{"id":"A3"}]})"), 0, 3);
  page.begin_step();
  auto ran = (*step)->run(page, StepContext{});
  ASSERT_TRUE(ran) << ran.error().message;
  // By position, A2 (dropped) would count as A3's success and A3 as NEW's failure.
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(page.state(i), RecordState::kFailed) << i;
    const RecordError* e = page.error(i);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->step_id, "r");
    EXPECT_EQ(e->code, "router");
    EXPECT_EQ(e->message,
              "router r: branch all: a step of the branch replaced its 3 records by 3, so which "
              "record became which is not known; a branch's steps must keep one record per record "
              "routed to it (change records in place)");
    EXPECT_EQ(e->retry_data, page.record(i));
  }
  EXPECT_TRUE(ran->job_errors.empty());
}

}  // namespace
}  // namespace sluice::runtime
