// Specifies the flow runtime (DESIGN.md §2) with the in-memory test plugin and a real SQLite store:
// order of generators and processors, the counts identity under faults, errors with retry data,
// re-paging, failure and cancellation.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::runtime {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using host::Job;
using host::ResourceKind;
using ::testing::HasSubstr;

class Runtime : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = (home_ / "calls.log").string();
    auto store = host::open_sqlite_store(home_.string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = host::load_plugin(MEMORY_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
    put(ResourceKind::kConnection, {{"_id", "mem"}, {"type", "memory"}});
  }
  void put(ResourceKind kind, json::object doc) {
    const std::string id(doc.at("_id").as_string());
    ASSERT_TRUE(store_->put_resources({host::Resource{kind, id, std::move(doc), {}}}));
  }
  void put_export(const std::string& id, json::object memory, int page_size = 0) {
    memory["log"] = log_;
    json::object doc{
        {"_id", id}, {"adaptorType", "MemoryExport"}, {"_connectionId", "mem"}, {"memory", memory}};
    if (page_size > 0) doc["pageSize"] = page_size;
    put(ResourceKind::kExport, std::move(doc));
  }
  void put_import(const std::string& id, json::object memory) {
    memory["log"] = log_;
    memory["name"] = id;
    put(ResourceKind::kImport, {{"_id", id},
                                {"adaptorType", "MemoryImport"},
                                {"_connectionId", "mem"},
                                {"memory", memory}});
  }
  void put_flow(const std::string& id, std::vector<std::string> exports,
                std::vector<std::string> imports) {
    json::array generators, processors;
    for (const auto& e : exports) generators.push_back(json::object{{"_exportId", e}});
    for (const auto& i : imports)
      processors.push_back(json::object{{"type", "import"}, {"_importId", i}});
    put(ResourceKind::kFlow,
        {{"_id", id}, {"pageGenerators", generators}, {"pageProcessors", processors}});
  }
  Job run(const std::string& flow, RunOptions options = {}) {
    auto job = run_flow(*store_, registry_, flow, options);
    EXPECT_TRUE(job) << job.error().message;
    return job ? *job : Job{};
  }
  std::vector<std::string> log_lines() {
    std::vector<std::string> lines;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  static void expect_identity(const Job& job) {
    EXPECT_EQ(job.num_export, job.num_success + job.num_ignore + job.num_error)
        << "numExport " << job.num_export << " success " << job.num_success << " ignore "
        << job.num_ignore << " error " << job.num_error;
  }

  sluice::testing::TempDir dir_{"sluice-runtime"};
  const fs::path& home_ = dir_.path();
  std::string log_;
  std::unique_ptr<host::Store> store_;
  host::PluginRegistry registry_;
};

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
  EXPECT_EQ(imports, (std::vector<std::string>{
                         "I x A1..A2", "I y A1..A2", "I x A3..A4", "I y A3..A4", "I x A5..A5",
                         "I y A5..A5", "I x B1..B2", "I y B1..B2", "I x B3..B3", "I y B3..B3"}));
  const auto first_b = std::find(all.begin(), all.end(), "E B page 1");
  const auto last_a = std::find(all.begin(), all.end(), "I y A5..A5");
  ASSERT_NE(first_b, all.end());
  EXPECT_GT(first_b - all.begin(), last_a - all.begin())
      << "source b started before source a's last page was processed";
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
  const auto lines = log_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "I y R1..R4"),
            lines.end());  // R2 absent: 3 records, R1 to R4
}

TEST_F(Runtime, SplitsPluginPagesIntoFlowPagesOfPageSize) {
  put_export("e", {{"count", 10}, {"pagesOf", 10}, {"prefix", "R"}}, 4);
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  const Job job = run("f");
  EXPECT_EQ(job.num_pages_generated, 3);
  EXPECT_EQ(job.num_pages_processed, 3);
  EXPECT_EQ(job.num_success, 10);
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
  auto state = store_->get_state("e");
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->is_null()) << "state must not advance when the job fails";
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
  auto stored = store_->get_job(job.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->status, "canceled");
}

TEST_F(Runtime, RunsOneJobOfAFlowAtATimeAndClosesJobsWhoseProcessDied) {
  put_export("e", {{"count", 1}});
  put_import("i", {});
  put_flow("f", {"e"}, {"i"});
  Job alive;
  alive.id = "alive";
  alive.flow_id = "f";
  alive.status = "running";
  alive.started_at = "2026-01-01T00:00:00.000Z";
  alive.pid = ::getppid();  // a live process other than this one
  ASSERT_TRUE(store_->put_job(alive));
  auto refused = run_flow(*store_, registry_, "f", {});
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("flow f is already running as job alive"));

  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);  // a process that has certainly ended
  alive.pid = child;
  ASSERT_TRUE(store_->put_job(alive));
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed");
  auto stale = store_->get_job("alive");
  ASSERT_TRUE(stale && *stale);
  EXPECT_EQ((*stale)->status, "failed");
  EXPECT_THAT((*stale)->message, HasSubstr("ended without finishing it"));
}

TEST_F(Runtime, AFlowNamingAMissingImportFailsWithTheFieldToFix) {
  put_export("e", {{"count", 1}});
  put_flow("f", {"e"}, {"nope"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_THAT(
      job.message,
      HasSubstr(
          "flow f: pageProcessors[0]._importId names import nope, which is not in the store"));
  EXPECT_EQ(job.num_export, 0);
}

}  // namespace
}  // namespace sluice::runtime
