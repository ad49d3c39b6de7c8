// The intake worker: which flows it launches for a listener, and how (fresh, or resumed first).
#include "serve/webhook/intake_worker.hpp"

#include <gtest/gtest.h>

#include <condition_variable>

#include "store/test_home.hpp"

namespace sluice::serve::webhook {
namespace {

namespace json = boost::json;

class IntakeWorkerTest : public host::testing::StoreTest {
 protected:
  void SetUp() override {
    auto opened = host::open_sqlite_store(home_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    put(host::ResourceKind::kExport, {{"_id", "hook"}, {"adaptorType", "WebhookExport"}});
    put(host::ResourceKind::kExport, {{"_id", "other"}, {"adaptorType", "WebhookExport"}});
    put_flow("fed", "hook", false);
    put_flow("off", "hook", true);
    put_flow("elsewhere", "other", false);
  }
  void put(host::ResourceKind kind, json::object doc) {
    const std::string id(doc.at("_id").as_string());
    ASSERT_TRUE(store_->put_resources({host::Resource{kind, id, std::move(doc), {}}}));
  }
  void put_flow(const std::string& id, const std::string& exp, bool disabled) {
    put(host::ResourceKind::kFlow,
        {{"_id", id},
         {"disabled", disabled},
         {"pageGenerators", json::array{json::object{{"_exportId", exp}}}}});
  }
  // Waits (at most 10 s) until `n` runs were made; returns them as "flow:resume|fresh".
  std::vector<std::string> runs(size_t n) {
    std::unique_lock lock(mutex_);
    ran_.wait_for(lock, std::chrono::seconds(10), [&] { return calls_.size() >= n; });
    return calls_;
  }
  JobLauncher::RunFn recorder(bool resume_fails) {
    return [this, resume_fails](const std::string& flow, const runtime::RunOptions& options) {
      {
        std::lock_guard lock(mutex_);
        calls_.push_back(flow + (options.resume ? ":resume" : ":fresh"));
      }
      ran_.notify_all();
      if (options.resume && resume_fails) {
        return Result<host::Job>(make_error(Status::kNotFound, "nothing to resume"));
      }
      return Result<host::Job>(host::Job{});
    };
  }

  std::unique_ptr<host::Store> store_;
  std::mutex mutex_;
  std::condition_variable ran_;
  std::vector<std::string> calls_;
};

TEST_F(IntakeWorkerTest, NotifyRunsTheEnabledFlowsFedByThatListenerOnly) {
  JobLauncher launcher(recorder(false));
  IntakeWorker worker(*store_, launcher);
  EXPECT_EQ(worker.flows_of("hook"), std::vector<std::string>{"fed"});
  worker.notify("hook");
  EXPECT_EQ(runs(1), std::vector<std::string>{"fed:fresh"});
  launcher.drain();
  EXPECT_EQ(runs(1), std::vector<std::string>{"fed:fresh"});
}

TEST_F(IntakeWorkerTest, StartResumesFlowsWithQueuedRecordsThenRunsAfreshWhenNothingToResume) {
  ASSERT_TRUE(store_->append_intake("hook", {R"({"id":1})"}));
  JobLauncher launcher(recorder(true));
  IntakeWorker worker(*store_, launcher);
  worker.start();
  EXPECT_EQ(runs(2), (std::vector<std::string>{"fed:resume", "fed:fresh"}));
  launcher.drain();  // before the worker goes: a run that ends calls back into it
}

TEST_F(IntakeWorkerTest, StartLeavesListenersWithAnEmptyQueueAlone) {
  JobLauncher launcher(recorder(false));
  IntakeWorker worker(*store_, launcher);
  worker.start();
  launcher.drain();
  EXPECT_TRUE(calls_.empty());
}

}  // namespace
}  // namespace sluice::serve::webhook
