// Runs real flows through the `sluice` executable and the HTTP plugin against the mock platform
// API on loopback: exact counts, exact bytes at the sink, per-record errors, validation on
// apply, masked secrets, failure exit status and Ctrl-C.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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
using ::testing::StartsWith;

// The lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) != std::string::npos) found.push_back(line);
  }
  return found;
}

// The "id" of every record the sink received, in the order it received them.
std::vector<std::string> sink_ids(const MockApiServer& api) {
  std::vector<std::string> ids;
  const json::value bodies = api.get_json("/_mock/sink/bodies");
  for (const auto& body : bodies.at("bodies").as_array()) {
    const json::value batch = json::parse(body.as_string());
    for (const auto& record : batch.as_array()) ids.emplace_back(record.at("id").as_string());
  }
  return ids;
}

std::vector<std::string> order_ids(int first, int last) {
  std::vector<std::string> ids;
  for (int n = first; n <= last; ++n) ids.push_back(fmt::format("ORD-{:06}", n));
  return ids;
}

class HttpFlow : public ::testing::Test {
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
  // One request at a time (concurrencyLevel 1): these tests assert the order the sink
  // received the batches in.
  std::string connection(const MockApiServer& api, const std::string& token) {
    return fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
        "concurrencyLevel":1,"auth":{{"type":"token","token":{{"token":"{}"}}}}}}}})",
                       api.base_url(), token);
  }
  void write_flow(const MockApiServer& api, const std::string& token, const std::string& paging,
                  int batch) {
    write("connection.json", connection(api, token));
    write("export.json",
          fmt::format(
              R"({{"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":20,
        "http":{{"relativeURI":"/api/orders?pageSize=20","response":{{"resourcePath":"orders"}},{}}}}})",
              paging));
    write("import.json",
          fmt::format(R"({{"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{{"method":"POST","relativeURI":"/api/sink","batchSize":{}}}}})",
                      batch));
    write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[{"type":"import","_importId":"sink"}]})");
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
  json::object run_json(int expected_exit) {
    const CliResult r = cli_->run({"flow", "run", "f", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json::error_code ec;
    json::value job = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out << r.err;
    return job.is_object() ? job.as_object() : json::object();
  }
  static void expect_identity(const json::object& job) {
    EXPECT_EQ(job.at("numExport").as_int64(), job.at("numSuccess").as_int64() +
                                                  job.at("numIgnore").as_int64() +
                                                  job.at("numError").as_int64())
        << json::serialize(job);
  }

  TempDir dir_{"sluice-it"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(HttpFlow, EveryCommandExplainsItselfWithHelp) {
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"plugin", "--help"},
                                             {"apply", "--help"},
                                             {"get", "--help"},
                                             {"flow", "--help"},
                                             {"errors", "--help"},
                                             {"ping", "--help"}}) {
    const CliResult r = cli_->run(command);
    EXPECT_EQ(r.exit_code, 0) << command[0];
    EXPECT_THAT(r.out, HasSubstr("usage: sluice")) << command[0];
  }
  const CliResult unknown = cli_->run({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'frobnicate'"));
  const CliResult typo = cli_->run({"errors", "no-such-flow"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_THAT(typo.err, HasSubstr("no flow no-such-flow; see `sluice get flows`"));
}

TEST_F(HttpFlow, PluginInfoListsEveryDeclaredSettingWithSecretsMarked) {
  const CliResult r = cli_->run({"plugin", "info", "http"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* setting :
       {"http.baseURI", "http.headers", "http.auth.type", "http.auth.basic.password",
        "http.auth.token.token", "http.relativeURI", "http.response.resourcePath",
        "http.paging.method", "http.batchSize"}) {
    EXPECT_THAT(r.out, HasSubstr(setting));
  }
  const std::vector<std::string> token = lines_with(r.out, "http.auth.token.token ");
  ASSERT_EQ(token.size(), 1u) << r.out;
  EXPECT_THAT(token[0], HasSubstr("when http.auth.type = token"));
  EXPECT_THAT(token[0], HasSubstr(" yes "));  // the SECRET column
  const CliResult as_json = cli_->run({"plugin", "info", "http", "--json"});
  ASSERT_EQ(as_json.exit_code, 0);
  const json::value doc = json::parse(as_json.out);
  EXPECT_EQ(doc.at("connectors")
                .at(0)
                .at("connection")
                .at("properties")
                .at("http")
                .at("properties")
                .at("baseURI")
                .at("type"),
            "string");
}

TEST_F(HttpFlow, MovesEveryOrderToTheSinkByteForByteAndKeepsRejectedOnesAsErrors) {
  MockApiServer api({.orders = 95, .reject = {"ORD-000007"}});
  write_flow(api, "demo-token", R"("paging":{"method":"page","page":1})", 10);
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("numExport"), 95);
  EXPECT_EQ(job.at("numSuccess"), 94);
  EXPECT_EQ(job.at("numError"), 1);
  EXPECT_EQ(job.at("numPagesGenerated"), 5);
  EXPECT_EQ(job.at("numPagesProcessed"), 5);
  expect_identity(job);

  // What the sink received is exactly the exported orders as the API sent them (no step changed
  // them, so nothing re-serialized them), ten per request, in order.
  std::vector<std::string> expected;
  for (int page = 1; page <= 5; ++page) {
    const std::string body =
        api.request("GET", fmt::format("/api/orders?pageSize=20&page={}", page)).body;
    std::vector<std::string> orders;  // each order's text: each starts with {"id":"ORD-
    const std::string_view list(body.data() + body.find('[') + 1,
                                body.find(R"(],"page":)") - body.find('[') - 1);
    for (size_t at = 0; at < list.size();) {
      const size_t next = list.find(R"(,{"id":"ORD-)", at);
      orders.emplace_back(
          list.substr(at, (next == std::string_view::npos ? list.size() : next) - at));
      at = next == std::string_view::npos ? list.size() : next + 1;
    }
    ASSERT_EQ(orders.size(), page < 5 ? 20u : 15u);
    for (size_t begin = 0; begin < orders.size(); begin += 10) {
      std::string batch = "[";
      for (size_t i = begin; i < std::min(orders.size(), begin + 10); ++i) {
        batch += (i == begin ? "" : ",") + orders[i];
      }
      expected.push_back(batch + "]");
    }
  }
  const json::value bodies = api.get_json("/_mock/sink/bodies").at("bodies");
  ASSERT_EQ(bodies.as_array().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(bodies.at(i).as_string(), expected[i]) << "request " << i;
  EXPECT_EQ(sink_ids(api), order_ids(1, 95));
  const json::value sink = api.get_json("/_mock/sink");
  EXPECT_EQ(sink.at("requests"), 10);
  EXPECT_EQ(sink.at("records"), 95);
  EXPECT_EQ(sink.at("accepted"), 94);
  EXPECT_EQ(sink.at("rejected"), 1);

  const CliResult errors = cli_->run({"errors", "f", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  const json::array list = json::parse(errors.out).as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("_stepId"), "sink");
  EXPECT_EQ(list[0].at("code"), "rejected");
  EXPECT_EQ(list[0].at("_flowId"), "f");
  EXPECT_EQ(list[0].at("_jobId"), job.at("_id"));
  EXPECT_EQ(list[0].at("retryData").at("id"), "ORD-000007");
  EXPECT_EQ(list[0].at("retryData").at("number"), 7);
  EXPECT_EQ(list[0].at("message"), "order ORD-000007 was rejected by the mock sink (--reject)");
  const CliResult table = cli_->run({"errors", "f"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> lines;
  std::istringstream in(table.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << table.out;
  EXPECT_THAT(lines[0], StartsWith("ID"));
  EXPECT_THAT(lines[1], StartsWith(std::string(list[0].at("_id").as_string()) +
                                   "  sink  value  rejected  ORD-000007  "));
  EXPECT_THAT(lines[1], HasSubstr("  order ORD-000007 was rejected by the mock sink (--reject)"));
  EXPECT_EQ(lines[2],
            "1 open error; `sluice errors f --json` shows each record's retry data; `sluice "
            "errors retry f` runs them again, `sluice errors resolve f` resolves them");
}

TEST_F(HttpFlow, FollowsNextPageUrlsToTheLastPage) {
  MockApiServer api({.orders = 45});
  write_flow(api, "demo-token", R"("paging":{"method":"url","path":"next"})", 5);
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("numExport"), 45);
  EXPECT_EQ(job.at("numSuccess"), 45);
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(job.at("numPagesGenerated"), 3);  // 20 + 20 + 5, the last with "next": null
  expect_identity(job);
  EXPECT_EQ(api.get_json("/_mock/sink").at("requests"), 9);
  EXPECT_EQ(sink_ids(api), order_ids(1, 45));
}

TEST_F(HttpFlow, ADeltaExportsFirstRunWithoutAStartDateExportsEverythingSinceTheEpoch) {
  MockApiServer api({.orders = 45});
  write_flow(api, "demo-token", R"("paging":{"method":"url","path":"next"})", 5);
  write("export.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
      "type":"delta","pageSize":20,
      "http":{"relativeURI":"/api/orders?pageSize=20&updated_since={{lastExportDateTime}}",
      "response":{"resourcePath":"orders"},"paging":{"method":"url","path":"next"}}})");
  const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed") << job.at("message");
  EXPECT_EQ(job.at("numExport"), 45);
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(sink_ids(api), order_ids(1, 45));
}

TEST_F(HttpFlow, AWrongTokenFailsTheJobWithANonZeroExitAndNoLostRecords) {
  MockApiServer api({.orders = 30});
  write_flow(api, "not-the-token", R"("paging":{"method":"page","page":1})", 10);
  const json::object job = run_json(1);
  EXPECT_EQ(job.at("status"), "failed");
  EXPECT_THAT(std::string(job.at("message").as_string()), HasSubstr("HTTP 401 Unauthorized"));
  EXPECT_THAT(std::string(job.at("message").as_string()), Not(HasSubstr("not-the-token")));
  EXPECT_EQ(job.at("numExport"), 0);
  EXPECT_EQ(job.at("numSuccess"), 0);
  EXPECT_EQ(job.at("numError"), 0);
  expect_identity(job);
  EXPECT_EQ(api.get_json("/_mock/sink").at("requests"), 0);
}

TEST_F(HttpFlow, ApplyRefusesAnInvalidDocumentNamingFilePathExpectedAndFoundAndStoresNothing) {
  write(
      "a-export.json",
      R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","http":{"relativeURI":"/x"}})");
  write("b-connection.json",
        R"({"_id":"api","type":"http","http":{"baseURI":42,"auth":{"type":"basic"}}})");
  const CliResult r = cli_->run({"apply", (home_ / "resources").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("nothing was applied"));
  EXPECT_THAT(r.err,
              HasSubstr((home_ / "resources" / "b-connection.json").string() +
                        ": connection api: $.http.baseURI: expected a string, found number 42"));
  EXPECT_THAT(r.err, HasSubstr("$.http.auth.basic.username: expected a value (required when "
                               "http.auth.type = basic|digest|wsse), found nothing"));
  for (const char* kind : {"connections", "exports"}) {
    const CliResult stored = cli_->run({"get", kind, "--json"});
    EXPECT_EQ(stored.exit_code, 0) << stored.err;
    EXPECT_EQ(stored.out, "[]\n") << kind;
  }
}

TEST_F(HttpFlow, SecretsArePrintedMaskedAndNeverStoredInPlaintext) {
  MockApiServer api({.orders = 1});
  const std::string token = "s3cr3t-T0ken-for-the-test";
  write("connection.json", connection(api, token));
  ASSERT_EQ(cli_->run({"apply", (home_ / "resources").string()}).exit_code, 0);
  const CliResult shown = cli_->run({"get", "connections", "api"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out).at("http").at("auth").at("token").at("token"), "******");
  EXPECT_THAT(shown.out, Not(HasSubstr(token)));
  // Every file of the store (the database, and its -wal and -shm while they exist), and the
  // key; the database must hold the connection, or the scan proves nothing.
  ASSERT_TRUE(fs::exists(home_ / "sluice.db"));
  size_t scanned = 0;
  for (const auto& entry : fs::directory_iterator(home_)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(token), std::string::npos) << "plaintext token in " << entry.path();
    if (entry.path().filename() == "sluice.db") {
      EXPECT_NE(bytes.find(api.base_url()), std::string::npos) << "the connection is not stored";
    }
    ++scanned;
  }
  EXPECT_GE(scanned, 2u);  // sluice.db and the key at least
}

TEST_F(HttpFlow, PingTestsAStoredConnectionThroughItsPlugin) {
  MockApiServer api({.orders = 1});
  const std::string ping = R"("ping":{"relativeURI":"/api/orders?pageSize=1"})";
  write("good.json", fmt::format(R"({{"_id":"good","type":"http","http":{{"baseURI":"{}",{},
      "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                                 api.base_url(), ping));
  write("bad.json", fmt::format(R"({{"_id":"bad","type":"http","http":{{"baseURI":"{}",{},
      "auth":{{"type":"token","token":{{"token":"bad-token-zz9"}}}}}}}})",
                                api.base_url(), ping));
  ASSERT_EQ(cli_->run({"apply", (home_ / "resources").string()}).exit_code, 0);
  const CliResult good = cli_->run({"ping", "good"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, StartsWith("connection good: ok ("));
  const CliResult bad = cli_->run({"ping", "bad"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out, "");
  EXPECT_THAT(bad.err,
              StartsWith("error: connection bad failed its test (auth_failed): GET " +
                         api.base_url() + "/api/orders?pageSize=1: HTTP 401 Unauthorized: "));
  EXPECT_THAT(bad.err, Not(HasSubstr("bad-token-zz9")));
}

TEST_F(HttpFlow, CtrlCCancelsARunningJobCleanly) {
  MockApiServer api({.orders = 2000000, .sink_count_only = true});
  write_flow(api, "demo-token", R"("paging":{"method":"page","page":1})", 20);
  Poco::ProcessHandle run = cli_->start({"flow", "run", "f", "--quiet"});
  // Wait (bounded) until the job has processed records, then interrupt it.
  bool started = false;
  for (int i = 0; i < 200 && !started; ++i) {
    const CliResult jobs = cli_->run({"get", "jobs", "--json"});
    if (jobs.exit_code == 0 && jobs.out.size() > 2) {
      const json::value list = json::parse(jobs.out);
      started = !list.as_array().empty() && list.at(0).at("numExport").as_int64() > 0;
    }
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(started) << "the job never reported progress";
  ::kill(run.id(), SIGINT);
  EXPECT_EQ(run.wait(), 130);
  const CliResult after = cli_->run({"get", "jobs", "--json"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  const json::array jobs = json::parse(after.out).as_array();
  ASSERT_EQ(jobs.size(), 1u) << after.out;
  const json::value& job = jobs[0];
  EXPECT_EQ(job.at("status"), "canceled");
  EXPECT_LT(job.at("numExport").as_int64(), 2000000);
  expect_identity(job.as_object());
}

}  // namespace
}  // namespace sluice::testing
