// Specifies the error management queries of the SQLite store: listing open and resolved errors
// by flow and step, resolving some or all, auto-resolve by trace key, editing retry data, the
// JSON shape of an error, the migration of errors stored before, and retention of retry data.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using testing::StoreTest;

JobError error_at(std::string id, std::string step, std::string occurred_at,
                  std::string trace_key = {}) {
  JobError error;
  error.id = std::move(id);
  error.job_id = "j1";
  error.flow_id = "f";
  error.step_id = std::move(step);
  error.code = "422";
  error.message = "rejected";
  error.occurred_at = std::move(occurred_at);
  error.trace_key = std::move(trace_key);
  error.retry_data = json::object{{"id", error.id}};
  return error;
}

std::vector<std::string> ids_of(const Result<std::vector<JobError>>& errors) {
  std::vector<std::string> ids;
  if (!errors) return {"error: " + errors.error().message};
  for (const JobError& e : *errors) ids.push_back(e.id);
  return ids;
}

// Runs SQL on the store file through a second connection, as another program would.
void run_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message != nullptr ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

class SqliteErrorsTest : public StoreTest {
 protected:
  void open(size_t retry_data_limit = 0) {
    store_.reset();
    auto opened = open_sqlite_store(home_.path(), retry_data_limit);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  void SetUp() override { open(); }
  void add(std::vector<JobError> errors) {
    auto added = store_->add_errors(errors);
    ASSERT_TRUE(added) << added.error().message;
  }
  std::vector<std::string> open_ids(std::string step = {}) {
    return ids_of(store_->find_errors({"f", std::move(step), false, 100}));
  }
  std::vector<std::string> resolved_ids(std::string step = {}) {
    return ids_of(store_->find_errors({"f", std::move(step), true, 100}));
  }
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteErrorsTest, FindErrorsListsOpenErrorsOfAFlowOrOfOneStepOldestFirst) {
  add({error_at("e2", "imp-b", "2026-12-01T00:00:02.000Z"),
       error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z"),
       error_at("e3", "imp-a", "2026-12-01T00:00:03.000Z")});
  JobError other = error_at("x1", "imp-a", "2026-12-01T00:00:00.000Z");
  other.flow_id = "g";
  add({other});
  EXPECT_EQ(open_ids(), (std::vector<std::string>{"e1", "e2", "e3"}));
  EXPECT_EQ(open_ids("imp-a"), (std::vector<std::string>{"e1", "e3"}));
  EXPECT_EQ(resolved_ids(), std::vector<std::string>{});
  EXPECT_EQ(ids_of(store_->find_errors({"f", "", false, 2})),
            (std::vector<std::string>{"e1", "e2"}));
}

TEST_F(SqliteErrorsTest, ResolvingNamedErrorsCountsOnlyOpenErrorsOfTheFlowAndRecordsByWhom) {
  add({error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z"),
       error_at("e2", "imp-a", "2026-12-01T00:00:02.000Z")});
  auto resolved = store_->resolve_errors("f", "", {"e1", "nope", "e1"}, "operator");
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(*resolved, 1u);
  EXPECT_EQ(open_ids(), std::vector<std::string>{"e2"});
  EXPECT_EQ(resolved_ids(), std::vector<std::string>{"e1"});
  auto e1 = store_->get_error("f", "e1");
  ASSERT_TRUE(e1 && *e1);
  EXPECT_TRUE((*e1)->resolved);
  EXPECT_EQ((*e1)->resolved_by, "operator");
  EXPECT_EQ((*e1)->resolved_at.size(), std::string("2026-12-01T00:00:01.000Z").size());
  EXPECT_EQ(*store_->resolve_errors("g", "", {"e2"}, "operator"), 0u);  // another flow's id
}

TEST_F(SqliteErrorsTest, ResolvingWithoutIdsResolvesEveryOpenErrorOfTheStepOrOfTheFlow) {
  add({error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z"),
       error_at("e2", "imp-b", "2026-12-01T00:00:02.000Z"),
       error_at("e3", "imp-a", "2026-12-01T00:00:03.000Z")});
  EXPECT_EQ(*store_->resolve_errors("f", "imp-a", {}, "operator"), 2u);
  EXPECT_EQ(open_ids(), std::vector<std::string>{"e2"});
  EXPECT_EQ(*store_->resolve_errors("f", "", {}, "operator"), 1u);
  EXPECT_EQ(open_ids(), std::vector<std::string>{});
  EXPECT_EQ(*store_->resolve_errors("f", "", {}, "operator"), 0u);
}

TEST_F(SqliteErrorsTest, AutoResolveResolvesOpenErrorsWithTheTraceKeyAtThatStepOnly) {
  add({error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z", "ORD-1"),
       error_at("e2", "imp-b", "2026-12-01T00:00:02.000Z", "ORD-1"),
       error_at("e3", "imp-a", "2026-12-01T00:00:03.000Z", "ORD-2"),
       error_at("e4", "imp-a", "2026-12-01T00:00:04.000Z", "ORD-1")});
  auto resolved = store_->resolve_by_trace_keys("f", "imp-a", {"ORD-1", "", "ORD-9"});
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(*resolved, 2u);
  EXPECT_EQ(open_ids(), (std::vector<std::string>{"e2", "e3"}));
  EXPECT_EQ((*store_->get_error("f", "e4"))->resolved_by, "auto");
}

TEST_F(SqliteErrorsTest, EditingRetryDataReplacesItAndMarksItEdited) {
  add({error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z")});
  auto edited = store_->edit_retry_data("f", "e1", json::parse(R"({"id":"e1","fixed":true})"));
  ASSERT_TRUE(edited) << edited.error().message;
  EXPECT_TRUE(*edited);
  auto e1 = store_->get_error("f", "e1");
  ASSERT_TRUE(e1 && *e1);
  EXPECT_EQ(json::serialize((*e1)->retry_data), R"({"id":"e1","fixed":true})");
  EXPECT_TRUE((*e1)->retry_data_edited);
  EXPECT_FALSE(*store_->edit_retry_data("f", "nope", json::value(1)));
  EXPECT_FALSE(*store_->edit_retry_data("g", "e1", json::value(1)));
}

TEST_F(SqliteErrorsTest, AnErrorsJsonHasItsClassificationTraceKeyAndExchange) {
  JobError error = error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z", "ORD-1");
  error.code = "429";
  error.request = json::object{{"method", "POST"}};
  error.response = json::object{{"status", 429}};
  add({error});
  auto stored = store_->get_error("f", "e1");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ(json::serialize((*stored)->to_json()),
            R"({"_id":"e1","_jobId":"j1","_flowId":"f","_stepId":"imp-a","code":"429",)"
            R"("message":"rejected","occurredAt":"2026-12-01T00:00:01.000Z",)"
            R"("retryData":{"id":"e1"},"resolved":false,"classification":"rate limit",)"
            R"("traceKey":"ORD-1","request":{"method":"POST"},"response":{"status":429}})");
}

TEST_F(SqliteErrorsTest, OnlyTheNewestErrorsOfAStepKeepTheirRetryDataTheRestGetANote) {
  open(/*retry_data_limit=*/2);
  add({error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z"),
       error_at("e2", "imp-a", "2026-12-01T00:00:02.000Z"),
       error_at("b1", "imp-b", "2026-12-01T00:00:00.500Z")});
  add({error_at("e3", "imp-a", "2026-12-01T00:00:03.000Z")});
  auto e1 = store_->get_error("f", "e1");
  ASSERT_TRUE(e1 && *e1);
  EXPECT_TRUE((*e1)->retry_data.is_null());
  EXPECT_EQ((*e1)->note.substr(0, 17), "retry data droppe");
  EXPECT_NE((*e1)->note.find("the store keeps it only for the newest 2 errors with retry data of "
                             "step imp-a ($SLUICE_RETRY_DATA_LIMIT); this error can be resolved, "
                             "not retried"),
            std::string::npos)
      << (*e1)->note;
  for (const char* kept : {"e2", "e3", "b1"}) {
    auto e = store_->get_error("f", kept);
    ASSERT_TRUE(e && *e);
    EXPECT_EQ(json::serialize((*e)->retry_data), fmt::format(R"({{"id":"{}"}})", kept));
    EXPECT_EQ((*e)->note, "");
  }
  EXPECT_EQ(open_ids(), (std::vector<std::string>{"b1", "e1", "e2", "e3"}));  // still open
}

TEST_F(SqliteErrorsTest, ErrorsStoredBeforeTheMigrationAreFoundByStepAndTraceKeyAfterIt) {
  JobError old = error_at("e1", "imp-a", "2026-12-01T00:00:01.000Z");
  old.retry_data = json::object{{"id", "ORD-1"}};
  add({old});
  store_.reset();
  // As a store of schema version 3 held it: the columns of migration 4 not filled in.
  run_sql(home_.path() + "/sluice.db",
          "UPDATE errors SET step_id = '', trace_key = '', has_retry_data = 0, "
          "doc = json_remove(doc, '$.traceKey'); UPDATE schema_version SET version = 3");
  open();
  EXPECT_EQ(open_ids("imp-a"), std::vector<std::string>{"e1"});
  EXPECT_EQ(*store_->resolve_by_trace_keys("f", "imp-a", {"ORD-1"}), 1u);
}

TEST_F(SqliteErrorsTest, AMalformedRetryDataLimitInTheEnvironmentIsRefusedSayingWhatToDo) {
  store_.reset();
  ::setenv("SLUICE_RETRY_DATA_LIMIT", "ten", 1);
  auto opened = open_sqlite_store(home_.path());
  ::unsetenv("SLUICE_RETRY_DATA_LIMIT");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().message,
            "$SLUICE_RETRY_DATA_LIMIT is \"ten\": expected a whole number from 1 to 999999999 "
            "(how many errors per flow step keep their retry data; default 20000) — fix or "
            "unset it");
}

}  // namespace
}  // namespace sluice::host
