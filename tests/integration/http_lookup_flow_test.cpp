// A flow with an HTTP lookup, run by the `sluice` executable against the mock API on loopback:
// orders -> a lookup of each order's customer (GET /api/customers/{id}) -> responseMapping of
// data[0].name and data[0].tier into the record -> the sink. The records the sink must receive
// are written out below; an unknown customer is that record's error at the lookup.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

class HttpLookupFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }
  // The flow with the lookup's relative URI `lookup_uri`; one request at a time
  // (concurrencyLevel 1), as the tests assert the order the mock received the lookups in.
  void apply(const std::string& lookup_uri) {
    write("connection.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
              "concurrencyLevel":1,"auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api_.base_url()));
    write("orders.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
        "http":{"relativeURI":"/api/orders?pageSize=3","response":{"resourcePath":"orders"}}})");
    write("customer.json",
          fmt::format(R"({{"_id":"customer","adaptorType":"HTTPExport","_connectionId":"api",
              "isLookup":true,"http":{{"relativeURI":"{}"}}}})",
                      lookup_uri));
    write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{"method":"POST","relativeURI":"/api/sink","batchSize":10}})");
    write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[
          {"type":"export","_exportId":"customer","responseMapping":{"fields":[
            {"extract":"data[0].name","generate":"customerName"},
            {"extract":"data[0].tier","generate":"customerTier"},
            {"extract":"data.length","generate":"customersFound"}]}},
          {"type":"import","_importId":"sink"}]})");
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  json::object run_json(int expected_exit) {
    const CliResult r = cli_->run({"flow", "run", "f", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json::error_code ec;
    json::value job = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out << r.err;
    return job.is_object() ? job.as_object() : json::object();
  }
  // "METHOD target" of every /api/ request the mock received, in order.
  std::vector<std::string> requests() {
    std::vector<std::string> out;
    const json::value log = api_.get_json("/_mock/requests");
    for (const auto& r : log.at("requests").as_array()) {
      out.push_back(fmt::format("{} {}", r.at("method").as_string().c_str(),
                                r.at("target").as_string().c_str()));
    }
    return out;
  }

  MockApiServer api_{{.orders = 3}};
  TempDir dir_{"sluice-lookup-it"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(HttpLookupFlow, EachOrderReachesTheSinkWithItsCustomersNameAndTier) {
  apply("/api/customers/{{record.customer.id}}");
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 3);
  EXPECT_EQ(job.at("numSuccess"), 3);
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"GET /api/orders?pageSize=3", "GET /api/customers/C-03213",
                                      "GET /api/customers/C-35735", "GET /api/customers/C-18512",
                                      "POST /api/sink"}));
  // The customers of orders 1-3 (mock API: customer N is "First<N> Last<N>", tier by N % 3).
  const std::vector<std::array<const char*, 3>> expected = {
      {"ORD-000001", "First3213 Last3213", "bronze"},
      {"ORD-000002", "First35735 Last35735", "gold"},
      {"ORD-000003", "First18512 Last18512", "gold"}};
  const json::value orders = api_.get_json("/api/orders?pageSize=3");
  const json::value bodies = api_.get_json("/_mock/sink/bodies");
  ASSERT_EQ(bodies.at("bodies").as_array().size(), 1u);
  const json::value sent = json::parse(bodies.at("bodies").at(0).as_string());
  ASSERT_EQ(sent.as_array().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    json::object want = orders.at("orders").at(i).as_object();
    ASSERT_EQ(want.at("id"), expected[i][0]);
    want["customerName"] = expected[i][1];
    want["customerTier"] = expected[i][2];
    want["customersFound"] = 1;
    EXPECT_EQ(sent.at(i), want) << i;
  }
}

TEST_F(HttpLookupFlow, AnUnknownCustomerIsThatRecordsErrorAtTheLookupAndNothingReachesTheSink) {
  // C-<order number> is no customer id (those have five digits): every lookup answers 404.
  apply("/api/customers/C-{{record.number}}");
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("numExport"), 3) << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 0);
  EXPECT_EQ(job.at("numError"), 3);
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"GET /api/orders?pageSize=3", "GET /api/customers/C-1",
                                      "GET /api/customers/C-2", "GET /api/customers/C-3"}));
  const CliResult errors = cli_->run({"errors", "f", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  const json::value list = json::parse(errors.out);
  const json::array& items = list.is_array() ? list.as_array() : list.at("errors").as_array();
  ASSERT_EQ(items.size(), 3u) << errors.out;
  const json::object& first = items.at(0).as_object();
  EXPECT_EQ(first.at("_stepId"), "customer") << errors.out;
  EXPECT_EQ(first.at("code"), "404");
  EXPECT_EQ(first.at("message").as_string(),
            fmt::format("lookup customer: GET {}/api/customers/C-1: HTTP 404 Not Found: "
                        "{{\"error\":\"no customer with id 'C-1'\"}} — nothing was found for this "
                        "record; check http.relativeURI and the record's values it uses",
                        api_.base_url()));
  // The request and the response of the lookup go with the error.
  EXPECT_EQ(first.at("request"),
            json::parse(
                fmt::format(R"({{"method":"GET","url":"{}/api/customers/C-1"}})", api_.base_url())))
      << errors.out;
  EXPECT_EQ(first.at("response"),
            json::parse(R"({"statusCode":404,"body":"{\"error\":\"no customer with id 'C-1'\"}"})"))
      << errors.out;
}

}  // namespace
}  // namespace sluice::testing
