// The scheduler with an injected clock and a launcher that records runs: due runs start, queued
// once while running, overrides run their source alone, disabled flows never run, chains after a
// completed run, missed runs once at startup, and a loop that stops promptly. Nothing sleeps.
#include "serve/schedule/scheduler.hpp"

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "store/test_home.hpp"

namespace sluice::serve::schedule {
namespace {

namespace json = boost::json;
using std::chrono::system_clock;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

system_clock::time_point at(std::string_view iso) {
  return *parse_instant(iso, *date::locate_zone("UTC"));
}

// Records each run as "flow" or "flow only=1" or "flow skip=1"; a flow in `blocked` waits until
// released. Every wait is bounded.
class Runs {
 public:
  JobLauncher::RunFn run_fn() {
    return [this](const std::string& flow_id, const runtime::RunOptions& options) {
      std::string what = flow_id;
      if (options.only_generator) what += " only=" + std::to_string(*options.only_generator);
      for (size_t g : options.skip_generators) what += " skip=" + std::to_string(g);
      std::unique_lock lock(mutex_);
      runs_.push_back(what);
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::seconds(30), [&] { return !blocked_.count(flow_id); });
      host::Job job;
      job.flow_id = flow_id;
      job.status = failing_.count(flow_id) ? "failed" : "completed";
      return Result<host::Job>(job);
    };
  }
  void block(const std::string& flow_id) {
    std::lock_guard lock(mutex_);
    blocked_.insert(flow_id);
  }
  void release(const std::string& flow_id) {
    std::lock_guard lock(mutex_);
    blocked_.erase(flow_id);
    changed_.notify_all();
  }
  void fail(const std::string& flow_id) {
    std::lock_guard lock(mutex_);
    failing_.insert(flow_id);
  }
  void done() {
    std::lock_guard lock(mutex_);
    ++done_;
    changed_.notify_all();
  }
  // Waits until `count` runs started / ended; the runs so far.
  std::vector<std::string> started(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(30), [&] { return runs_.size() >= count; });
    return runs_;
  }
  std::vector<std::string> ended(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(30), [&] { return done_ >= count; });
    return runs_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> runs_;
  std::set<std::string> blocked_, failing_;
  int done_ = 0;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = host::open_sqlite_store(home_.path());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  void put_flow(std::string_view text) {
    json::object doc = json::parse(text).as_object();
    host::Resource flow{host::ResourceKind::kFlow, std::string(doc.at("_id").as_string()), doc, {}};
    ASSERT_TRUE(store_->put_resources({flow}));
  }
  void set_clock(std::string_view iso) {
    std::lock_guard lock(clock_mutex_);
    now_ = at(iso);
  }
  Scheduler::Clock clock() {
    return [this] {
      std::lock_guard lock(clock_mutex_);
      return now_;
    };
  }
  std::unique_ptr<Scheduler> scheduler() {
    return std::make_unique<Scheduler>(
        *store_, launcher_, clock(),
        [this](const std::string&, const std::string&, const Result<host::Job>&) { runs_.done(); });
  }

  host::testing::TempHome home_;
  std::unique_ptr<host::Store> store_;
  Runs runs_;
  JobLauncher launcher_{runs_.run_fn()};
  std::mutex clock_mutex_;
  system_clock::time_point now_;
};

TEST_F(SchedulerTest, StartsAFlowWhenItComesDueAndNotBefore) {
  put_flow(R"({"_id": "nightly", "schedule": "? 0 2 ? * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T01:00:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  EXPECT_EQ(s->next_due(), at("2026-01-10T02:00:00Z"));
  s->tick();
  set_clock("2026-01-10T01:59:59Z");
  s->tick();
  set_clock("2026-01-10T02:00:00Z");
  s->tick();
  EXPECT_THAT(runs_.ended(1), ElementsAre("nightly"));
  EXPECT_EQ(s->next_due(), at("2026-01-11T02:00:00Z"));
  set_clock("2026-01-10T02:30:00Z");
  s->tick();
  EXPECT_THAT(runs_.ended(1), ElementsAre("nightly"));
}

TEST_F(SchedulerTest, FollowsTheFlowsTimeZone) {
  put_flow(R"({"_id": "berlin", "schedule": "? 30 2 ? * *", "timezone": "Europe/Berlin",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-03-28T12:00:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  EXPECT_EQ(s->next_due(), at("2026-03-29T01:00:00Z"));  // 02:30 does not exist that day
}

TEST_F(SchedulerTest, DisabledFlowsNeverRun) {
  put_flow(R"({"_id": "off", "disabled": true, "schedule": "* * * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T01:00:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  EXPECT_EQ(s->next_due(), std::nullopt);
  set_clock("2026-01-10T03:00:00Z");
  s->tick();
  EXPECT_TRUE(launcher_.running_flows().empty());
  EXPECT_THAT(runs_.started(0), IsEmpty());
}

TEST_F(SchedulerTest, ARunThatComesDueWhileTheFlowRunsIsQueuedOnceNotStacked) {
  put_flow(R"({"_id": "often", "schedule": "*/15 * * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T00:50:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  runs_.block("often");
  set_clock("2026-01-10T01:00:00Z");
  s->tick();
  ASSERT_THAT(runs_.started(1), ElementsAre("often"));
  set_clock("2026-01-10T01:15:00Z");
  s->tick();
  set_clock("2026-01-10T01:30:00Z");
  s->tick();
  EXPECT_THAT(s->queued("often"), ElementsAre("flow"));
  runs_.release("often");
  runs_.ended(2);
  EXPECT_THAT(s->queued("often"), IsEmpty());
  EXPECT_DOUBLE_EQ(s->lag_seconds(), 900.0);  // due 01:15, started 01:30
  s.reset();                                  // waits for every run it started to end
  EXPECT_THAT(runs_.started(0), ElementsAre("often", "often"));
}

TEST_F(SchedulerTest, AScheduleOverrideRunsOnlyItsSourceAndTheFlowScheduleTheOthers) {
  put_flow(R"({"_id": "sync", "schedule": "0 2 * * *",
               "pageGenerators": [{"_exportId": "a"}, {"_exportId": "b", "schedule": "0 3 * * *"},
                                  {"_exportId": "c"}]})");
  set_clock("2026-01-10T01:00:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  set_clock("2026-01-10T02:00:00Z");
  s->tick();
  runs_.ended(1);
  set_clock("2026-01-10T03:00:00Z");
  s->tick();
  EXPECT_THAT(runs_.ended(2), ElementsAre("sync skip=1", "sync only=1"));
}

TEST_F(SchedulerTest, RunNextFlowsStartOnlyAfterACompletedRun) {
  put_flow(R"({"_id": "first", "schedule": "0 2 * * *", "_runNextFlowIds": ["second"],
               "pageGenerators": [{"_exportId": "a"}]})");
  put_flow(R"({"_id": "second", "pageGenerators": [{"_exportId": "b"}]})");
  set_clock("2026-01-10T01:00:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  set_clock("2026-01-10T02:00:00Z");
  s->tick();
  EXPECT_THAT(runs_.ended(2), ElementsAre("first", "second"));
  runs_.fail("first");
  set_clock("2026-01-11T02:00:00Z");
  s->tick();
  runs_.ended(3);
  s.reset();  // waits for every run it started to end
  EXPECT_THAT(runs_.started(0), ElementsAre("first", "second", "first"));
}

TEST_F(SchedulerTest, AfterDowntimeAFlowThatMissedRunsRunsOnceAtStartup) {
  put_flow(R"({"_id": "hourly", "schedule": "0 * * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T01:30:00Z");
  {
    auto before = scheduler();
    ASSERT_TRUE(before->reload());  // first seen: scheduled from 01:30
  }
  set_clock("2026-01-10T05:30:00Z");  // 02:00, 03:00, 04:00 and 05:00 were missed
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  EXPECT_EQ(s->next_due(), at("2026-01-10T02:00:00Z"));
  s->tick();
  EXPECT_THAT(runs_.ended(1), ElementsAre("hourly"));
  EXPECT_EQ(s->next_due(), at("2026-01-10T06:00:00Z"));
  EXPECT_DOUBLE_EQ(s->lag_seconds(), 3.5 * 3600);
  auto state = store_->get_state("sluice.schedule/hourly");
  ASSERT_TRUE(state);
  EXPECT_EQ(*state, json::parse(R"({"flow": {"at": "2026-01-10T02:00:00Z",
                                               "schedule": "0 * * * *", "timezone": "UTC"}})"));
  s->tick();
  EXPECT_THAT(runs_.ended(1), ElementsAre("hourly"));
}

TEST_F(SchedulerTest, AChangedScheduleStartsAfreshInsteadOfCatchingUp) {
  put_flow(R"({"_id": "daily", "schedule": "0 2 * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T02:00:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  put_flow(R"({"_id": "daily", "schedule": "0 * * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T05:30:00Z");
  ASSERT_TRUE(s->reload());
  EXPECT_EQ(s->next_due(), at("2026-01-10T06:00:00Z"));
  s->tick();
  s.reset();
  EXPECT_THAT(runs_.started(0), IsEmpty());
}

TEST_F(SchedulerTest, AFlowSeenForTheFirstTimeDoesNotRunForThePast) {
  put_flow(R"({"_id": "hourly", "schedule": "0 * * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T05:30:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  s->tick();
  EXPECT_EQ(s->next_due(), at("2026-01-10T06:00:00Z"));
  EXPECT_THAT(runs_.started(0), IsEmpty());
}

TEST_F(SchedulerTest, AFlowWhoseScheduleDoesNotReadIsLeftOutAndNamed) {
  put_flow(R"({"_id": "bad", "schedule": "0 25 * * *", "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T05:30:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  EXPECT_EQ(s->next_due(), std::nullopt);
  ASSERT_EQ(s->problems().size(), 1u);
  EXPECT_THAT(s->problems()[0],
              ::testing::StartsWith("flow bad: $.schedule: schedule \"0 25 * * *\": hour"));
}

TEST_F(SchedulerTest, TheLoopStartsWhatIsDueAndReturnsPromptlyWhenStopped) {
  put_flow(R"({"_id": "hourly", "schedule": "0 * * * *",
               "pageGenerators": [{"_exportId": "e"}]})");
  set_clock("2026-01-10T01:30:00Z");
  auto s = scheduler();
  ASSERT_TRUE(s->reload());
  std::jthread loop([&](std::stop_token stop) { s->run(stop); });
  set_clock("2026-01-10T02:00:00Z");
  s->wake();
  EXPECT_THAT(runs_.ended(1), ElementsAre("hourly"));
  loop.request_stop();
  loop.join();  // the loop waits for 02:00 to 03:00 of the injected clock otherwise
  EXPECT_FALSE(loop.joinable());
}

}  // namespace
}  // namespace sluice::serve::schedule
