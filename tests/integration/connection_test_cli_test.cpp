// `sluice connection test ID` through the real executable and the HTTP plugin against the mock
// API (plain and HTTPS): the exact lines it prints for a passed and a failed test, TLS refusals
// and client certificates stored as secrets, and its command line.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"
#include "test_pki.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  // Stores connection "api" with `http` (JSON members of the http object) and applies it.
  void apply(const std::string& base_url, const std::string& http) {
    std::ofstream(home_ / "resources" / "api.json") << fmt::format(
        R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
            "auth":{{"type":"token","token":{{"token":"demo-token"}}}},{}}}}})",
        base_url, http);
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
  static std::string quoted(const std::string& text) { return json::serialize(json::value(text)); }

  TempDir dir_{"sluice-connection-test"};
  fs::path home_ = dir_.path() / "home";
  std::optional<SluiceCli> cli_;
};

TEST_F(ConnectionTest, APassedTestPrintsTheRequestTheResponseAndWhyItPassed) {
  MockApiServer api({.orders = 1});
  apply(
      api.base_url(),
      R"("ping":{"relativeURI":"/api/ping/health","successPath":"status","successValues":["ok"]})");
  const CliResult r = cli_->run({"connection", "test", "api"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 9u) << r.out;
  EXPECT_TRUE(std::regex_match(lines.back(), std::regex(R"(connection api: ok \([0-9]+ ms\))")))
      << lines.back();
  lines.pop_back();
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "request: GET " + api.base_url() + "/api/ping/health",
                       "request header: Connection: Keep-Alive",
                       "request header: User-Agent: Sluice-http/0.1",
                       "request header: Accept: application/json",
                       "request header: Authorization: Bearer ******", "response: HTTP 200 OK",
                       R"(response body: {"status":"ok","user":"demo"})",
                       R"(ping: passed because successPath 'status' is 'ok', one of ["ok"])"}));
  EXPECT_THAT(r.out, Not(HasSubstr("demo-token")));
}

TEST_F(ConnectionTest, AFailedTestPrintsWhyItFailedAndExitsOne) {
  MockApiServer api({.orders = 1});
  apply(api.base_url(), R"("ping":{"relativeURI":"/api/ping/expired","failPath":"error.code",
      "failValues":["invalid_token","expired"],"errorPath":"error.message"})");
  const CliResult r = cli_->run({"connection", "test", "api"});
  EXPECT_EQ(r.exit_code, 1);
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 8u) << r.out;
  EXPECT_EQ(lines[5], "response: HTTP 200 OK");
  EXPECT_EQ(lines[7],
            "ping: failed because failPath 'error.code' is 'invalid_token', one of "
            "[\"invalid_token\",\"expired\"]: The access token expired");
  EXPECT_EQ(r.err, "error: connection api failed its test (remote_error): GET " + api.base_url() +
                       "/api/ping/expired: the connection test failed: failPath 'error.code' is "
                       "'invalid_token', one of [\"invalid_token\",\"expired\"]: The access token "
                       "expired — check the connection's settings (its credentials) and "
                       "http.ping\n  fix connection api in its resource file, `sluice apply` it, "
                       "then `sluice connection test api` again\n");
}

TEST_F(ConnectionTest, JsonHoldsTheOutcomeAndTheLines) {
  MockApiServer api({.orders = 1});
  apply(api.base_url(), R"("ping":{"relativeURI":"/api/ping/health"})");
  const CliResult r = cli_->run({"connection", "test", "api", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json::value out = json::parse(r.out);
  EXPECT_EQ(out.at("connection"), "api");
  EXPECT_EQ(out.at("ok"), true);
  ASSERT_EQ(out.at("lines").as_array().size(), 8u);
  EXPECT_EQ(out.at("lines").at(7), "ping: passed because HTTP 200 OK (any 2xx passes)");
}

TEST_F(ConnectionTest, AStrictTestOfASelfSignedServerSaysWhatToSet) {
  const TestPki pki;
  MockApiServer api({.orders = 1,
                     .tls_cert = pki.path("self_signed.pem").string(),
                     .tls_key = pki.path("self_signed.key").string()});
  apply(api.https_url(), R"("ping":{"relativeURI":"/api/ping/health"})");
  const CliResult r = cli_->run({"connection", "test", "api"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string why =
      "GET " + api.https_url() +
      "/api/ping/health: the server's TLS certificate was not accepted: self-signed certificate "
      "(certificate 'CN=localhost', the server's own); if the server's certificate is issued by "
      "a private CA, set http.clientCertificates.ca to that CA's certificate (PEM), or set "
      "http.disableStrictSSL to true to accept any certificate (unsafe: for tests only)";
  EXPECT_EQ(lines_of(r.out),
            (std::vector<std::string>{"request: GET " + api.https_url() + "/api/ping/health",
                                      "ping: failed because " + why}));
  EXPECT_THAT(r.err, StartsWith("error: connection api failed its test (remote_error): " + why));
}

TEST_F(ConnectionTest, DisableStrictSslPassesAndWarnsOnEveryTest) {
  const TestPki pki;
  MockApiServer api({.orders = 1,
                     .tls_cert = pki.path("self_signed.pem").string(),
                     .tls_key = pki.path("self_signed.key").string()});
  apply(api.https_url(), R"("disableStrictSSL":true,"ping":{"relativeURI":"/api/ping/health"})");
  for (int run = 0; run < 2; ++run) {
    const CliResult r = cli_->run({"connection", "test", "api"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines_of(r.out).at(0),
              "warn: http.disableStrictSSL is true: the TLS certificate of " + api.https_url() +
                  " is not verified, so anyone on the network path can read and change this "
                  "connection's traffic, credentials included; set it to false (or set "
                  "http.clientCertificates.ca to the server's CA) once the server has a "
                  "certificate that verifies");
  }
}

TEST_F(ConnectionTest, DisableStrictSslIsWarnedInTheLogOfEveryJob) {
  const TestPki pki;
  MockApiServer api({.orders = 3,
                     .tls_cert = pki.path("self_signed.pem").string(),
                     .tls_key = pki.path("self_signed.key").string()});
  apply(api.https_url(), R"("disableStrictSSL":true)");
  std::ofstream(home_ / "resources" / "export.json")
      << R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
            "http":{"relativeURI":"/api/orders?pageSize=10","response":{"resourcePath":"orders"}}})";
  std::ofstream(home_ / "resources" / "import.json")
      << R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
            "http":{"method":"POST","relativeURI":"/api/sink","batchSize":10}})";
  std::ofstream(home_ / "resources" / "flow.json")
      << R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
            "pageProcessors":[{"type":"import","_importId":"sink"}]})";
  ASSERT_EQ(cli_->run({"apply", (home_ / "resources").string()}).exit_code, 0);
  const std::string warning = "http.disableStrictSSL is true: the TLS certificate of " +
                              api.https_url() + " is not verified";
  for (int run = 0; run < 2; ++run) {
    const CliResult ran = cli_->run({"flow", "run", "f", "--json"});
    ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
    const json::value job = json::parse(ran.out);
    EXPECT_EQ(job.at("numSuccess"), 3);
    const CliResult log =
        cli_->run({"jobs", "log", std::string(job.at("_id").as_string()), "--json"});
    ASSERT_EQ(log.exit_code, 0) << log.err;
    size_t warned = 0;
    const json::value lines = json::parse(log.out);
    for (const json::value& line : lines.as_array()) {
      const std::string message(line.at("message").as_string());
      if (message.starts_with(warning)) {
        EXPECT_EQ(line.at("level"), "warn");
        ++warned;
      }
    }
    EXPECT_EQ(warned, 1u) << log.out;
  }
}

TEST_F(ConnectionTest, ClientCertificatesAreStoredAsSecretsAndPresented) {
  const TestPki pki;
  MockApiServer api({.orders = 1,
                     .tls_cert = pki.path("server.pem").string(),
                     .tls_key = pki.path("server.key").string(),
                     .tls_client_ca = pki.path("client_ca.pem").string()});
  const std::string key = pki.text("client_key_encrypted.key");
  apply(api.https_url(),
        fmt::format(R"("clientCertificates":{{"cert":{},"key":{},"passphrase":{},"ca":{}}},
                       "ping":{{"relativeURI":"/api/ping/health"}})",
                    quoted(pki.text("client.pem")), quoted(key), quoted(TestPki::kPassphrase),
                    quoted(pki.text("ca.pem"))));
  const CliResult r = cli_->run({"connection", "test", "api"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ping: passed because HTTP 200 OK (any 2xx passes)"));
  const CliResult shown = cli_->run({"get", "connections", "api", "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const json::value certificates = json::parse(shown.out).at("http").at("clientCertificates");
  EXPECT_EQ(certificates.at("cert"), "******");
  EXPECT_EQ(certificates.at("key"), "******");
  EXPECT_EQ(certificates.at("passphrase"), "******");
  EXPECT_EQ(certificates.at("ca").as_string(), pki.text("ca.pem"));  // a CA certificate is public
  for (const CliResult* result : {&r, &shown}) {
    EXPECT_THAT(result->out + result->err, Not(HasSubstr(TestPki::kPassphrase)));
    EXPECT_THAT(result->out + result->err, Not(HasSubstr("ENCRYPTED PRIVATE KEY")));
  }
}

TEST_F(ConnectionTest, WrongCommandLinesAreRefusedWithUsage) {
  const CliResult help = cli_->run({"connection", "test", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, StartsWith("usage: sluice connection test ID [--json]\n"));
  EXPECT_THAT(help.out, HasSubstr("--home DIR"));
  EXPECT_THAT(help.out, Not(HasSubstr("--connection")));
  const CliResult group = cli_->run({"connection", "--help"});
  EXPECT_EQ(group.exit_code, 0);
  EXPECT_THAT(group.out, HasSubstr("--home DIR"));
  const CliResult none = cli_->run({"connection"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, StartsWith("error: expected `sluice connection test ID` or `sluice "
                                   "connection authorize ID`\n"));
  const CliResult unknown = cli_->run({"connection", "frob", "api"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, StartsWith("error: unknown connection command 'frob'; expected "
                                      "`sluice connection test ID` or `sluice connection "
                                      "authorize ID`\n"));
  const CliResult missing = cli_->run({"connection", "test"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, StartsWith("error: expected a connection id (see `sluice get "
                                      "connections`)"));
  const CliResult absent = cli_->run({"connection", "test", "nope"});
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_EQ(absent.err, "error: no connection nope; see `sluice get connections`\n");
}

}  // namespace
}  // namespace sluice::testing
