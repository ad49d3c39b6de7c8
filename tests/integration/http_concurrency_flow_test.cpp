// http.concurrencyLevel across flows: two flows on two threads of one host process, each
// exporting orders and importing them in batches through the same HTTP connection, against the
// mock API's slow route, which counts the requests in flight (tools/mock_api/limits.hpp). The
// cap is the connection's, not each flow's: the server never sees more than concurrencyLevel
// requests at once, and does see that many.
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace json = boost::json;
using host::ResourceKind;

constexpr int kOrders = 20;    // one page per flow
constexpr int kBatchSize = 2;  // 10 batches per flow, 20 in all

class HttpConcurrencyFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = host::open_sqlite_store(dir_.path().string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = host::load_plugin(HTTP_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
  }

  void put(ResourceKind kind, const std::string& text) {
    json::object doc = json::parse(text).as_object();
    const std::string id(doc.at("_id").as_string());
    ASSERT_TRUE(store_->put_resources({host::Resource{kind, id, std::move(doc), {}}}));
  }

  // Flow `flow`: the orders export, then an import of batches of kBatchSize to `import_uri`.
  void put_flow(const std::string& flow, const std::string& import_uri) {
    put(ResourceKind::kExport,
        fmt::format(R"({{"_id":"{0}-orders","adaptorType":"HTTPExport","_connectionId":"api",
            "http":{{"relativeURI":"/api/orders?pageSize={1}","response":{{"resourcePath":"orders"}}}}}})",
                    flow, kOrders));
    put(ResourceKind::kImport,
        fmt::format(R"({{"_id":"{0}-sink","adaptorType":"HTTPImport","_connectionId":"api",
            "http":{{"method":"POST","relativeURI":"{1}","batchSize":{2}}}}})",
                    flow, import_uri, kBatchSize));
    put(ResourceKind::kFlow,
        fmt::format(R"({{"_id":"{0}","pageGenerators":[{{"_exportId":"{0}-orders"}}],
            "pageProcessors":[{{"type":"import","_importId":"{0}-sink"}}]}})",
                    flow));
  }

  void put_connection(int concurrency_level) {
    put(ResourceKind::kConnection,
        fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
            "concurrencyLevel":{},
            "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                    api_.base_url(), concurrency_level));
  }

  // Runs flows a and b at once, each on its own thread; returns their jobs.
  std::pair<Result<host::Job>, Result<host::Job>> run_both() {
    Result<host::Job> a = make_error(Status::kInternal, "not run");
    Result<host::Job> b = make_error(Status::kInternal, "not run");
    std::thread other([&] { b = runtime::run_flow(*store_, registry_, "b", {}); });
    a = runtime::run_flow(*store_, registry_, "a", {});
    other.join();
    return {std::move(a), std::move(b)};
  }

  static void expect_completed(const Result<host::Job>& job) {
    ASSERT_TRUE(job) << job.error().message;
    EXPECT_EQ(job->status, "completed") << job->message;
    EXPECT_EQ(job->num_success, kOrders);
    EXPECT_EQ(job->num_error, 0);
  }

  MockApiServer api_{{.orders = kOrders}};
  TempDir dir_{"sluice-concurrency-it"};
  std::unique_ptr<host::Store> store_;
  host::PluginRegistry registry_;
};

TEST_F(HttpConcurrencyFlow, TwoFlowsOnOneConnectionNeverHaveMoreThanItsConcurrencyLevelInFlight) {
  put_connection(3);
  // Each request is held until four are in flight together, or 150 ms: with a cap of 3 shared
  // by both flows, four never are; with a cap per flow (six), four would be, and be counted.
  const std::string uri = "/api/limits/slow?counter=two-flows&hold=4&ms=150";
  put_flow("a", uri);
  put_flow("b", uri);
  auto [a, b] = run_both();
  expect_completed(a);
  expect_completed(b);
  const json::value counts = api_.get_json("/_mock/limits").at("two-flows");
  EXPECT_EQ(counts.at("requests"), 2 * kOrders / kBatchSize);
  EXPECT_EQ(counts.at("maxInFlight"), 3);
}

TEST_F(HttpConcurrencyFlow, EachFlowAloneUsesTheWholeCap) {
  put_connection(3);
  // Held until three are in flight together: one flow reaches the cap on its own.
  put_flow("a", "/api/limits/slow?counter=one-flow&hold=3&ms=1000");
  auto job = runtime::run_flow(*store_, registry_, "a", {});
  expect_completed(job);
  const json::value counts = api_.get_json("/_mock/limits").at("one-flow");
  EXPECT_EQ(counts.at("requests"), kOrders / kBatchSize);
  EXPECT_EQ(counts.at("maxInFlight"), 3);
}

}  // namespace
}  // namespace sluice::testing
