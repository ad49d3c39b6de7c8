// Specifies the atomic job operations of the store: claiming a flow and recording a running job.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using testing::StoreTest;

Job running_job(std::string id, std::string flow_id, std::string started_at) {
  Job job;
  job.id = std::move(id);
  job.flow_id = std::move(flow_id);
  job.status = "running";
  job.started_at = std::move(started_at);
  job.pid = 4242;
  job.pid_start_time = 777;
  return job;
}

JobError error_of(const Job& job, std::string id) {
  JobError error;
  error.id = std::move(id);
  error.job_id = job.id;
  error.flow_id = job.flow_id;
  error.step_id = "imp";
  error.code = "422";
  error.message = "rejected";
  error.occurred_at = "2026-12-01T00:00:00.000Z";
  error.retry_data = json::object{{"id", "R1"}};
  return error;
}

const auto kAlive = [](Job&) { return false; };
const auto kDead = [](Job& job) {
  job.status = "failed";
  job.message = "died";
  return true;
};

class SqliteJobsTest : public StoreTest {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(home_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteJobsTest, ClaimingAFlowNobodyRunsInsertsTheJob) {
  const Job job = running_job("j1", "f", "2026-12-01T00:00:01.000Z");
  auto claim = store_->claim_flow(job, kAlive);
  ASSERT_TRUE(claim) << claim.error().message;
  EXPECT_TRUE(claim->claimed);
  EXPECT_FALSE(claim->holder);
  EXPECT_TRUE(claim->closed.empty());
  auto stored = store_->get_job("j1");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->to_json(), job.to_json());
}

TEST_F(SqliteJobsTest, ClaimingAFlowALiveJobHoldsIsRefusedAndWritesNothing) {
  ASSERT_TRUE(store_->put_job(running_job("old", "f", "2026-12-01T00:00:01.000Z")));
  auto claim = store_->claim_flow(running_job("new", "f", "2026-12-01T00:00:02.000Z"), kAlive);
  ASSERT_TRUE(claim) << claim.error().message;
  EXPECT_FALSE(claim->claimed);
  ASSERT_TRUE(claim->holder);
  EXPECT_EQ(claim->holder->id, "old");
  EXPECT_FALSE(store_->get_job("new")->has_value());
  EXPECT_EQ((*store_->get_job("old"))->status, "running");
}

TEST_F(SqliteJobsTest, ClaimingAFlowClosesItsDeadJobsAsRewrittenButNotOtherFlows) {
  ASSERT_TRUE(store_->put_job(running_job("dead", "f", "2026-12-01T00:00:01.000Z")));
  ASSERT_TRUE(store_->put_job(running_job("other", "g", "2026-12-01T00:00:01.000Z")));
  auto claim = store_->claim_flow(running_job("new", "f", "2026-12-01T00:00:02.000Z"), kDead);
  ASSERT_TRUE(claim) << claim.error().message;
  EXPECT_TRUE(claim->claimed);
  ASSERT_EQ(claim->closed.size(), 1u);
  EXPECT_EQ(claim->closed[0].id, "dead");
  EXPECT_EQ((*store_->get_job("dead"))->status, "failed");
  EXPECT_EQ((*store_->get_job("dead"))->message, "died");
  EXPECT_EQ((*store_->get_job("other"))->status, "running");
  EXPECT_EQ((*store_->get_job("new"))->status, "running");
}

TEST_F(SqliteJobsTest, ResumingAJobThatIsNoLongerTheFlowsNewestIsRefused) {
  Job first = running_job("first", "f", "2026-12-01T00:00:01.000Z");
  first.status = "failed";
  Job second = first;
  second.id = "second";
  second.started_at = "2026-12-01T00:00:02.000Z";
  ASSERT_TRUE(store_->put_job(first));
  ASSERT_TRUE(store_->put_job(second));
  Job resume = running_job("new", "f", "2026-12-01T00:00:03.000Z");
  resume.resumed_from = "first";
  auto claim = store_->claim_flow(resume, kAlive);
  ASSERT_TRUE(claim) << claim.error().message;
  EXPECT_FALSE(claim->claimed);
  EXPECT_EQ(claim->superseded, "second");
  EXPECT_FALSE(store_->get_job("new")->has_value());
  resume.resumed_from = "second";
  claim = store_->claim_flow(resume, kAlive);
  ASSERT_TRUE(claim) << claim.error().message;
  EXPECT_TRUE(claim->claimed);
  EXPECT_EQ((*store_->get_job("new"))->resumed_from, "second");
}

TEST_F(SqliteJobsTest, UpdatingARunningJobWritesItAndItsErrorsTogether) {
  Job job = running_job("j1", "f", "2026-12-01T00:00:01.000Z");
  ASSERT_TRUE(store_->put_job(job));
  job.num_export = job.num_error = 1;
  job.in_flight = json::object{
      {"exportId", "e"}, {"pages", json::array{3}}, {"recordIds", json::array{"R1", "R2"}}};
  job.checkpoint = json::object{{"generator", 0}, {"skip", 5}};
  auto written = store_->update_running_job(job, {error_of(job, "e1")});
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(*written);
  EXPECT_EQ((*store_->get_job("j1"))->to_json(), job.to_json());
  auto errors = store_->list_errors("f", 10);
  ASSERT_TRUE(errors);
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0].id, "e1");
}

TEST_F(SqliteJobsTest, UpdatingAJobThatIsNoLongerRunningWritesNothing) {
  Job job = running_job("j1", "f", "2026-12-01T00:00:01.000Z");
  job.status = "canceled";
  job.message = "ended by a second Ctrl-C";
  ASSERT_TRUE(store_->put_job(job));
  Job late = running_job("j1", "f", "2026-12-01T00:00:01.000Z");
  late.num_export = late.num_success = 20;
  auto written = store_->update_running_job(late, {error_of(late, "e1")});
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_FALSE(*written);
  EXPECT_EQ((*store_->get_job("j1"))->to_json(), job.to_json());
  EXPECT_TRUE(store_->list_errors("f", 10)->empty());
  EXPECT_FALSE(*store_->update_running_job(running_job("nope", "f", "x"), {}));
}

TEST_F(SqliteJobsTest, OfTwentyConnectionsClaimingOneFlowAtOnceExactlyOneWins) {
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 20; ++i) {
    auto opened = open_sqlite_store(home_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    stores.push_back(std::move(*opened));
  }
  std::atomic<int> ready{0}, claimed{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < 20) std::this_thread::yield();
      auto claim = stores[i]->claim_flow(
          running_job("j" + std::to_string(i), "f", "2026-12-01T00:00:01.000Z"), kAlive);
      if (!claim) {
        ++failed;
      } else if (claim->claimed) {
        ++claimed;
      } else if (claim->holder) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.load(), 1);
  EXPECT_EQ(refused.load(), 19);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(store_->list_jobs("f", 100)->size(), 1u);
}

}  // namespace
}  // namespace sluice::host
