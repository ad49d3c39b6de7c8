// HTTP imports that choose per record, in a real flow run by the `sluice` executable against the
// mock API's items API (tools/mock_api/records_api.hpp): composite create/update and
// ignoreExisting, with the job's counts (numIgnore for ignored records) and the stored errors.
// Orders 1-10 (one page): the mapping's static lookup gives paid orders (3, 8) and shipped ones
// (2, 4, 6) an itemId; the others (1, 5, 7, 9, 10) have none.
#include <filesystem>
#include <fstream>

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

class ImportCompositeFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    // One request at a time (concurrencyLevel 1): these tests assert the order the mock
    // received the requests in.
    write("connection.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
              "concurrencyLevel":1,
              "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api_.base_url()));
    write("orders.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
        "pageSize":10,"http":{"relativeURI":"/api/orders?pageSize=10",
          "response":{"resourcePath":"orders"}}})");
    write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[{"type":"import","_importId":"items"}]})");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }
  // The import with `http` settings (and `top`, more import-level members), mapping each order
  // to {name: its id, itemId: from the lookup} where `paid` is the paid orders' itemId.
  void write_import(const std::string& http, const std::string& top, const std::string& paid) {
    write("items.json",
          fmt::format(R"({{"_id":"items","adaptorType":"HTTPImport","_connectionId":"api",{}
        "http":{},
        "mappings":[
          {{"generate":"name","dataType":"string","extract":"$.id"}},
          {{"generate":"itemId","dataType":"string","extract":"$.status","lookupName":"existing"}}],
        "lookups":[{{"name":"existing","map":{{"paid":"{}","shipped":"IT-0002"}},
                    "allowFailures":true}}]}})",
                      top, http, paid));
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
  // "METHOD target body" of every /api/items request.
  std::vector<std::string> item_requests() {
    std::vector<std::string> out;
    const json::value seen = api_.get_json("/_mock/requests");
    for (const auto& r : seen.at("requests").as_array()) {
      const std::string target(r.at("target").as_string());
      if (!target.starts_with("/api/items")) continue;
      out.push_back(fmt::format("{} {} {}", std::string(r.at("method").as_string()), target,
                                std::string(r.at("body").as_string())));
    }
    return out;
  }

  MockApiServer api_{{.orders = 10}};
  TempDir dir_{"sluice-composite-it"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(ImportCompositeFlow, IgnoreExistingSendsOnlyTheNewRecordsAndCountsTheOthersIgnored) {
  write_import(R"({"method":"POST","relativeURI":"/api/items","ignoreExtract":"itemId"})",
               R"("ignoreExisting":true,)", "IT-0001");
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 10) << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 5);
  EXPECT_EQ(job.at("numIgnore"), 5);  // 2, 3, 4, 6, 8
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(
      item_requests(),
      (std::vector<std::string>{
          R"(POST /api/items {"name":"ORD-000001"})", R"(POST /api/items {"name":"ORD-000005"})",
          R"(POST /api/items {"name":"ORD-000007"})", R"(POST /api/items {"name":"ORD-000009"})",
          R"(POST /api/items {"name":"ORD-000010"})"}));
}

TEST_F(ImportCompositeFlow, CompositeUpdatesExistingRecordsCreatesTheOthersAndStoresTheNotFound) {
  write_import(R"({"requestType":["UPDATE","CREATE"],"method":["PUT","POST"],
      "relativeURI":["/api/items/{{record.itemId}}","/api/items"],"existingExtract":"itemId"})",
               "", "IT-0099");
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("numExport"), 10) << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 8);  // 1, 5, 7, 9, 10 created; 2, 4, 6 updated
  EXPECT_EQ(job.at("numIgnore"), 0);
  EXPECT_EQ(job.at("numError"), 2);  // 3 and 8: IT-0099 does not exist
  EXPECT_EQ(
      item_requests(),
      (std::vector<std::string>{
          R"(POST /api/items {"name":"ORD-000001"})",
          R"(PUT /api/items/IT-0002 {"name":"ORD-000002","itemId":"IT-0002"})",
          R"(PUT /api/items/IT-0099 {"name":"ORD-000003","itemId":"IT-0099"})",
          R"(PUT /api/items/IT-0002 {"name":"ORD-000004","itemId":"IT-0002"})",
          R"(POST /api/items {"name":"ORD-000005"})",
          R"(PUT /api/items/IT-0002 {"name":"ORD-000006","itemId":"IT-0002"})",
          R"(POST /api/items {"name":"ORD-000007"})",
          R"(PUT /api/items/IT-0099 {"name":"ORD-000008","itemId":"IT-0099"})",
          R"(POST /api/items {"name":"ORD-000009"})", R"(POST /api/items {"name":"ORD-000010"})"}));
  const CliResult errors = cli_->run({"errors", "f", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  const json::value parsed = json::parse(errors.out);
  const json::array& list = parsed.is_array() ? parsed.as_array() : parsed.at("errors").as_array();
  ASSERT_EQ(list.size(), 2u) << errors.out;
  for (const auto& e : list) {
    EXPECT_EQ(e.at("code"), "404") << errors.out;
    EXPECT_EQ(std::string(e.at("message").as_string()),
              "PUT " + api_.base_url() +
                  "/api/items/IT-0099: HTTP 404 Not Found: "
                  R"({"error":{"code":"not_found","message":"no item with id 'IT-0099'"}} )"
                  "\u2014 check the base URI and the relative URI")
        << errors.out;
  }
}

}  // namespace
}  // namespace sluice::testing
