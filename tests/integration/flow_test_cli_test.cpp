// `sluice flow test ID` through the real executable with the in-memory test plugin
// (tests/runtime/memory_plugin.cpp): the exact report of each step (JSON and the terminal view),
// --records across pages, and that a test run sends nothing to imports and changes nothing an
// ordinary run relies on (no job, no export state, no delta time, no page committed).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sluice_cli.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The script of the preSavePage hook: drops A2-t, marks the others seen, adds {"id": "NEW"},
// logs a console line and returns a job error.
constexpr const char* kHook = R"(function preSavePage(options) {
  console.log("page " + options.pageIndex + " has " + options.data.length + " records");
  const data = options.data.filter(r => r.id !== "A2-t").map(r => ({...r, seen: true}));
  return {data: data.concat([{id: "NEW"}]),
          errors: [{code: "c1", message: "the hook noticed something"}], abort: false};
})";

class FlowTestCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(resources_);
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", MEMORY_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    write("mem.json", R"({"_id": "mem", "type": "memory"})");
    write("x.json", fmt::format(R"({{"_id": "x", "name": "crm", "adaptorType": "MemoryImport",
        "_connectionId": "mem", "memory": {{"name": "x", "log": "{}"}}}})",
                                log_.string()));
    write("f.json", R"({"_id": "f", "name": "Orders", "pageGenerators": [{"_exportId": "a"}],
        "pageProcessors": [{"type": "import", "_importId": "x"}]})");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(resources_ / name) << text;
  }
  // Export a (named orders) of `count` memory records A1.. in plugin pages of `pages_of`, flow
  // pages of `page_size`, with `extra` fields (type, transform, filter, hooks).
  void write_export(int count, int pages_of, int page_size, const std::string& extra) {
    write("a.json",
          fmt::format(R"({{"_id": "a", "name": "orders", "adaptorType": "MemoryExport",
              "_connectionId": "mem", "pageSize": {}, "memory": {{"count": {}, "pagesOf": {},
              "prefix": "A", "log": "{}", "runLog": "{}"}}{}}})",
                      page_size, count, pages_of, log_.string(), run_log_.string(), extra));
  }
  void apply() {
    const CliResult applied = cli_->run({"apply", resources_.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  // The memory plugin's call log: "E" per export page, "C" per committed page, "I" per submit.
  std::vector<std::string> calls(char kind) {
    std::vector<std::string> out;
    std::istringstream in(read_file(log_));
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] == kind) out.push_back(line);
    return out;
  }

  TempDir dir_{"sluice-flow-test"};
  const fs::path& home_ = dir_.path();
  const fs::path resources_ = home_ / "resources";
  const fs::path log_ = home_ / "calls.log";
  const fs::path run_log_ = home_ / "runs.log";
  std::optional<SluiceCli> cli_;
};

const char* const kSteps = R"(,
    "transform": {"type": "expression", "expression": {"version": "2", "rulesTwoDotZero": {
      "mode": "create", "mappings": [
        {"generate": "id", "dataType": "string", "extract": "{{record.id}}-t"},
        {"generate": "n", "dataType": "number",
         "extract": "{{#if (eq record.id \"A5\")}}x{{else}}{{record.n}}{{/if}}"}]}}},
    "filter": {"type": "expression", "expression": {"version": "1", "rules":
      ["and", ["notempty", ["extract", "id"]], ["lessthanequals", ["extract", "n"], 3]]}},
    "hooks": {"preSavePage": {"_scriptId": "hook", "function": "preSavePage"}})";

TEST_F(FlowTestCommand, JsonShowsEveryStepsRecordsAndNothingReachesTheImportOrTheStore) {
  write("hook.json",
        json::serialize(json::object{{"_id", "hook"}, {"name", "hook"}, {"content", kHook}}));
  write_export(5, 5, 5, std::string(R"(, "type": "once")") + kSteps);
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  const json::value expected = json::parse(R"({"flowId": "f", "records": null, "sources": [
    {"exportId": "a", "name": "orders", "pages": 1, "error": null, "steps": [
      {"step": "export orders", "kind": "export", "stepId": "a", "wouldReceive": false,
       "records": [
         {"index": 0, "page": 0, "state": "alive", "record": {"id": "A1", "n": 1}, "error": null},
         {"index": 1, "page": 0, "state": "alive", "record": {"id": "A2", "n": 2}, "error": null},
         {"index": 2, "page": 0, "state": "alive", "record": {"id": "A3", "n": 3}, "error": null},
         {"index": 3, "page": 0, "state": "alive", "record": {"id": "A4", "n": 4}, "error": null},
         {"index": 4, "page": 0, "state": "alive", "record": {"id": "A5", "n": 5}, "error": null}],
       "jobErrors": [], "log": [], "error": null, "abort": false},
      {"step": "transform orders", "kind": "transform", "stepId": "a", "wouldReceive": false,
       "records": [
         {"index": 0, "page": 0, "state": "alive", "record": {"id": "A1-t", "n": 1}, "error": null},
         {"index": 1, "page": 0, "state": "alive", "record": {"id": "A2-t", "n": 2}, "error": null},
         {"index": 2, "page": 0, "state": "alive", "record": {"id": "A3-t", "n": 3}, "error": null},
         {"index": 3, "page": 0, "state": "alive", "record": {"id": "A4-t", "n": 4}, "error": null},
         {"index": 4, "page": 0, "state": "failed", "record": {"id": "A5", "n": 5},
          "error": {"code": "transform",
                    "message": "transformation: field n: cannot convert \"x\" to number"}}],
       "jobErrors": [], "log": [], "error": null, "abort": false},
      {"step": "filter orders", "kind": "filter", "stepId": "a", "wouldReceive": false,
       "records": [
         {"index": 0, "page": 0, "state": "alive", "record": {"id": "A1-t", "n": 1}, "error": null},
         {"index": 1, "page": 0, "state": "alive", "record": {"id": "A2-t", "n": 2}, "error": null},
         {"index": 2, "page": 0, "state": "alive", "record": {"id": "A3-t", "n": 3}, "error": null},
         {"index": 3, "page": 0, "state": "ignored", "record": {"id": "A4-t", "n": 4},
          "error": null,
          "reason": "rules[2] [\"lessthanequals\",[\"extract\",\"n\"],3] is false: n is 4"}],
       "jobErrors": [], "log": [], "error": null, "abort": false},
      {"step": "preSavePage hook orders", "kind": "preSavePage hook", "stepId": "a",
       "wouldReceive": false,
       "records": [
         {"index": 0, "page": 0, "state": "alive", "record": {"id": "A1-t", "n": 1, "seen": true},
          "error": null},
         {"index": 2, "page": 0, "state": "alive", "record": {"id": "A3-t", "n": 3, "seen": true},
          "error": null},
         {"index": null, "page": 0, "state": "alive", "record": {"id": "NEW"}, "error": null,
          "addedIndex": 0, "added": true},
         {"index": 1, "page": 0, "state": "removed", "record": null, "error": null}],
       "jobErrors": [{"page": 0, "code": "c1",
                      "message": "preSavePage hook of export orders: the hook noticed something"}],
       "log": [{"page": 0, "level": "info", "message": "script hook: page 0 has 3 records"}],
       "error": null, "abort": false},
      {"step": "import crm", "kind": "import", "stepId": "x", "wouldReceive": true,
       "records": [
         {"index": 0, "page": 0, "state": "alive", "record": {"id": "A1-t", "n": 1, "seen": true},
          "error": null},
         {"index": 2, "page": 0, "state": "alive", "record": {"id": "A3-t", "n": 3, "seen": true},
          "error": null},
         {"index": null, "page": 0, "state": "alive", "record": {"id": "NEW"}, "error": null,
          "addedIndex": 0}],
       "jobErrors": [], "log": [], "error": null, "abort": false}]}]})");
  EXPECT_EQ(json::parse(tested.out), expected) << tested.out;

  // Nothing reached the import; no page was committed (a `once` export flags nothing).
  EXPECT_TRUE(calls('I').empty());
  EXPECT_TRUE(calls('C').empty());
  EXPECT_EQ(calls('E').size(), 1u);
  // The export was opened as its own type, in test mode, with a job id no job has.
  const json::value run = json::parse(read_file(run_log_).substr(2));
  EXPECT_EQ(run.at("type"), "once");
  EXPECT_EQ(run.at("testMode"), true);
  // No job, no export state.
  auto store = host::open_sqlite_store(home_.string());
  ASSERT_TRUE(store) << store.error().message;
  auto jobs = (*store)->list_jobs("f", 10);
  ASSERT_TRUE(jobs);
  EXPECT_TRUE(jobs->empty());
  auto state = (*store)->get_state("a");
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->is_null()) << json::serialize(*state);
}

TEST_F(FlowTestCommand, ADeltaExportStoresNoTimeAndAnOrdinaryRunThenStillStartsFromTheBeginning) {
  write_export(3, 3, 20, R"(, "type": "delta", "delta": {"startDate": "2026-01-01T00:00:00Z"})");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  auto store = host::open_sqlite_store(home_.string());
  ASSERT_TRUE(store) << store.error().message;
  auto time = (*store)->get_state("lastExportDateTime:a");
  ASSERT_TRUE(time);
  EXPECT_TRUE(time->is_null()) << json::serialize(*time);
  store->reset();
  const CliResult ran = cli_->run({"flow", "run", "f", "--json", "--quiet"});
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  // Both opened the export since delta.startDate: the test run stored nothing in between.
  std::istringstream runs(read_file(run_log_));
  std::vector<std::string> since;
  for (std::string line; std::getline(runs, line);)
    since.push_back(
        json::value_to<std::string>(json::parse(line.substr(2)).at("lastExportDateTime")));
  EXPECT_EQ(since, (std::vector<std::string>{"2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"}));
}

TEST_F(FlowTestCommand, RecordsNReadsThatManyRecordsAcrossPagesAndNoMore) {
  write_export(10, 3, 2, "");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--records", "5", "--json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  const json::value report = json::parse(tested.out);
  EXPECT_EQ(report.at("records"), 5);
  const json::object& source = report.at("sources").at(0).as_object();
  // Flow pages of 2 cut from plugin pages of 3: A1 A2 | A3 | A4 A5 (the limit).
  EXPECT_EQ(source.at("pages"), 3);
  std::string seen;
  for (const json::value& r : source.at("steps").at(0).at("records").as_array()) {
    seen += fmt::format("{}:{} ", json::value_to<std::string>(r.at("record").at("id")),
                        r.at("page").as_int64());
  }
  EXPECT_EQ(seen, "A1:0 A2:0 A3:1 A4:2 A5:2 ");
  EXPECT_EQ(source.at("steps").at(1).at("records").as_array().size(), 5u);  // the import's
  EXPECT_TRUE(calls('I').empty());
}

TEST_F(FlowTestCommand, WithoutRecordsOnlyTheFirstFlowPageIsRun) {
  write_export(10, 10, 4, "");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  const json::value report = json::parse(tested.out);
  EXPECT_EQ(report.at("sources").at(0).at("pages"), 1);
  EXPECT_EQ(report.at("sources").at(0).at("steps").at(0).at("records").as_array().size(), 4u);
}

TEST_F(FlowTestCommand, TheTerminalViewShowsWhatEachStepDid) {
  write("hook.json",
        json::serialize(json::object{{"_id", "hook"}, {"name", "hook"}, {"content", kHook}}));
  write_export(5, 5, 5, kSteps);
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--no-color"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  EXPECT_EQ(
      tested.out,
      R"(test run of flow f: the first page of each source; nothing is sent to imports and nothing is stored

export orders: 5 records
  #1 {"id":"A1","n":1}
  #2 {"id":"A2","n":2}
  #3 {"id":"A3","n":3}
  #4 {"id":"A4","n":4}
  #5 {"id":"A5","n":5}

transform orders: 5 in, 4 out, 1 failed
  #1 changed
      ~ id: "A1" -> "A1-t"
  #2 changed
      ~ id: "A2" -> "A2-t"
  #3 changed
      ~ id: "A3" -> "A3-t"
  #4 changed
      ~ id: "A4" -> "A4-t"
  #5 failed (transform): transformation: field n: cannot convert "x" to number

filter orders: 4 in, 3 out, 1 dropped
  #1 kept
  #2 kept
  #3 kept
  #4 dropped: rules[2] ["lessthanequals",["extract","n"],3] is false: n is 4

preSavePage hook orders: 3 in, 3 out, 1 removed, 1 added
  #1 changed
      + seen: true
  #3 changed
      + seen: true
  #new1 added {"id":"NEW"}
  #2 removed
  console info: script hook: page 0 has 3 records
  job error (c1): preSavePage hook of export orders: the hook noticed something

import crm: would receive 3 records (nothing was sent)
  #1 {"id":"A1-t","n":1,"seen":true}
  #3 {"id":"A3-t","n":3,"seen":true}
  #new1 {"id":"NEW"}
)");
  EXPECT_TRUE(calls('I').empty());
}

// The memory lookup "customers": id X finds {"id": "C-X-1", "tier": "gold", "of": X}; missIds
// find nothing, failIds fail.
constexpr const char* kLookup = R"({{"_id": "l", "name": "customers", "adaptorType": "MemoryExport",
      "_connectionId": "mem", "isLookup": true{},
      "memory": {{"name": "cust", "log": "{}", "missIds": ["A2"], "failIds": ["A3"]}}}})";

TEST_F(FlowTestCommand, TheTerminalViewShowsTheBranchesEachRecordTookAndEachBranchsSteps) {
  write_export(4, 4, 4, "");
  write("l.json", fmt::format(kLookup, "", log_.string()));
  write("f.json", R"({"_id": "f", "name": "Orders", "pageGenerators": [{"_exportId": "a"}],
      "routers": [{"id": "r1", "name": "size", "routeRecordsTo": "all_matching_branches",
        "branches": [
          {"name": "small", "inputFilter": {"version": "1",
             "rules": ["lessthanequals", ["number", ["extract", "n"]], 2]},
           "pageProcessors": [{"type": "import", "_importId": "x"}]},
          {"name": "odd", "inputFilter": {"version": "1",
             "rules": ["equals", ["number", ["extract", "n"]], 3]}},
          {"name": "one", "inputFilter": {"version": "1",
             "rules": ["equals", ["number", ["extract", "n"]], 1]},
           "pageProcessors": [
             {"type": "export", "_exportId": "l", "responseMapping": {"fields": [
               {"extract": "data[0].tier", "generate": "tier"}]}},
             {"type": "import", "_importId": "x"}]}]}]})");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--no-color"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  EXPECT_EQ(
      tested.out,
      R"(test run of flow f: the first page of each source; nothing is sent to imports and nothing is stored

export orders: 4 records
  #1 {"id":"A1","n":1}
  #2 {"id":"A2","n":2}
  #3 {"id":"A3","n":3}
  #4 {"id":"A4","n":4}

router size: 4 in, 2 out, 2 dropped
  #1 took size: small, size: one
  #2 took size: small
  #3 dropped: no branch it took (size: odd) has an import: discarded
  #4 dropped: it matched no branch

  branch small of router size, import crm: would receive 2 records (nothing was sent)
    #1 {"id":"A1","n":1}
    #2 {"id":"A2","n":2}

  branch odd of router size: no processors: the records it takes are discarded

  branch one of router size, lookup customers: 1 in, 1 out
    #1 found 1 record: [{"id":"C-A1-1","tier":"gold","of":"A1"}]
        + tier: "gold"

  branch one of router size, import crm: would receive 1 record (nothing was sent)
    #1 {"id":"A1","n":1,"tier":"gold"}
)");
  EXPECT_TRUE(calls('I').empty());

  const CliResult as_json = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json::value report = json::parse(as_json.out);
  const json::value& router = report.at("sources").at(0).at("steps").at(1);
  EXPECT_EQ(router.at("kind"), "router");
  const json::array& branches = router.at("branches").as_array();
  ASSERT_EQ(branches.size(), 3u);
  EXPECT_EQ(branches[0].at("router"), "size");
  EXPECT_EQ(branches[0].at("branch"), "small");
  const json::array& small = branches[0].at("steps").as_array();
  ASSERT_EQ(small.size(), 1u);
  EXPECT_EQ(small[0].at("step"), "import crm");
  EXPECT_EQ(small[0].at("stepId"), "x");
  EXPECT_EQ(small[0].at("wouldReceive"), true);
  const json::array& received = small[0].at("records").as_array();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].at("index"), 0);
  EXPECT_EQ(received[0].at("record"), json::parse(R"({"id":"A1","n":1})"));
  EXPECT_EQ(received[1].at("index"), 1);
  EXPECT_EQ(received[1].at("record"), json::parse(R"({"id":"A2","n":2})"));
  EXPECT_EQ(branches[1].at("branch"), "odd");
  EXPECT_EQ(branches[1].at("steps"), json::array());
  const json::array& one = branches[2].at("steps").as_array();
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].at("kind"), "lookup");
  ASSERT_EQ(one[0].at("records").as_array().size(), 1u);
  EXPECT_EQ(one[0].at("records").at(0).at("lookup"),
            json::parse(R"({"data":[{"id":"C-A1-1","tier":"gold","of":"A1"}]})"));
  EXPECT_EQ(one[0].at("records").at(0).at("mapped"), json::parse(R"({"tier":"gold"})"));
  EXPECT_EQ(one[1].at("records").at(0).at("record"),
            json::parse(R"({"id":"A1","n":1,"tier":"gold"})"));
}

// An import and a lookup with oneToMany: each record's children, what the import would receive
// for each (the element with _PARENT) and what the lookup found for each.
TEST_F(FlowTestCommand, AOneToManyStepShowsTheChildrenOfEachRecordAndWhatEachWouldReceive) {
  write("hook.json", R"({"_id": "hook", "name": "hook", "content":
      "function shape(options) { return {data: options.data.map(function (r) { return Object.assign(r, {A1: {items: [{id: 'A1'}, {id: 'A3'}]}, A2: {items: [{id: 'A2'}]}}[r.id] || {}); })}; }"})");
  write_export(3, 3, 3,
               R"(, "hooks": {"preSavePage": {"_scriptId": "hook", "function": "shape"}})");
  write("l.json",
        fmt::format(kLookup, R"(, "oneToMany": true, "pathToMany": "items")", log_.string()));
  write("x.json", fmt::format(R"({{"_id": "x", "name": "crm", "adaptorType": "MemoryImport",
      "_connectionId": "mem", "oneToMany": true, "pathToMany": "items",
      "memory": {{"name": "x", "log": "{}"}}}})",
                              log_.string()));
  write("f.json", R"({"_id": "f", "name": "Orders", "pageGenerators": [{"_exportId": "a"}],
      "pageProcessors": [
        {"type": "export", "_exportId": "l", "proceedOnFailure": true, "responseMapping": {
          "fields": [{"extract": "data.length", "generate": "found"}]}},
        {"type": "import", "_importId": "x"}]})");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--no-color"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  // A1's second child fails the lookup, so A1 fails there; with proceedOnFailure the import
  // still takes it, and would receive both its children.
  EXPECT_EQ(
      tested.out,
      R"(test run of flow f: the first page of each source; nothing is sent to imports and nothing is stored

export orders: 3 records
  #1 {"id":"A1","n":1}
  #2 {"id":"A2","n":2}
  #3 {"id":"A3","n":3}

preSavePage hook orders: 3 in, 3 out
  #1 changed
      + items: [{"id":"A1"},{"id":"A3"}]
  #2 changed
      + items: [{"id":"A2"}]
  #3 unchanged

lookup customers: 3 in, 2 out, 1 failed
  #1 fans out into 2 child records at items:
      items[0] found 1 record: [{"id":"C-A1-1","tier":"gold","of":"A1"}]
      items[1] failed (lookupFailed): lookup customers: memory lookup cust failed for A3
      failed (lookupFailed): 1 of 2 child records at items failed: items[1]: lookup customers: memory lookup cust failed for A3
  #2 fans out into 1 child record at items:
      items[0] found 0 records: []
      + items[0].found: 0
  #3 no child records at items: nothing was done for it

import crm: would receive 3 child records of 3 records at items (nothing was sent)
  #1 fans out into 2 child records at items:
      items[0] {"id":"A1","_PARENT":{"id":"A1","n":1}}
      items[1] {"id":"A3","_PARENT":{"id":"A1","n":1}}
      (failed earlier: 1 of 2 child records at items failed: items[1]: lookup customers: memory lookup cust failed for A3)
  #2 fans out into 1 child record at items:
      items[0] {"id":"A2","found":0,"_PARENT":{"id":"A2","n":2}}
  #3 no child records at items: nothing was done for it
)");
  EXPECT_TRUE(calls('I').empty());

  const CliResult as_json = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json::value report = json::parse(as_json.out);
  const json::value& lookup = report.at("sources").at(0).at("steps").at(2);
  EXPECT_EQ(lookup.at("pathToMany"), "items");
  EXPECT_EQ(lookup.at("records").at(0).at("children"), json::parse(R"([
      {"record": {"id": "A1", "_PARENT": {"id": "A1", "n": 1}, "found": 1}, "state": "alive",
       "error": null, "lookup": {"data": [{"id": "C-A1-1", "tier": "gold", "of": "A1"}]}},
      {"record": {"id": "A3", "_PARENT": {"id": "A1", "n": 1}}, "state": "failed",
       "error": {"code": "lookupFailed",
                 "message": "lookup customers: memory lookup cust failed for A3"},
       "lookup": {"errors": [{"code": "lookupFailed",
                              "message": "memory lookup cust failed for A3"}]}}])"));
  EXPECT_EQ(lookup.at("records").at(1).at("mapped"), json::parse(R"({"items[0].found": 0})"));
  const json::value& import = report.at("sources").at(0).at("steps").at(3);
  EXPECT_EQ(import.at("wouldReceive"), true);
  EXPECT_EQ(import.at("pathToMany"), "items");
  const json::array& received = import.at("records").as_array();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].at("children"), json::parse(R"([
      {"record": {"id": "A1", "_PARENT": {"id": "A1", "n": 1}}, "state": "alive", "error": null},
      {"record": {"id": "A3", "_PARENT": {"id": "A1", "n": 1}}, "state": "alive", "error": null}])"));
  EXPECT_EQ(received[1].at("children"), json::parse(R"([
      {"record": {"id": "A2", "found": 0, "_PARENT": {"id": "A2", "n": 2}}, "state": "alive",
       "error": null}])"));
  EXPECT_FALSE(received[2].as_object().contains("children"));
}

// A lookup (memory plugin: id X finds {"id": "C-X-1", "tier": "gold", "of": X}; missIds find
// nothing, failIds fail) between the export and the import, its results response-mapped.
TEST_F(FlowTestCommand, ALookupShowsWhatItFoundPerRecordAndWhatItsResponseMappingSet) {
  write_export(3, 3, 3, "");
  write("l.json", fmt::format(R"({{"_id": "l", "name": "customers", "adaptorType": "MemoryExport",
      "_connectionId": "mem", "isLookup": true,
      "memory": {{"name": "cust", "log": "{}", "missIds": ["A2"], "failIds": ["A3"]}}}})",
                              log_.string()));
  write("f.json", R"({"_id": "f", "name": "Orders", "pageGenerators": [{"_exportId": "a"}],
      "pageProcessors": [
        {"type": "export", "_exportId": "l", "responseMapping": {"fields": [
          {"extract": "data[0].tier", "generate": "tier"},
          {"extract": "data.length", "generate": "found"}]}},
        {"type": "import", "_importId": "x"}]})");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--no-color"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  EXPECT_EQ(
      tested.out,
      R"(test run of flow f: the first page of each source; nothing is sent to imports and nothing is stored

export orders: 3 records
  #1 {"id":"A1","n":1}
  #2 {"id":"A2","n":2}
  #3 {"id":"A3","n":3}

lookup customers: 3 in, 2 out, 1 failed
  #1 found 1 record: [{"id":"C-A1-1","tier":"gold","of":"A1"}]
      + tier: "gold"
      + found: 1
  #2 found 0 records: []
      + found: 0
  #3 failed (lookupFailed): lookup customers: memory lookup cust failed for A3

import crm: would receive 2 records (nothing was sent)
  #1 {"id":"A1","n":1,"tier":"gold","found":1}
  #2 {"id":"A2","n":2,"found":0}
)");
  EXPECT_EQ(calls('L'), std::vector<std::string>{"L cust A1,A2,A3"}) << "one lookup call";
  EXPECT_TRUE(calls('I').empty());

  const CliResult as_json = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json::value report = json::parse(as_json.out);
  const json::value& step = report.at("sources").at(0).at("steps").at(1);
  EXPECT_EQ(step.at("kind"), "lookup");
  EXPECT_EQ(step.at("stepId"), "l");
  EXPECT_EQ(step.at("wouldReceive"), false);
  const json::array& records = step.at("records").as_array();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].at("lookup"),
            json::parse(R"({"data":[{"id":"C-A1-1","tier":"gold","of":"A1"}]})"));
  EXPECT_EQ(records[0].at("mapped"), json::parse(R"({"tier":"gold","found":1})"));
  EXPECT_EQ(records[0].at("record"), json::parse(R"({"id":"A1","n":1,"tier":"gold","found":1})"));
  EXPECT_EQ(records[1].at("lookup"), json::parse(R"({"data":[]})"));
  EXPECT_EQ(records[1].at("mapped"), json::parse(R"({"found":0})"));
  EXPECT_EQ(records[2].at("state"), "failed");
  EXPECT_EQ(records[2].at("lookup"),
            json::parse(R"({"errors":[{"code":"lookupFailed",)"
                        R"("message":"memory lookup cust failed for A3"}]})"));
  EXPECT_EQ(records[2].at("mapped"), json::object());
  EXPECT_EQ(records[2].at("error"),
            json::parse(R"({"code":"lookupFailed",)"
                        R"("message":"lookup customers: memory lookup cust failed for A3"})"));
}

TEST_F(FlowTestCommand, AWrongCommandLineIsAUsageErrorWithStatus2) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"flow", "test"}, "error: expected a flow id (see `sluice get flows`)"},
      {{"flow", "test", "f", "--records", "0"},
       "error: --records: expected a whole number from 1 to 1000, found \"0\""},
      {{"flow", "test", "f", "--records", "1001"},
       "error: --records: expected a whole number from 1 to 1000, found \"1001\""},
      {{"flow", "test", "f", "--records", "5x"},
       "error: --records: expected a whole number from 1 to 1000, found \"5x\""},
      {{"flow", "test", "f", "g"}, "error: unexpected argument 'g'"},
  };
  for (const auto& [args, error] : cases) {
    const CliResult r = cli_->run(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_EQ(r.err.substr(0, r.err.find('\n')), error);
  }
  const CliResult help = cli_->run({"flow", "test", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out.substr(0, help.out.find('\n')),
            "usage: sluice flow test ID [--records N] [--data FILE] [--json] [--no-color]");
}

TEST_F(FlowTestCommand, AFlowThatCannotRunIsRefusedWithStatus1AndWhatToDo) {
  const CliResult missing = cli_->run({"flow", "test", "nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: no flow nope in the store; see `sluice get flows`\n");

  write_export(3, 3, 20, "");
  write("f.json", R"({"_id": "f", "disabled": true, "pageGenerators": [{"_exportId": "a"}],
      "pageProcessors": [{"type": "import", "_importId": "x"}]})");
  apply();
  const CliResult disabled = cli_->run({"flow", "test", "f"});
  EXPECT_EQ(disabled.exit_code, 1);
  EXPECT_EQ(disabled.err,
            "error: flow f: it is disabled; set \"disabled\": false and apply it again to run "
            "it\n");
}

TEST_F(FlowTestCommand, AStepThatDoesNotCompileIsRefusedBeforeAnyExportIsRead) {
  write_export(3, 3, 20, "");
  apply();
  {
    // A filter stored by another version, which `sluice apply` would refuse.
    auto store = host::open_sqlite_store(home_.string());
    ASSERT_TRUE(store) << store.error().message;
    auto doc = (*store)->get_resource(host::ResourceKind::kExport, "a", host::Secrets::kRevealed);
    ASSERT_TRUE(doc && *doc);
    json::object e = std::move(**doc);
    e["filter"] = json::parse(R"({"type": "expression", "expression": {"version": "1",
        "rules": ["frobnicate", 1]}})");
    ASSERT_TRUE((*store)->put_resources({host::Resource{host::ResourceKind::kExport, "a", e, {}}}));
  }
  const CliResult tested = cli_->run({"flow", "test", "f"});
  EXPECT_EQ(tested.exit_code, 1);
  EXPECT_NE(tested.err.find("export a: $.filter"), std::string::npos) << tested.err;
  EXPECT_TRUE(calls('E').empty());
}

TEST_F(FlowTestCommand, AHookThatThrowsFailsThePagesRecordsAtThatStepAndTheTestStillRan) {
  write("hook.json",
        json::serialize(json::object{
            {"_id", "hook"},
            {"name", "hook"},
            {"content", "function preSavePage() { throw new Error('upstream is down'); }"}}));
  write_export(2, 2, 20,
               R"(, "hooks": {"preSavePage": {"_scriptId": "hook", "function": "preSavePage"}})");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  const json::value report = json::parse(tested.out);
  const json::array& steps = report.at("sources").at(0).at("steps").as_array();
  ASSERT_EQ(steps.size(), 3u);  // export, hook, import
  const json::value& hook = steps[1];
  ASSERT_TRUE(hook.at("error").is_string());
  EXPECT_NE(hook.at("error").get_string().find("upstream is down"), json::string::npos)
      << hook.at("error");
  ASSERT_EQ(hook.at("records").as_array().size(), 2u);
  EXPECT_EQ(hook.at("records").at(0).at("state"), "failed");
  EXPECT_EQ(hook.at("records").at(1).at("state"), "failed");
  EXPECT_TRUE(steps[2].at("records").as_array().empty());  // the import would get nothing
}

TEST_F(FlowTestCommand, AnExportThatCannotBeReadIsTheSourcesErrorWithStatus1) {
  write_export(5, 5, 20, "");
  std::string text = read_file(resources_ / "a.json");
  text.replace(text.find("\"count\""), 0, "\"failOnPage\": 1, ");
  write("a.json", text);
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--json"});
  EXPECT_EQ(tested.exit_code, 1) << tested.out << tested.err;
  const json::value report = json::parse(tested.out);
  EXPECT_EQ(report.at("sources").at(0).at("error"),
            "export orders failed: memory export: injected failure on page 1");
  EXPECT_EQ(report.at("sources").at(0).at("pages"), 0);
}

TEST_F(FlowTestCommand, AFilterComparingAStringFieldWithANumberSaysToCastIt) {
  write_export(1, 1, 20, R"(,
    "transform": {"type": "expression", "expression": {"version": "2", "rulesTwoDotZero": {
      "mode": "create", "mappings": [{"generate": "n", "dataType": "string", "extract": "$.n"}]}}},
    "filter": {"type": "expression", "expression": {"version": "1", "rules":
      ["greaterthan", ["extract", "n"], 0]}})");
  apply();
  const CliResult tested = cli_->run({"flow", "test", "f", "--json"});
  ASSERT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  const json::value report = json::parse(tested.out);
  const json::value& dropped = report.at("sources").at(0).at("steps").at(2).at("records").at(0);
  EXPECT_EQ(dropped.at("state"), "ignored");
  EXPECT_EQ(dropped.at("reason"),
            "rules [\"greaterthan\",[\"extract\",\"n\"],0] is false: n is \"1\" (a string, and 0 "
            "is a number: they never compare; cast it with [\"number\", [\"extract\",\"n\"]])");
}

}  // namespace
}  // namespace sluice::testing
