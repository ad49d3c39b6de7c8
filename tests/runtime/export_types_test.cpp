// Specifies the export types on the host side (docs/runtime.md, "Export types") by the exact run
// context the memory plugin receives: all, delta (lastExportDateTime from the last successful
// run, lagOffset, startDate, --start-date), once (page_committed per page), test (test.limit
// across pages, --type test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/clock.hpp"
#include "runtime_fixture.hpp"
#include "store/connection_state.hpp"

namespace sluice::runtime {
namespace {

class ExportTypes : public Runtime {
 protected:
  // Stores export `id` of `type` (with its sub-document `extra`), its run contexts going to the
  // run log.
  void put_typed(const std::string& id, json::object extra, json::object memory = {}) {
    if (!memory.contains("count")) memory["count"] = 3;
    memory["prefix"] = id;
    memory["runLog"] = run_log_;
    put_export(id, memory, 0, std::move(extra));
  }
  // The run contexts the plugin received, one per opened export, in order.
  std::vector<json::object> contexts() {
    std::vector<json::object> out;
    std::ifstream in(run_log_);
    for (std::string line; std::getline(in, line);) {
      out.push_back(json::parse(line.substr(line.find(' ') + 1)).as_object());
    }
    return out;
  }
  std::string run_log_ = (home_ / "runs.log").string();
};

TEST_F(ExportTypes, AnAllExportGetsTypeAllNoDatesOfAPreviousRunAndTheSettingsOfFlowAndExport) {
  put_typed("a", {{"settings", json::object{{"region", "eu"}}}});
  put_import("x", {});
  put(ResourceKind::kFlow,
      {{"_id", "f"},
       {"settings", json::object{{"owner", "ops"}}},
       {"pageGenerators", json::array{json::object{{"_exportId", "a"}}}},
       {"pageProcessors", json::array{json::object{{"type", "import"}, {"_importId", "x"}}}}});
  const std::string before = now_iso8601();
  const Job job = run("f");
  const std::string after = now_iso8601();
  ASSERT_EQ(job.status, "completed") << job.message;
  const auto runs = contexts();
  ASSERT_EQ(runs.size(), 1u);
  const std::string current(runs[0].at("currentExportDateTime").as_string());
  EXPECT_LE(before, current);
  EXPECT_LE(current, after);
  json::object expected = json::parse(R"({"type":"all","lastExportDateTime":null,"testLimit":0,
      "settings":{"flow":{"owner":"ops"},"export":{"region":"eu"}},"testMode":false})")
                              .as_object();
  expected["currentExportDateTime"] = current;
  expected["jobId"] = job.id;
  EXPECT_EQ(runs[0], expected);
}

TEST_F(ExportTypes, ADeltaExportsFirstRunStartsAtTheEpochAndTheNextGetsTheFirstsStart) {
  put_typed("d", {{"type", "delta"}});
  put_import("x", {});
  put_flow("f", {"d"}, {"x"});
  ASSERT_EQ(run("f").status, "completed");
  ASSERT_EQ(run("f").status, "completed");
  const auto runs = contexts();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("type"), "delta");
  EXPECT_EQ(runs[0].at("lastExportDateTime"), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(runs[1].at("lastExportDateTime"), runs[0].at("currentExportDateTime"));
}

TEST_F(ExportTypes, TheLagOffsetIsSubtractedFromTheLastSuccessfulRunsTime) {
  put_typed("d", {{"type", "delta"}, {"delta", json::object{{"lagOffset", 90'000}}}});
  put_import("x", {});
  put_flow("f", {"d"}, {"x"});
  ASSERT_TRUE(store_->put_state(delta_time_key("d"), json::value("2026-03-01T10:00:00.000Z")));
  ASSERT_EQ(run("f").status, "completed");
  ASSERT_EQ(contexts().at(0).at("lastExportDateTime"), "2026-03-01T09:58:30.000Z");
}

TEST_F(ExportTypes, TheStartDateIsTheFirstRunsLastExportDateTimeOnly) {
  put_typed("d",
            {{"type", "delta"}, {"delta", json::object{{"startDate", "2026-01-01T00:00:00Z"}}}});
  put_import("x", {});
  put_flow("f", {"d"}, {"x"});
  ASSERT_EQ(run("f").status, "completed");
  ASSERT_EQ(run("f").status, "completed");
  const auto runs = contexts();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("lastExportDateTime"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(runs[1].at("lastExportDateTime"), runs[0].at("currentExportDateTime"));
}

TEST_F(ExportTypes, AFailedRunLeavesTheLastSuccessfulTimeForTheNextRun) {
  put_typed("d", {{"type", "delta"}});
  put_import("x", {});
  put_import("broken", {{"authFail", true}});
  put_flow("ok", {"d"}, {"x"});
  put_flow("bad", {"d"}, {"broken"});
  ASSERT_EQ(run("ok").status, "completed");
  ASSERT_EQ(run("bad").status, "failed");
  // The auth failure marked connection mem offline (store/connection_state.hpp); a ping would
  // bring it back.
  ASSERT_TRUE(host::mark_connection_online(*store_, "mem"));
  ASSERT_EQ(run("ok").status, "completed");
  const auto runs = contexts();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[1].at("lastExportDateTime"), runs[0].at("currentExportDateTime"));
  EXPECT_EQ(runs[2].at("lastExportDateTime"), runs[0].at("currentExportDateTime"))
      << "the failed run's time must not be stored";
}

TEST_F(ExportTypes, TheStartDateOptionBackdatesThisRunWhateverIsStored) {
  put_typed("d", {{"type", "delta"}});
  put_import("x", {});
  put_flow("f", {"d"}, {"x"});
  ASSERT_TRUE(store_->put_state(delta_time_key("d"), json::value("2026-03-01T10:00:00.000Z")));
  RunOptions options;
  options.start_date = "2025-12-24T18:00:00Z";
  ASSERT_EQ(run("f", options).status, "completed");
  ASSERT_EQ(run("f").status, "completed");
  const auto runs = contexts();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].at("lastExportDateTime"), "2025-12-24T18:00:00Z");
  EXPECT_EQ(runs[1].at("lastExportDateTime"), runs[0].at("currentExportDateTime"));
}

TEST_F(ExportTypes, AnInvalidStartDateOptionIsRefusedBeforeAJobStarts) {
  put_typed("d", {{"type", "delta"}});
  put_flow("f", {"d"}, {});
  RunOptions options;
  options.start_date = "yesterday";
  auto job = run_flow(*store_, registry_, "f", options);
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().message,
            "--start-date: expected an ISO 8601 date-time such as 2026-01-31T00:00:00Z, found "
            "\"yesterday\"");
}

TEST_F(ExportTypes, ATestExportStopsAtItsLimitAcrossPagesAndStopsFetching) {
  put_typed("t", {{"type", "test"}, {"test", json::object{{"limit", 7}}}, {"pageSize", 2}},
            {{"count", 60}, {"pagesOf", 3}});
  put_import("x", {});
  put_flow("f", {"t"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], (std::vector<std::string>{"t1,t2", "t3", "t4,t5", "t6", "t7"}));
  EXPECT_EQ(job.num_export, 7);
  EXPECT_EQ(job.num_success, 7);
  EXPECT_EQ(contexts().at(0).at("type"), "test");
  EXPECT_EQ(contexts().at(0).at("testLimit"), 7);
  size_t fetched = 0;
  for (const auto& line : log_lines()) fetched += line[0] == 'E' ? 1 : 0;
  EXPECT_LE(fetched, 3u + RunOptions{}.queue_depth + 1) << "the export was read far past the limit";
}

TEST_F(ExportTypes, RunningAsTestCapsEveryExportAtItsLimitOrOneAndStoresNoState) {
  put_typed("d", {{"type", "delta"}}, {{"count", 5}});
  put_import("x", {});
  put_flow("f", {"d"}, {"x"});
  RunOptions options;
  options.type = ExportType::kTest;
  const Job job = run("f", options);
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"d1"});
  const auto runs = contexts();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].at("type"), "test");
  EXPECT_EQ(runs[0].at("testLimit"), 1);
  EXPECT_EQ(runs[0].at("testMode"), true);
  auto state = store_->get_state("d");
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->is_null()) << json::serialize(*state);
  auto time = store_->get_state(delta_time_key("d"));
  ASSERT_TRUE(time);
  EXPECT_TRUE(time->is_null());
}

TEST_F(ExportTypes, AOnceExportIsToldOfEachCommittedPageWithTypeOnce) {
  put_typed("o", {{"type", "once"}, {"pageSize", 2}}, {{"count", 4}, {"pagesOf", 2}});
  put_import("x", {});
  put_flow("f", {"o"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  std::vector<std::string> committed;
  for (const auto& line : log_lines()) {
    if (line[0] == 'C') committed.push_back(line);
  }
  EXPECT_EQ(committed, (std::vector<std::string>{R"(C o {"last":2} once )" + job.id,
                                                 R"(C o {"last":4} once )" + job.id}));
  EXPECT_EQ(contexts().at(0).at("type"), "once");
}

}  // namespace
}  // namespace sluice::runtime
