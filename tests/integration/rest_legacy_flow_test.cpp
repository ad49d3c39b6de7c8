// integrator.io's legacy REST resources — a connection of type "rest", a RESTExport and a
// RESTImport, as integrator.io's API returns them — applied and run end to end through the
// `sluice` executable against the mock API: the exact records at the sink, the secret sealed,
// and a rest setting with no HTTP equivalent refused at apply.
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
using ::testing::Not;

class LegacyRest : public ::testing::Test {
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
  // The connection as integrator.io returns an older one: type rest, its settings in rest{}.
  std::string connection(const MockApiServer& api, const std::string& extra = "") {
    return fmt::format(
        R"({{"_id": "5f0c3e1a2b3c4d5e6f708100", "name": "Shop, legacy", "type": "rest",
        "lastModified": "2021-03-04T05:06:07.890Z", "_userId": "5f0c3e1a2b",
        "rest": {{"baseURI": "{}", "mediaType": "json", "authType": "token", "concurrencyLevel": 1,
                  "bearerToken": "{}", "authScheme": "Bearer", "tokenLocation": "header",
                  "pingRelativeURI": "/api/orders?pageSize=1", "pingMethod": "GET",
                  "headers": [{{"name": "X-Shop",
                                "value": "{{{{connection.rest.unencrypted.shop}}}}"}}],
                  "unencrypted": {{"shop": "acme"}}{}}}}})",
        api.base_url(), api.token(), extra);
  }
  void write_flow(const MockApiServer& api) {
    write("connection.json", connection(api));
    write("export.json", R"({"_id": "5f0c3e1a2b3c4d5e6f708101", "name": "Orders",
        "adaptorType": "RESTExport", "_connectionId": "5f0c3e1a2b3c4d5e6f708100",
        "pageSize": 20, "lastModified": "2021-03-04T05:06:07.890Z",
        "rest": {"method": "GET", "relativeURI": "/api/orders?pageSize=20",
                 "resourcePath": "orders", "pagingMethod": "nextpageurl",
                 "nextPagePath": "next"}})");
    write("import.json", R"({"_id": "5f0c3e1a2b3c4d5e6f708102", "name": "Sink",
        "adaptorType": "RESTImport", "_connectionId": "5f0c3e1a2b3c4d5e6f708100",
        "rest": {"method": ["POST"], "relativeURI": ["/api/sink"],
                 "headers": [{"name": "X-Batch", "value": "1"}]}})");
    write("flow.json", R"({"_id": "5f0c3e1a2b3c4d5e6f708103", "name": "Orders to sink",
        "pageGenerators": [{"_exportId": "5f0c3e1a2b3c4d5e6f708101"}],
        "pageProcessors": [{"type": "import", "_importId": "5f0c3e1a2b3c4d5e6f708102"}]})");
  }

  TempDir dir_{"sluice-rest"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(LegacyRest, AppliesAndRunsAFlowOfRestResourcesAgainstTheApi) {
  MockApiServer::Options options;
  options.orders = 45;
  MockApiServer api(options);
  write_flow(api);
  const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  const CliResult ping = cli_->run({"ping", "5f0c3e1a2b3c4d5e6f708100"});
  EXPECT_EQ(ping.exit_code, 0) << ping.err;
  const CliResult run = cli_->run({"flow", "run", "5f0c3e1a2b3c4d5e6f708103", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const json::object job = json::parse(run.out).as_object();
  EXPECT_EQ(job.at("status"), json::value("completed"));
  EXPECT_EQ(job.at("numExport"), json::value(45));
  EXPECT_EQ(job.at("numSuccess"), json::value(45));
  EXPECT_EQ(job.at("numError"), json::value(0));
  EXPECT_EQ(job.at("numPagesGenerated"), json::value(3));
  // Every order reached the sink once, in order (rest.concurrencyLevel 1: one request in flight),
  // one per request (rest.method ["POST"]).
  const json::value bodies = api.get_json("/_mock/sink/bodies");
  const json::array& list = bodies.at("bodies").as_array();
  ASSERT_EQ(list.size(), 45u);
  for (size_t i = 0; i < list.size(); ++i) {
    const json::value record = json::parse(list[i].as_string());
    EXPECT_EQ(record.at("id"), json::value(fmt::format("ORD-{:06}", i + 1))) << i;
  }
  // Each request carried the connection's header, rendered from {{connection.rest.unencrypted}}.
  const json::value requests = api.get_json("/_mock/requests");
  size_t sent = 0;
  for (const auto& r : requests.at("requests").as_array()) {
    const json::object& req = r.as_object();
    if (req.at("target").as_string() != "/api/sink") continue;
    ++sent;
    EXPECT_EQ(req.at("headers").at("x-shop"), json::value("acme")) << json::serialize(req);
    EXPECT_EQ(req.at("headers").at("x-batch"), json::value("1"));
  }
  EXPECT_EQ(sent, 45u);
  // The token is a secret of the rest schema: sealed, shown masked.
  const CliResult got = cli_->run({"get", "connections", "5f0c3e1a2b3c4d5e6f708100", "--json"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr(R"("bearerToken":"******")"));
  EXPECT_THAT(got.out + run.out + run.err, Not(HasSubstr(api.token())));
}

TEST_F(LegacyRest, ARestSettingWithNoHttpEquivalentIsRefusedAtApply) {
  MockApiServer api;
  write("connection.json", connection(api, R"(, "isHTTPProxy": true)"));
  const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
  EXPECT_EQ(applied.exit_code, 1) << applied.out << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("$.rest.isHTTPProxy"));
  EXPECT_THAT(applied.err, HasSubstr("not supported yet"));
  const CliResult got = cli_->run({"get", "connections", "--json"});
  EXPECT_EQ(json::parse(got.out), json::array()) << got.out;
}

TEST_F(LegacyRest, PluginInfoListsTheRestConnectorsSettingsWithHelp) {
  const CliResult r = cli_->run({"plugin", "info", "http"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("connector rest (Legacy REST (integrator.io type rest, read as "
                               "http), universal, connection type \"rest\")"));
  EXPECT_THAT(r.out, HasSubstr("rest.pagingMethod"));
  EXPECT_THAT(r.out, HasSubstr("Read as http.paging.method: nextpageurl → url"));
  // What is not supported yet is listed as such, settings and values.
  EXPECT_THAT(r.out, HasSubstr("  Not supported yet (a resource setting one is refused at "
                               "apply):\n"));
  EXPECT_THAT(r.out, HasSubstr("    rest.isHTTPProxy — integrator.io's legacy REST setting has "
                               "no HTTP equivalent in Sluice yet\n"));
  EXPECT_THAT(r.out, HasSubstr("Not supported yet (refused at apply): hmac."));
}

}  // namespace
}  // namespace sluice::testing
