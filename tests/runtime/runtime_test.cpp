// Specifies the flow runtime (DESIGN.md §2) with the in-memory test plugin and a real SQLite store:
// order of generators and processors, the counts identity under faults, errors with retry data,
// re-paging, failure and cancellation.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "plugins/host_api.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"
#include "runtime/job_recorder.hpp"
#include "runtime/process_identity.hpp"
#include "runtime_fixture.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::runtime {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using host::Job;
using host::ResourceKind;
using ::testing::HasSubstr;

TEST_F(Runtime, EachGeneratorsPagesPassEveryProcessorInOrderBeforeTheNextGeneratorStarts) {
  put_export("a", {{"count", 5}, {"pagesOf", 2}, {"prefix", "A"}}, 2);
  put_export("b", {{"count", 3}, {"pagesOf", 2}, {"prefix", "B"}}, 2);
  put_import("x", {});
  put_import("y", {});
  put_flow("f", {"a", "b"}, {"x", "y"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.num_export, 8);
  EXPECT_EQ(job.num_success, 8);
  EXPECT_EQ(job.num_pages_generated, 5);
  EXPECT_EQ(job.num_pages_processed, 5);
  std::vector<std::string> imports, all = log_lines();
  for (const auto& line : all) {
    if (line[0] == 'I') imports.push_back(line);
  }
  EXPECT_EQ(imports,
            (std::vector<std::string>{"I x A1,A2", "I y A1,A2", "I x A3,A4", "I y A3,A4", "I x A5",
                                      "I y A5", "I x B1,B2", "I y B1,B2", "I x B3", "I y B3"}));
  const auto first_b = std::find(all.begin(), all.end(), "E B page 1");
  const auto last_a = std::find(all.begin(), all.end(), "I y A5");
  ASSERT_NE(first_b, all.end());
  EXPECT_GT(first_b - all.begin(), last_a - all.begin())
      << "source b started before source a's last page was processed";
}

// A schedule override (docs/serve.md, "Schedules") runs its source alone; the flow's schedule
// the other sources.
TEST_F(Runtime, OnlyGeneratorRunsThatSourceAloneAndSkipGeneratorsLeavesSourcesOut) {
  put_export("a", {{"count", 1}, {"prefix", "A"}});
  put_export("b", {{"count", 1}, {"prefix", "B"}});
  put_export("c", {{"count", 1}, {"prefix", "C"}});
  put_import("x", {});
  put_flow("f", {"a", "b", "c"}, {"x"});
  RunOptions only;
  only.only_generator = 1;
  Job job = run("f", only);
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.num_export, 1);
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"B1"});
  RunOptions skip;
  skip.skip_generators = {1};
  job = run("f", skip);
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(imported()["x"], (std::vector<std::string>{"B1", "A1", "C1"}));
  RunOptions past;
  past.only_generator = 3;
  job = run("f", past);
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "flow f has 3 page generators; there is no pageGenerators[3] to run alone");
}

TEST_F(Runtime, CountsAddUpAndFailedRecordsBecomeErrorsWithRetryData) {
  put_export("e", {{"count", 50}, {"pagesOf", 10}, {"prefix", "R"}}, 10);
  put_import("i", {{"rejectIds", json::array{"R3", "R17"}}, {"failPageWith", "R25"}});
  put_flow("f", {"e"}, {"i"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.num_export, 50);
  EXPECT_EQ(job.num_error, 12);  // two rejected + the ten records of the page that failed
  EXPECT_EQ(job.num_success, 38);
  expect_identity(job);
  auto errors = store_->list_errors("f", 100);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 12u);
  int rejected = 0, transient = 0;
  for (const auto& e : *errors) {
    EXPECT_EQ(e.step_id, "i");
    EXPECT_EQ(e.job_id, job.id);
    ASSERT_TRUE(e.retry_data.is_object());
    if (e.code == "rejected") {
      ++rejected;
      const std::string id(e.retry_data.as_object().at("id").as_string());
      EXPECT_EQ(e.message, "memory import i rejected " + id);
      EXPECT_TRUE(id == "R3" || id == "R17");
    } else {
      ++transient;
      EXPECT_EQ(e.code, "transient");
      EXPECT_EQ(e.message, "memory import: injected page failure at R25");
    }
  }
  EXPECT_EQ(rejected, 2);
  EXPECT_EQ(transient, 10);
  EXPECT_EQ(imported()["i"], (std::vector<std::string>{ids("R", 1, 10), ids("R", 11, 20),
                                                       ids("R", 31, 40), ids("R", 41, 50)}))
      << "the page with R25 failed as a whole, so it is not logged as imported";
  auto state = store_->get_state("e");
  ASSERT_TRUE(state);
  EXPECT_EQ(*state, json::parse(R"({"last":50})"));
}

TEST_F(Runtime, RecordsFailedAtOneStepDoNotReachTheNext) {
  put_export("e", {{"count", 4}, {"prefix", "R"}});
  put_import("x", {{"rejectIds", json::array{"R2"}}});
  put_import("y", {});
  put_flow("f", {"e"}, {"x", "y"});
  const Job job = run("f");
  EXPECT_EQ(job.num_error, 1);
  EXPECT_EQ(job.num_success, 3);
  const auto calls = imported();
  EXPECT_EQ(calls.at("x"), (std::vector<std::string>{"R1,R2,R3,R4"}));
  EXPECT_EQ(calls.at("y"), (std::vector<std::string>{"R1,R3,R4"}));
}

TEST_F(Runtime, SplitsPluginPagesIntoFlowPagesOfPageSize) {
  put_export("e", {{"count", 10}, {"pagesOf", 10}, {"prefix", "R"}}, 4);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  const Job job = run("f");
  EXPECT_EQ(job.num_pages_generated, 3);
  EXPECT_EQ(job.num_pages_processed, 3);
  EXPECT_EQ(job.num_success, 10);
  EXPECT_EQ(imported()["i"], (std::vector<std::string>{"R1,R2,R3,R4", "R5,R6,R7,R8", "R9,R10"}));
}

TEST_F(Runtime, AnExportFailureFailsTheJobAndKeepsCountsConsistent) {
  put_export("e", {{"count", 100}, {"pagesOf", 10}, {"prefix", "R"}, {"failOnPage", 3}}, 10);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(job.message, HasSubstr("injected failure on page 3"));
  EXPECT_EQ(job.num_export, 20);
  EXPECT_EQ(job.num_success, 20);
  expect_identity(job);
  EXPECT_EQ(imported()["i"], (std::vector<std::string>{ids("R", 1, 10), ids("R", 11, 20)}));
  auto state = store_->get_state("e");
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->is_null()) << "state must not advance when the job fails";
}

TEST_F(Runtime, ATransientExportFailureIsRetriedAndTheJobCompletesWithEveryRecordOnce) {
  put_export("e",
             {{"count", 30},
              {"pagesOf", 10},
              {"prefix", "R"},
              {"transientOnPage", 2},
              {"transientTimes", 2}},
             10);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  RunOptions options;
  options.export_backoff = std::chrono::milliseconds(1);
  const Job job = run("f", options);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 30);
  EXPECT_EQ(job.num_success, 30);
  EXPECT_EQ(imported()["i"],
            (std::vector<std::string>{ids("R", 1, 10), ids("R", 11, 20), ids("R", 21, 30)}));
  const auto lines = log_lines();
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "T R page 2"), 2);
}

TEST_F(Runtime, ATransientExportFailureThatOutlastsTheRetriesFailsTheJobSayingHowOften) {
  put_export("e",
             {{"count", 30},
              {"pagesOf", 10},
              {"prefix", "R"},
              {"transientOnPage", 2},
              {"transientTimes", 100}},
             10);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  RunOptions options;
  options.export_backoff = std::chrono::milliseconds(1);
  options.export_retries = 3;
  const Job job = run("f", options);
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(job.message,
              ::testing::StartsWith("export e failed: memory export: injected transient failure "
                                    "on page 2 (failed 4 times in a row; the host retried it 3 "
                                    "times). What is known: 10 records confirmed"));
  EXPECT_EQ(job.num_export, 10);
  EXPECT_EQ(job.num_success, 10);
  expect_identity(job);
  const auto lines = log_lines();
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "T R page 2"), 4);
}

TEST_F(Runtime, ATransientImportFailureFailsThatPagesRecordsAndTheJobGoesOn) {
  put_export("e", {{"count", 30}, {"pagesOf", 10}, {"prefix", "R"}}, 10);
  put_import("i", {{"failPageWith", "R15"}});
  put_flow("f", {"e"}, {"i"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 30);
  EXPECT_EQ(job.num_success, 20);
  EXPECT_EQ(job.num_error, 10);
  expect_identity(job);
  auto errors = store_->list_errors("f", 100);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 10u);
  for (const auto& e : *errors) {
    EXPECT_EQ(e.details, json::parse(R"({"failedAt":"R15"})")) << "set_error's details are kept";
    EXPECT_EQ(e.to_json().at("details"), e.details) << "and shown by `sluice errors --json`";
  }
}

TEST_F(Runtime, EachExportPageIsCommittedAfterItsRecordsReachedEveryProcessorInPageOrder) {
  put_export("e", {{"count", 5}, {"pagesOf", 2}, {"prefix", "A"}}, 1);
  put_import("x", {});
  put_flow("f", {"e"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  std::vector<std::string> seen;
  for (const auto& line : log_lines()) {
    if (line[0] != 'E') seen.push_back(line);
  }
  const std::string run = " all " + job.id;
  EXPECT_EQ(seen, (std::vector<std::string>{"I x A1", "I x A2", R"(C A {"last":2})" + run, "I x A3",
                                            "I x A4", R"(C A {"last":4})" + run, "I x A5",
                                            R"(C A {"last":5})" + run}));
}

TEST_F(Runtime, WhatAPluginLogsIsStoredInTheJobsLogWithLevelAndStepAndHandedOnLive) {
  put_export("e", {{"count", 4}, {"pagesOf", 2}, {"prefix", "A"}, {"logLevels", true}}, 2);
  put_import("x", {});
  put_flow("f", {"e"}, {"x"});
  std::vector<std::string> live;
  RunOptions options;
  options.keep_debug = true;  // `sluice flow run -v` / --debug
  options.on_log = [&](const host::JobLogLine& line) {
    live.push_back(line.level + " [" + line.step + "] " + line.message);
  };
  const Job job = run("f", options);
  ASSERT_EQ(job.status, "completed") << job.message;
  const std::vector<std::string> expected = {"debug [export e] memory export: page 1",
                                             "info [export e] memory export: page 1",
                                             "warn [export e] memory export: a warning on page 1",
                                             "debug [export e] memory export: page 2",
                                             "info [export e] memory export: page 2",
                                             "warn [export e] memory export: a warning on page 2"};
  EXPECT_EQ(live, expected);
  auto stored = store_->get_job_log(job.id, 100);
  ASSERT_TRUE(stored) << stored.error().message;
  std::vector<std::string> lines;
  for (const auto& line : *stored) {
    EXPECT_EQ(line.job_id, job.id);
    EXPECT_FALSE(line.at.empty());
    lines.push_back(line.level + " [" + line.step + "] " + line.message);
  }
  EXPECT_EQ(lines, expected);
}

TEST_F(Runtime, DebugLinesAreDroppedUnlessTheRunKeepsThem) {
  put_export("e", {{"count", 4}, {"pagesOf", 2}, {"prefix", "A"}, {"logLevels", true}}, 2);
  put_import("x", {});
  put_flow("f", {"e"}, {"x"});
  std::vector<std::string> live;
  RunOptions options;  // keep_debug false: what `sluice flow run` without -v or --debug does
  options.on_log = [&](const host::JobLogLine& line) {
    live.push_back(line.level + " [" + line.step + "] " + line.message);
  };
  const Job job = run("f", options);
  ASSERT_EQ(job.status, "completed") << job.message;
  const std::vector<std::string> expected = {"info [export e] memory export: page 1",
                                             "warn [export e] memory export: a warning on page 1",
                                             "info [export e] memory export: page 2",
                                             "warn [export e] memory export: a warning on page 2"};
  EXPECT_EQ(live, expected);
  auto stored = store_->get_job_log(job.id, 100);
  ASSERT_TRUE(stored) << stored.error().message;
  std::vector<std::string> lines;
  for (const auto& line : *stored)
    lines.push_back(line.level + " [" + line.step + "] " + line.message);
  EXPECT_EQ(lines, expected);
  // The job's floor is lifted when it ends: a later sink sees debug lines again.
  std::vector<int32_t> levels;
  auto previous = host::set_log_sink(
      [&](int32_t level, const std::string&, std::string_view) { levels.push_back(level); });
  const std::string text = "after the job";
  host::host_api()->log(nullptr, SLUICE_LOG_DEBUG, sluice_str{text.data(), text.size()});
  host::set_log_sink(std::move(previous));
  EXPECT_EQ(levels, (std::vector<int32_t>{SLUICE_LOG_DEBUG}));
}

TEST_F(Runtime, WhatAPluginWarnsAndMeasuresIsKeptInTheJobsWarningsAndMetrics) {
  put_export("e", {{"count", 4}, {"pagesOf", 2}, {"prefix", "A"}, {"report", true}}, 2);
  put_import("x", {});
  put_flow("f", {"e"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, job.num_success + job.num_ignore + job.num_error);
  EXPECT_EQ(job.num_export, 4);
  const json::value warnings = json::parse(R"([
    {"step":"export e","message":"memory export: the same warning","count":2},
    {"step":"export e","message":"memory export: a warning on page 1","count":1},
    {"step":"export e","message":"memory export: a warning on page 2","count":1}])");
  const json::value metrics = json::parse(R"([
    {"name":"memory.lastPage","labels":{},"kind":"gauge","value":2.0},
    {"name":"memory.pages","labels":{"export":"A"},"kind":"counter","value":2.0}])");
  EXPECT_EQ(json::value(job.warnings), warnings);
  EXPECT_EQ(json::value(job.metrics), metrics);
  auto stored = store_->get_job(job.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ(json::value((*stored)->warnings), warnings) << "stored with the job";
  EXPECT_EQ(json::value((*stored)->metrics), metrics);
  EXPECT_EQ((*stored)->to_json().at("warnings"), warnings) << "and shown by --json";
  EXPECT_EQ((*stored)->to_json().at("metrics"), metrics);
}

TEST_F(Runtime, AJobKeepsAtMostAHundredDistinctWarningsAndOnlyItsOwnMetrics) {
  put_export("e", {{"count", 120}, {"pagesOf", 1}, {"prefix", "A"}, {"report", true}}, 1);
  put_import("x", {});
  put_flow("f", {"e"}, {"x"});
  const Job first = run("f");
  ASSERT_EQ(first.status, "completed") << first.message;
  ASSERT_EQ(first.warnings.size(), 100u);
  EXPECT_EQ(first.warnings[0].at("count"), 120) << "a kept warning still counts";
  EXPECT_EQ(first.warnings[99].at("message"), "memory export: a warning on page 99");
  const Job second = run("f");  // the same 120 pages again, in the same process
  ASSERT_EQ(second.status, "completed") << second.message;
  ASSERT_EQ(second.metrics.size(), 2u);
  EXPECT_EQ(second.metrics[1].at("name"), "memory.pages");
  EXPECT_EQ(second.metrics[1].at("value"), 120.0) << "this job's counter, not the process's 240";
}

TEST_F(Runtime, AnAuthenticationFailureAtAnImportFailsTheJob) {
  put_export("e", {{"count", 30}, {"pagesOf", 10}, {"prefix", "R"}}, 10);
  put_import("i", {{"authFail", true}});
  put_flow("f", {"e"}, {"i"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(job.message, HasSubstr("memory import: credentials refused"));
  EXPECT_EQ(job.num_export, 10);
  EXPECT_EQ(job.num_error, 10);
  expect_identity(job);
  EXPECT_TRUE(imported().empty());
  EXPECT_EQ(store_->list_errors("f", 100)->size(), 10u);
}

TEST_F(Runtime, CancellationEndsTheJobCanceledWithConsistentCounts) {
  put_export("e", {{"count", 1000}, {"pagesOf", 10}, {"prefix", "R"}, {"delayMs", 5}}, 10);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  std::atomic<bool> cancel{false};
  RunOptions options;
  options.cancelled = &cancel;
  options.on_progress = [&](const Job& job) {
    if (job.num_pages_processed == 3) cancel = true;
  };
  const Job job = run("f", options);
  EXPECT_EQ(job.status, "canceled");
  EXPECT_GE(job.num_pages_processed, 3);
  EXPECT_LT(job.num_pages_processed, 100);
  expect_identity(job);
  std::vector<std::string> expected;
  for (int page = 0; page < job.num_pages_processed; ++page) {
    expected.push_back(ids("R", page * 10 + 1, page * 10 + 10));
  }
  EXPECT_EQ(imported()["i"], expected);
  auto stored = store_->get_job(job.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->status, "canceled");
}

Job running_job(const std::string& id, int64_t pid, int64_t start_time) {
  Job job;
  job.id = id;
  job.flow_id = "f";
  job.status = "running";
  job.started_at = "2026-01-01T00:00:00.000Z";
  job.pid = pid;
  job.pid_start_time = start_time;
  return job;
}

// A live process that is not this one, killed and reaped on destruction.
class ChildProcess {
 public:
  ChildProcess() : pid_(::fork()) {
    if (pid_ == 0) {
      ::sleep(60);
      ::_exit(0);
    }
  }
  ~ChildProcess() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST_F(Runtime, RunsOneJobOfAFlowAtATimeAndClosesJobsWhoseProcessDied) {
  put_export("e", {{"count", 1}});
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  ChildProcess child;
  const auto start = process_start_time(child.pid());
  ASSERT_TRUE(start);
  ASSERT_TRUE(store_->put_job(running_job("alive", child.pid(), *start)));
  auto refused = run_flow(*store_, registry_, "f", {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            fmt::format("flow f is already running as job alive (process {}); a flow runs one job "
                        "at a time — wait for it, or cancel it with Ctrl-C or `kill -INT {}`",
                        child.pid(), child.pid()));

  const pid_t ended = ::fork();
  if (ended == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(ended, nullptr, 0), ended);  // a process that has certainly ended
  ASSERT_TRUE(store_->put_job(running_job("alive", ended, *start)));
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(imported(), (std::map<std::string, std::vector<std::string>>{{"i", {"1"}}}))
      << "the refused run sent nothing";
  auto stale = store_->get_job("alive");
  ASSERT_TRUE(stale && *stale);
  EXPECT_EQ((*stale)->status, "failed");
  EXPECT_THAT((*stale)->message,
              HasSubstr(fmt::format("the process running this job (pid {}) died", ended)));
}

TEST_F(Runtime, APidReusedByAnotherProcessDoesNotMakeADeadJobLookAlive) {
  put_export("e", {{"count", 1}});
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  ChildProcess unrelated;  // alive, with the job's pid, but started at another time
  const auto start = process_start_time(unrelated.pid());
  ASSERT_TRUE(start);
  EXPECT_TRUE(is_alive({unrelated.pid(), *start}));
  EXPECT_FALSE(is_alive({unrelated.pid(), *start + 1}));
  ASSERT_TRUE(store_->put_job(running_job("dead", unrelated.pid(), *start + 1)));
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(imported(), (std::map<std::string, std::vector<std::string>>{{"i", {"1"}}}));
  EXPECT_EQ((*store_->get_job("dead"))->status, "failed");
  EXPECT_EQ(job.pid, ::getpid());
  EXPECT_EQ(job.pid_start_time, *process_start_time(::getpid()));
}

TEST_F(Runtime, ADeadJobIsShownFailedWithWhatWasConfirmedAndWhatWasInFlight) {
  const pid_t ended = ::fork();
  if (ended == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(ended, nullptr, 0), ended);
  Job dead = running_job("dead", ended, 0);
  dead.num_export = dead.num_success = 19;
  dead.num_error = 1;
  dead.num_export = 20;
  dead.num_pages_generated = dead.num_pages_processed = 2;
  dead.in_flight = json::object{{"exportId", "e"},
                                {"pages", json::array{2}},
                                {"recordIds", json::array{"R21", "R22", "R23"}}};
  ASSERT_TRUE(store_->put_job(dead));
  std::vector<Job> shown{dead, running_job("other", ::getpid(), 0)};
  ASSERT_TRUE(notice_dead_jobs(*store_, shown));
  const std::string expected = fmt::format(
      "the process running this job (pid {}) died without finishing it. What is known: 20 "
      "records confirmed (success 19, ignored 0, errors 1); 3 records in flight — flow page 2 of "
      "export e, ids R21 … R23 (all in inFlight.recordIds) — sent to the destination but not "
      "confirmed, so they may or may not have arrived; the records the export had not produced "
      "yet were not sent anywhere. To continue after the last confirmed page, run `sluice flow "
      "run f --resume` (the records in flight are sent again: check the destination for them "
      "first if a duplicate matters)",
      ended);
  EXPECT_EQ(shown[0].status, "failed");
  EXPECT_EQ(shown[0].message, expected);
  EXPECT_EQ(shown[1].status, "running");
  auto stored = store_->get_job("dead");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->status, "failed");
  EXPECT_EQ((*stored)->message, expected);
  EXPECT_EQ((*stored)->in_flight, dead.in_flight) << "the ids stay in a structured field";
}

TEST_F(Runtime, AFlowWithoutProcessorsCountsItsRecordsAsIgnored) {
  put_export("e", {{"count", 25}, {"pagesOf", 10}}, 10);
  put_flow("f", {"e"}, {});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed");
  EXPECT_EQ(job.num_export, 25);
  EXPECT_EQ(job.num_ignore, 25);
  EXPECT_EQ(job.num_success, 0);
  EXPECT_EQ(job.num_error, 0);
  expect_identity(job);
  EXPECT_TRUE(imported().empty());
}

TEST_F(Runtime, TheStoredJobHoldsExactlyTheConfirmedPagesAfterEachPage) {
  put_export("e", {{"count", 30}, {"pagesOf", 10}, {"prefix", "R"}}, 10);
  put_import("i", {{"rejectIds", json::array{"R12"}}});
  put_flow("f", {"e"}, {"i"});
  std::vector<std::string> seen;
  RunOptions options;
  options.on_progress = [&](const Job& job) {
    auto stored = store_->get_job(job.id);
    ASSERT_TRUE(stored && *stored);
    const Job& s = **stored;
    seen.push_back(fmt::format("{} {}/{}/{} pages {} inFlight {} checkpoint {} errors {}", s.status,
                               s.num_export, s.num_success, s.num_error, s.num_pages_processed,
                               json::serialize(s.in_flight), json::serialize(s.checkpoint),
                               store_->list_errors("f", 10)->size()));
  };
  const Job job = run("f", options);
  EXPECT_EQ(job.status, "completed");
  const std::string cp = R"({"generator":0,"exportId":"e","position":null,"skip":)";
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "running 10/10/0 pages 1 inFlight null checkpoint " + cp +
                          R"(10,"exportRecords":10,"deltas":{}} errors 0)",
                      "running 20/19/1 pages 2 inFlight null checkpoint " + cp +
                          R"(20,"exportRecords":20,"deltas":{}} errors 1)",
                      "running 30/29/1 pages 3 inFlight null checkpoint "
                      R"({"generator":1,"exportId":null,"position":null,"skip":0,)"
                      R"("exportRecords":0,"deltas":{"e":{"last":30}}} errors 1)"}));
  EXPECT_EQ(imported(), (std::map<std::string, std::vector<std::string>>{
                            {"i", {ids("R", 1, 10), ids("R", 11, 20), ids("R", 21, 30)}}}));
}

// Flow f: export e (100 records, pages of 10) -> import i.
class Resuming : public Runtime {
 protected:
  // Runs f and cancels it once 3 pages are processed (30 records confirmed).
  Job canceled_after_three_pages() {
    put_export("e", {{"count", 100}, {"pagesOf", 10}, {"prefix", "R"}}, 10);
    put_import("i", {});
    put_flow("f", {"e"}, {"i"});
    std::atomic<bool> cancel{false};
    RunOptions options;
    options.cancelled = &cancel;
    options.on_progress = [&](const Job& job) {
      if (job.num_pages_processed == 3) cancel = true;
    };
    return run("f", options);
  }
};

TEST_F(Resuming, ACanceledJobSendsExactlyTheRecordsItHadNotConfirmed) {
  const Job canceled = canceled_after_three_pages();
  ASSERT_EQ(canceled.status, "canceled");
  EXPECT_EQ(canceled.num_success, 30);
  EXPECT_THAT(canceled.message, HasSubstr("canceled by the operator. What is known: 30 records "
                                          "confirmed (success 30, ignored 0, errors 0); none in "
                                          "flight"));
  RunOptions resume;
  resume.resume = true;
  const Job resumed = run("f", resume);
  EXPECT_EQ(resumed.status, "completed");
  EXPECT_EQ(resumed.resumed_from, canceled.id);
  EXPECT_EQ(resumed.num_export, 70);
  EXPECT_EQ(resumed.num_success, 70);
  std::vector<std::string> expected;
  for (int page = 0; page < 10; ++page) expected.push_back(ids("R", page * 10 + 1, page * 10 + 10));
  EXPECT_EQ(imported()["i"], expected);
  EXPECT_EQ(*store_->get_state("e"), json::parse(R"({"last":100})"));
}

TEST_F(Resuming, ARetryJobAfterACanceledJobDoesNotHideIt) {
  const Job canceled = canceled_after_three_pages();
  ASSERT_EQ(canceled.status, "canceled");
  // `sluice errors retry f` ran since: a completed job of type "retry", newer than the canceled.
  Job retry;
  retry.id = "retry-job";
  retry.flow_id = "f";
  retry.type = "retry";
  retry.status = "completed";
  retry.started_at = "2999-01-01T00:00:00.000Z";
  retry.ended_at = "2999-01-01T00:00:01.000Z";
  ASSERT_TRUE(store_->put_job(retry));
  RunOptions resume;
  resume.resume = true;
  const Job resumed = run("f", resume);
  EXPECT_EQ(resumed.status, "completed") << resumed.message;
  EXPECT_EQ(resumed.resumed_from, canceled.id);
  EXPECT_EQ(resumed.num_export, 70);
  EXPECT_EQ(resumed.num_success, 70);
}

TEST_F(Runtime, ResumingFromAResumePositionReopensTheExportThereAndSkipsWhatWasConfirmed) {
  put_export("e", {{"count", 30}, {"pagesOf", 10}, {"prefix", "R"}, {"resumable", true}}, 4);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  std::atomic<bool> cancel{false};
  RunOptions options;
  options.cancelled = &cancel;
  options.on_progress = [&](const Job& job) {
    if (job.num_pages_processed == 4) cancel = true;
  };
  const Job canceled = run("f", options);
  ASSERT_EQ(canceled.status, "canceled");
  EXPECT_EQ(canceled.num_success, 14);
  EXPECT_EQ(canceled.checkpoint,
            json::parse(R"({"generator":0,"exportId":"e","position":{"next":11},"skip":4,
                            "exportRecords":14,"deltas":{}})"));
  fs::remove(log_);
  RunOptions resume;
  resume.resume = true;
  const Job resumed = run("f", resume);
  EXPECT_EQ(resumed.status, "completed");
  EXPECT_EQ(resumed.num_success, 16);
  EXPECT_EQ(imported()["i"],
            (std::vector<std::string>{"R15,R16,R17,R18", "R19,R20", "R21,R22,R23,R24",
                                      "R25,R26,R27,R28", "R29,R30"}));
  std::vector<std::string> exported;
  for (const auto& line : log_lines()) {
    if (line[0] == 'E') exported.push_back(line);
  }
  EXPECT_EQ(exported, (std::vector<std::string>{"E R page 1", "E R page 2"}))
      << "the resumed export starts at record 11, not at the beginning";
  EXPECT_EQ(*store_->get_state("e"), json::parse(R"({"last":30})"));
}

TEST_F(Runtime, ResumingIsRefusedWhenTheLastJobCompletedOrThereIsNone) {
  put_export("e", {{"count", 1}});
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  RunOptions resume;
  resume.resume = true;
  auto none = run_flow(*store_, registry_, "f", resume);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "flow f has no job to resume; run it without --resume");
  const Job done = run("f");
  auto refused = run_flow(*store_, registry_, "f", resume);
  EXPECT_EQ(imported(), (std::map<std::string, std::vector<std::string>>{{"i", {"1"}}}))
      << "only the one run that was not refused sent anything";
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "the last job of flow f (" + done.id +
                ") completed, so there is nothing to resume; run the flow without --resume to "
                "start a new job");
}

TEST_F(Runtime, AFlowNamingAMissingImportFailsWithTheFieldToFix) {
  put_export("e", {{"count", 1}});
  put_flow("f", {"e"}, {"nope"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(
      job.message,
      HasSubstr(
          "flow f: $.pageProcessors[0]._importId names import nope, which is not in the store"));
  EXPECT_EQ(job.num_export, 0);
  EXPECT_TRUE(imported().empty());
}

}  // namespace
}  // namespace sluice::runtime
