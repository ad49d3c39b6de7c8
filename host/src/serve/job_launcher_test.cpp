// The launcher: one run of a flow at a time, done after the run is forgotten, drain cancels.
#include "serve/job_launcher.hpp"

#include <future>

#include <gtest/gtest.h>

namespace sluice::serve {
namespace {

TEST(JobLauncher, RunsAFlowOnceAtATimeAndDrainCancelsIt) {
  std::promise<void> started;
  JobLauncher launcher([&](const std::string& flow_id, const runtime::RunOptions& options) {
    started.set_value();
    while (!options.cancelled->load()) std::this_thread::yield();
    host::Job job;
    job.flow_id = flow_id;
    job.status = "canceled";
    return Result<host::Job>(job);
  });
  std::promise<std::string> finished;
  ASSERT_TRUE(launcher.launch("f1", {}, [&](const std::string& id, const Result<host::Job>& job) {
    finished.set_value(id + " " + job->status);
  }));
  started.get_future().wait();
  EXPECT_TRUE(launcher.running("f1"));
  auto again = launcher.launch("f1", {});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "flow f1 is already running");
  EXPECT_TRUE(launcher.drain(std::chrono::seconds(10)));
  EXPECT_EQ(finished.get_future().get(), "f1 canceled");
  EXPECT_FALSE(launcher.running("f1"));
  auto late = launcher.launch("f2", {});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().message, "the server is shutting down; flow f2 was not started");
}

TEST(JobLauncher, DoneMayLaunchTheSameFlowAgain) {
  std::atomic<int> runs{0};
  std::promise<void> second;
  JobLauncher launcher([&](const std::string&, const runtime::RunOptions&) {
    if (++runs == 2) second.set_value();
    return Result<host::Job>(host::Job{});
  });
  ASSERT_TRUE(launcher.launch("f1", {}, [&](const std::string& id, const Result<host::Job>&) {
    ASSERT_TRUE(launcher.launch(id, {}));
  }));
  second.get_future().wait();
  EXPECT_EQ(runs.load(), 2);
}

}  // namespace
}  // namespace sluice::serve
