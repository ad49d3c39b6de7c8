// A flow with a router of three branches through the `sluice` executable and the HTTP plugin
// against the mock platform API on loopback: the exact orders each branch's import posts (each
// import posts to its own /api/sink?branch=NAME, told apart in /_mock/requests), the counts of a
// record sent down two branches, and the errors of a record rejected in two branches.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class RouterFlow : public ::testing::Test {
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
  void write_import(const std::string& branch) {
    write(branch + ".json",
          fmt::format(R"({{"_id":"{0}","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{{"method":"POST","relativeURI":"/api/sink?branch={0}","batchSize":20}}}})",
                      branch));
  }
  // For each branch (the query of the sink request's target), the ids of the orders it posted,
  // in order.
  static std::map<std::string, std::vector<std::string>> posted(const MockApiServer& api) {
    std::map<std::string, std::vector<std::string>> out;
    const json::value requests = api.get_json("/_mock/requests").at("requests");
    for (const auto& r : requests.as_array()) {
      const std::string target(r.at("target").as_string());
      if (r.at("method") != "POST" || target.rfind("/api/sink?branch=", 0) != 0) continue;
      const std::string branch = target.substr(std::string("/api/sink?branch=").size());
      const json::value body = json::parse(r.at("body").as_string());
      for (const auto& record : body.as_array())
        out[branch].emplace_back(record.at("id").as_string());
    }
    return out;
  }

  TempDir dir_{"sluice-router"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

// Orders 1..12 of the mock: statuses open, shipped, paid, shipped, refunded, shipped, open, paid,
// open, cancelled, open, cancelled; totals over 1000: orders 4 (1089.44) and 9 (1627.94).
TEST_F(RouterFlow, ARouterWithThreeBranchesPostsEachOrderToEveryBranchItMatches) {
  MockApiServer api({.orders = 12, .reject = {"ORD-000009"}});
  write("connection.json",
        // concurrencyLevel 1: one request in flight, so batches reach the sink in order.
        fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json","concurrencyLevel":1,
        "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                    api.base_url()));
  write("export.json",
        R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":20,
        "http":{"relativeURI":"/api/orders?pageSize=20","response":{"resourcePath":"orders"}}})");
  for (const char* branch : {"shipped", "big", "open"}) write_import(branch);
  write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
      "routers":[{"id":"by-status","name":"by status","routeRecordsTo":"all_matching_branches",
        "branches":[
          {"name":"shipped","inputFilter":{"version":"1",
             "rules":["equals",["extract","status"],"shipped"]},
           "pageProcessors":[{"type":"import","_importId":"shipped"}]},
          {"name":"big","inputFilter":{"version":"1",
             "rules":["greaterthan",["number",["extract","total"]],1000]},
           "pageProcessors":[{"type":"import","_importId":"big"}]},
          {"name":"open","inputFilter":{"version":"1",
             "rules":["equals",["extract","status"],"open"]},
           "pageProcessors":[{"type":"import","_importId":"open"}]}]}]})");
  const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;

  const CliResult ran = cli_->run({"flow", "run", "f", "--json"});
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  const json::value job = json::parse(ran.out);
  EXPECT_EQ(posted(api), (std::map<std::string, std::vector<std::string>>{
                             {"shipped", {"ORD-000002", "ORD-000004", "ORD-000006"}},
                             {"big", {"ORD-000004", "ORD-000009"}},
                             {"open", {"ORD-000001", "ORD-000007", "ORD-000009", "ORD-000011"}}}));
  // Order 4 went down two branches and counts once; 9 was rejected in two and counts one
  // error; 3, 5, 8, 10 and 12 matched no branch.
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("numExport"), 12);
  EXPECT_EQ(job.at("numSuccess"), 6);
  EXPECT_EQ(job.at("numIgnore"), 5);
  EXPECT_EQ(job.at("numError"), 1);

  const CliResult errors = cli_->run({"errors", "f", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  std::vector<std::string> at;
  const json::value list = json::parse(errors.out);
  for (const auto& e : list.as_array()) {
    at.push_back(fmt::format("{} {}", std::string_view(e.at("_stepId").as_string()),
                             std::string_view(e.at("retryData").at("id").as_string())));
  }
  std::sort(at.begin(), at.end());
  EXPECT_EQ(at, (std::vector<std::string>{"big ORD-000009", "open ORD-000009"}));
}

}  // namespace
}  // namespace sluice::testing
