// Specifies the threading contract (sluice/abi/plugin.h, "Threading"): the calls of a connection
// that is not declared thread-safe never overlap, even when a flow's export and import share it;
// declared thread-safe, they do — so it is the host's serialisation that keeps them apart.
#include <fstream>
#include <string>
#include <vector>

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

namespace json = boost::json;
using host::ResourceKind;

class Concurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = host::open_sqlite_store(dir_.path().string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = host::load_plugin(CONCURRENCY_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
  }
  void put(ResourceKind kind, json::object doc) {
    const std::string id(doc.at("_id").as_string());
    ASSERT_TRUE(store_->put_resources({host::Resource{kind, id, std::move(doc), {}}}));
  }
  // Runs a flow whose export and import share one connection of `type`; returns the log lines.
  std::vector<std::string> run_shared_connection_flow(const std::string& type) {
    const std::string log = (dir_.path() / (type + ".log")).string();
    put(ResourceKind::kConnection, {{"_id", "c"}, {"type", type}, {"conc", {{"log", log}}}});
    const std::string adaptor = type == "serial" ? "Serial" : "Overlap";
    put(ResourceKind::kExport, {{"_id", "e"},
                                {"adaptorType", adaptor + "Export"},
                                {"_connectionId", "c"},
                                {"conc", {{"pages", 4}}}});
    put(ResourceKind::kImport,
        {{"_id", "i"}, {"adaptorType", adaptor + "Import"}, {"_connectionId", "c"}});
    put(ResourceKind::kFlow,
        {{"_id", "f"},
         {"pageGenerators", json::array{json::object{{"_exportId", "e"}}}},
         {"pageProcessors", json::array{json::object{{"type", "import"}, {"_importId", "i"}}}}});
    auto job = run_flow(*store_, registry_, "f", RunOptions{});
    EXPECT_TRUE(job) << job.error().message;
    if (job) {
      EXPECT_EQ(job->status, "completed") << job->message;
      EXPECT_EQ(job->num_success, 4);
    }
    std::vector<std::string> lines;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  sluice::testing::TempDir dir_{"sluice-concurrency"};
  std::unique_ptr<host::Store> store_;
  host::PluginRegistry registry_;
};

TEST_F(Concurrency, CallsOnAConnectionNotDeclaredThreadSafeNeverOverlap) {
  EXPECT_EQ(run_shared_connection_flow("serial"), std::vector<std::string>{});
}

TEST_F(Concurrency, CallsOnAConnectionDeclaredThreadSafeOverlapWhenTheRuntimeAllowsIt) {
  const std::vector<std::string> lines = run_shared_connection_flow("overlap");
  ASSERT_FALSE(lines.empty()) << "the export's producer and the import never overlapped";
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("OVERLAP (submit|next_page) 2")));
}

}  // namespace
}  // namespace sluice::runtime
