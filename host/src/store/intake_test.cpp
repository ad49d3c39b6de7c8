// The webhook intake queue of the SQLite store: appended records read back in order per
// listener, survive reopening, and are removed through a seq.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

using testing::StoreTest;

class IntakeTest : public StoreTest {
 protected:
  void SetUp() override { open(); }
  void open() {
    store_.reset();
    auto opened = open_sqlite_store(home_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  std::vector<std::string> records(std::string_view export_id, int64_t after = 0) {
    auto read = store_->read_intake(export_id, after, 100);
    EXPECT_TRUE(read) << read.error().message;
    std::vector<std::string> out;
    if (read) {
      for (const IntakeRecord& r : *read) out.push_back(r.record);
    }
    return out;
  }
  std::unique_ptr<Store> store_;
};

TEST_F(IntakeTest, RecordsReadBackInOrderPerListenerAfterReopening) {
  ASSERT_TRUE(store_->append_intake("orders", {R"({"id":1})", R"({"id":2})"}));
  ASSERT_TRUE(store_->append_intake("refunds", {R"({"id":"r"})"}));
  ASSERT_TRUE(store_->append_intake("orders", {R"({"id":3})"}));
  open();
  EXPECT_EQ(records("orders"),
            (std::vector<std::string>{R"({"id":1})", R"({"id":2})", R"({"id":3})"}));
  EXPECT_EQ(records("refunds"), std::vector<std::string>{R"({"id":"r"})"});
  EXPECT_EQ(*store_->count_intake("orders"), 3u);
}

TEST_F(IntakeTest, ReadStartsAfterTheGivenSeqAndStopsAtTheLimit) {
  ASSERT_TRUE(store_->append_intake("orders", {"1", "2", "3", "4"}));
  auto all = store_->read_intake("orders", 0, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  auto page = store_->read_intake("orders", (*all)[1].seq, 1);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].record, "3");
  EXPECT_EQ((*page)[0].seq, (*all)[2].seq);
}

TEST_F(IntakeTest, RemoveDropsRecordsThroughTheSeqOfThatListenerOnly) {
  ASSERT_TRUE(store_->append_intake("orders", {"1", "2", "3"}));
  ASSERT_TRUE(store_->append_intake("refunds", {"r"}));
  auto all = store_->read_intake("orders", 0, 100);
  ASSERT_TRUE(all);
  auto removed = store_->remove_intake("orders", (*all)[1].seq);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(records("orders"), std::vector<std::string>{"3"});
  EXPECT_EQ(records("refunds"), std::vector<std::string>{"r"});
}

}  // namespace
}  // namespace sluice::host
