// A webhook listener's source (runtime/intake_source.hpp): records from the store's intake queue
// run through the flow's steps in pages and leave the queue once confirmed; a job that resumes a
// killed one starts past what that one confirmed.
#include "runtime/intake_source.hpp"

#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class IntakeSourceTest : public Runtime {
 protected:
  void SetUp() override {
    Runtime::SetUp();
    put(ResourceKind::kExport,
        {{"_id", "hook"},
         {"adaptorType", "WebhookExport"},
         {"pageSize", 2},
         {"webhook", json::object{{"verify", "secret_url"}, {"token", "t"}}}});
  }
  void queue(int first, int last) {
    std::vector<std::string> records;
    for (int n = first; n <= last; ++n) {
      records.push_back(json::serialize(json::object{{"id", "r" + std::to_string(n)}}));
    }
    ASSERT_TRUE(store_->append_intake("hook", records));
  }
  size_t queued() {
    auto count = store_->count_intake("hook");
    EXPECT_TRUE(count);
    return count ? *count : 0;
  }
  static std::vector<std::string> ids_of(const Page& page) {
    std::vector<std::string> out;
    for (size_t i = 0; i < page.size(); ++i) {
      out.emplace_back(page.record(i).as_object().at("id").as_string());
    }
    return out;
  }
};

TEST_F(IntakeSourceTest, QueuedRecordsRunThroughTheFlowInPagesAndLeaveTheQueue) {
  put_import("sink", {});
  put_flow("f", {"hook"}, {"sink"});
  queue(1, 5);
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 5);
  EXPECT_EQ(job.num_pages_generated, 3);
  EXPECT_EQ(imported()["sink"], (std::vector<std::string>{"r1,r2", "r3,r4", "r5"}));
  EXPECT_EQ(queued(), 0u);
}

TEST_F(IntakeSourceTest, AnEmptyQueueCompletesAJobWithNoRecords) {
  put_import("sink", {});
  put_flow("f", {"hook"}, {"sink"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 0);
  EXPECT_TRUE(imported()["sink"].empty());
}

TEST_F(IntakeSourceTest, ARecordLeavesTheQueueOnlyWhenItsPageIsCommitted) {
  queue(1, 3);
  IntakeSource source(*store_, {"hook", 2, nullptr}, Cursor{});
  auto first = source.next();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(ids_of((*first)->page), (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(queued(), 3u);
  ASSERT_TRUE(source.committed(**first));
  EXPECT_EQ(queued(), 1u);
  EXPECT_EQ(source.cursor().export_records, 2);
}

TEST_F(IntakeSourceTest, AResumedJobStartsPastThePositionItsKilledPredecessorConfirmed) {
  queue(1, 5);
  json::value confirmed;
  {
    // The killed job: its page r1,r2 was recorded as confirmed (the checkpoint's position), and
    // the process died before committed() removed it from the queue.
    IntakeSource killed(*store_, {"hook", 2, nullptr}, Cursor{});
    auto page = killed.next();
    ASSERT_TRUE(page && *page);
    confirmed = (*page)->position;
  }
  EXPECT_EQ(queued(), 5u);
  Cursor resumed;
  resumed.position = confirmed;
  IntakeSource source(*store_, {"hook", 2, nullptr}, resumed);
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    auto page = source.next();
    ASSERT_TRUE(page);
    if (!*page) break;
    for (std::string& id : ids_of((*page)->page)) seen.push_back(std::move(id));
    ASSERT_TRUE(source.committed(**page));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"r3", "r4", "r5"}));
  EXPECT_EQ(queued(), 0u);
}

}  // namespace
}  // namespace sluice::runtime
