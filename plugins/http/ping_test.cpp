// The connection test (http.ping) against the mock API's ping endpoints (tools/mock_api/ping.hpp):
// each rule of ping.hpp, the exact report lines ping logs, and the exact errors.
#include <algorithm>

#include <gtest/gtest.h>

#include "connection.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;

std::vector<std::string> g_debug;
std::vector<std::string> g_other;
void capture(sluice_call*, int32_t level, sluice_str message) {
  (level == SLUICE_LOG_DEBUG ? g_debug : g_other).emplace_back(message.ptr, message.len);
}

struct Outcome {
  Result<void> result;
  std::vector<std::string> report;  // the debug lines
};

// Opens a connection to `server` with http.ping `ping` and tests it once.
Outcome test_connection(const sluice::testing::MockApiServer& server, std::string_view ping,
                        const std::string& token = "demo-token") {
  auto doc = connection_doc(server, token);
  doc["_id"] = "api";
  doc["http"].as_object()["ping"] = json::parse(ping);
  auto connection = open_connection(doc);
  if (!connection) return {make_error(Status::kInternal, "not opened"), {}};
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.log = &capture;
  g_debug.clear();
  g_other.clear();
  Context context(&host, nullptr);
  Result<void> result = connection->ping(context);
  return {std::move(result), g_debug};
}

std::string last(const Outcome& outcome) {
  return outcome.report.empty() ? std::string() : outcome.report.back();
}

TEST(HttpPing, WithoutPathsAny2xxPassesAndTheReportShowsTheExchange) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(server, R"({"relativeURI": "/api/ping/health"})");
  ASSERT_TRUE(outcome.result) << outcome.result.error().message;
  EXPECT_EQ(outcome.report, (std::vector<std::string>{
                                "request: GET " + server.base_url() + "/api/ping/health",
                                "request header: Connection: Keep-Alive",
                                "request header: User-Agent: Sluice-http/0.1",
                                "request header: Accept: application/json",
                                "request header: Authorization: Bearer ******",
                                "response: HTTP 200 OK",
                                R"(response body: {"status":"ok","user":"demo"})",
                                "ping: passed because HTTP 200 OK (any 2xx passes)",
                            }));
}

TEST(HttpPing, ASuccessPathValueAmongTheSuccessValuesPasses) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(
      server,
      R"({"relativeURI": "/api/ping/health", "successPath": "status", "successValues": ["ok"]})");
  ASSERT_TRUE(outcome.result) << outcome.result.error().message;
  EXPECT_EQ(last(outcome), R"(ping: passed because successPath 'status' is 'ok', one of ["ok"])");
}

TEST(HttpPing, ASuccessPathValueNotAmongTheSuccessValuesFailsWithTheErrorPathMessage) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(server, R"({"relativeURI": "/api/ping/maintenance",
      "successPath": "status", "successValues": ["ok", "healthy"], "errorPath": "message"})");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().status, Status::kRemoteError);
  EXPECT_EQ(outcome.result.error().message,
            "GET " + server.base_url() +
                "/api/ping/maintenance: the connection test failed: successPath 'status' is "
                "'maintenance', not one of [\"ok\",\"healthy\"]: The API is down for maintenance "
                "until 02:00 UTC — check the connection's settings (its credentials) and "
                "http.ping");
  EXPECT_EQ(last(outcome),
            "ping: failed because successPath 'status' is 'maintenance', not one of "
            "[\"ok\",\"healthy\"]: The API is down for maintenance until 02:00 UTC");
}

TEST(HttpPing, ASuccessPathMissingFromTheResponseFails) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome =
      test_connection(server, R"({"relativeURI": "/api/ping/health", "successPath": "data.ok"})");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(last(outcome),
            "ping: failed because successPath 'data.ok' is absent from the response");
}

TEST(HttpPing, ASuccessPathWithoutValuesPassesOnATruthyValueOnly) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome passed =
      test_connection(server, R"({"relativeURI": "/api/me", "successPath": "authenticated"})");
  ASSERT_TRUE(passed.result) << passed.result.error().message;
  EXPECT_EQ(last(passed), "ping: passed because successPath 'authenticated' is true");
  const Outcome failed =
      test_connection(server, R"({"relativeURI": "/api/ping/expired", "successPath": "ok"})");
  ASSERT_FALSE(failed.result);
  EXPECT_EQ(last(failed),
            "ping: failed because successPath 'ok' is false (false, null, 0 or empty)");
}

TEST(HttpPing, AFailPathValueAmongTheFailValuesFailsAThe200) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(server, R"({"relativeURI": "/api/ping/expired",
      "failPath": "error.code", "failValues": ["invalid_token", "expired"],
      "errorPath": "error.message"})");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().status, Status::kRemoteError);
  EXPECT_EQ(outcome.result.error().message,
            "GET " + server.base_url() +
                "/api/ping/expired: the connection test failed: failPath 'error.code' is "
                "'invalid_token', one of [\"invalid_token\",\"expired\"]: The access token "
                "expired — check the connection's settings (its credentials) and http.ping");
  EXPECT_EQ(outcome.result.error().details.at("statusCode"), 200);
}

TEST(HttpPing, AFailPathThatDoesNotMatchLetsTheSuccessPathDecide) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(server, R"({"relativeURI": "/api/ping/health",
      "failPath": "error.code", "failValues": ["invalid_token"],
      "successPath": "status", "successValues": ["ok"]})");
  ASSERT_TRUE(outcome.result) << outcome.result.error().message;
  EXPECT_EQ(last(outcome),
            "ping: passed because successPath 'status' is 'ok', one of [\"ok\"]; failPath "
            "'error.code' is absent");
}

TEST(HttpPing, AFailPathWithoutValuesFailsOnAnyTruthyValue) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome =
      test_connection(server, R"({"relativeURI": "/api/ping/expired", "failPath": "error"})");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(last(outcome),
            "ping: failed because failPath 'error' is "
            "{\"code\":\"invalid_token\",\"message\":\"The access token expired\"}");
}

TEST(HttpPing, AnArrayAtTheSuccessPathPassesOnlyWithAllowArrayforSuccessPath) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome refused = test_connection(
      server,
      R"({"relativeURI": "/api/ping/statuses", "successPath": "statuses", "successValues": ["ok"]})");
  ASSERT_FALSE(refused.result);
  EXPECT_EQ(last(refused),
            "ping: failed because successPath 'statuses' is [\"degraded\",\"ok\"], not one of "
            "[\"ok\"]");
  const Outcome passed = test_connection(server, R"({"relativeURI": "/api/ping/statuses",
      "successPath": "statuses", "successValues": ["ok"], "allowArrayforSuccessPath": true})");
  ASSERT_TRUE(passed.result) << passed.result.error().message;
  EXPECT_EQ(last(passed),
            "ping: passed because successPath 'statuses' holds 'ok', one of [\"ok\"]");
}

TEST(HttpPing, ARefusedStatusIsTheClientsErrorWithTheErrorPathMessage) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(
      server, R"({"relativeURI": "/api/ping/forbidden", "errorPath": "error.message"})");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().status, Status::kAuthFailed);
  EXPECT_EQ(outcome.result.error().message,
            "GET " + server.base_url() +
                "/api/ping/forbidden: HTTP 403 Forbidden: The token lacks the read:account scope "
                "(http.ping.errorPath) — the credentials were refused; check the connection's "
                "authentication settings");
  EXPECT_EQ(last(outcome),
            "ping: failed because HTTP 403 Forbidden, not a 2xx status: The token lacks the "
            "read:account scope");
}

TEST(HttpPing, APostSendsItsBodyRenderedAgainstTheConnection) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(server, R"({"relativeURI": "/api/ping/graphql",
      "method": "POST", "body": "{\"query\": \"{ viewer { login } }\", \"tag\": \"{{connection._id}}\"}",
      "successPath": "data.viewer.login"})");
  ASSERT_TRUE(outcome.result) << outcome.result.error().message;
  EXPECT_EQ(outcome.report.at(outcome.report.size() - 4),
            R"(request body: {"query": "{ viewer { login } }", "tag": "api"})");
  EXPECT_EQ(last(outcome), "ping: passed because successPath 'data.viewer.login' is 'demo'");
  const json::value requests = server.get_json("/_mock/requests");
  ASSERT_EQ(requests.at("count"), 1);
  EXPECT_EQ(requests.at("requests").at(0).at("body"),
            R"({"query": "{ viewer { login } }", "tag": "api"})");
  EXPECT_EQ(requests.at("requests").at(0).at("headers").at("content-type"), "application/json");
}

TEST(HttpPing, APostWithoutTheBodyTheApiWantsFailsWithItsMessage) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome = test_connection(server, R"({"relativeURI": "/api/ping/graphql",
      "method": "POST", "errorPath": "errors.0.message"})");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().status, Status::kRemoteError);
  EXPECT_EQ(last(outcome),
            "ping: failed because HTTP 400 Bad Request, not a 2xx status: Must provide query "
            "string.");
}

TEST(HttpPing, AWrongTokenIsMaskedInTheReportAndTheError) {
  sluice::testing::MockApiServer server({.orders = 1});
  const Outcome outcome =
      test_connection(server, R"({"relativeURI": "/api/ping/health"})", "wrong-token-k9");
  ASSERT_FALSE(outcome.result);
  EXPECT_EQ(outcome.result.error().status, Status::kAuthFailed);
  EXPECT_EQ(outcome.report.at(4), "request header: Authorization: Bearer ******");
  for (const std::string& line : outcome.report) {
    EXPECT_EQ(line.find("wrong-token-k9"), std::string::npos) << line;
  }
  EXPECT_EQ(outcome.result.error().message.find("wrong-token-k9"), std::string::npos);
}

TEST(HttpPing, ObtainedCookiesAreHiddenWholeInTheReport) {
  sluice::testing::MockApiServer server({.orders = 1});
  const json::object doc = object(R"({"type":"http","http":{"baseURI":")" + server.base_url() +
                                  R"(","auth":{"type":"cookie","cookie":{"uri":"/api/auth/login",
      "body":"{\"username\":\"demo\",\"password\":\"demo-pass\"}"}},
      "ping":{"relativeURI":"/api/auth/resource"}}})");
  auto connection = open_connection(doc);
  ASSERT_TRUE(connection);
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.log = &capture;
  g_debug.clear();
  Context context(&host, nullptr);
  ASSERT_TRUE(connection->ping(context));
  EXPECT_NE(std::find(g_debug.begin(), g_debug.end(), "request header: Cookie: ******"),
            g_debug.end())
      << ::testing::PrintToString(g_debug);
  for (const std::string& line : g_debug) {
    EXPECT_EQ(line.find("session-1"), std::string::npos) << line;
  }
}

TEST(HttpPing, ValuesWithoutTheirPathAreRefusedAtOpen) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto doc = connection_doc(server);
  doc["http"].as_object()["ping"] = {{"successValues", json::array{"ok"}}};
  Context context = no_host();
  auto opened = HttpConnection::open(context, doc);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInvalidConfig);
  EXPECT_EQ(opened.error().message,
            "http.ping.successValues needs http.ping.successPath: the dotted path of the value "
            "to compare, e.g. status");
  doc["http"].as_object()["ping"] = {{"failValues", json::array{"x"}}};
  auto again = HttpConnection::open(context, doc);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message,
            "http.ping.failValues needs http.ping.failPath: the dotted path of the value to "
            "compare, e.g. error.code");
}

TEST(HttpPing, ATemplateNamingASecretIsRefusedAtOpen) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto doc = connection_doc(server);
  doc["http"].as_object()["ping"] = {
      {"relativeURI", "/api/ping/health?t={{connection.http.auth.token.token}}"}};
  Context context = no_host();
  auto opened = HttpConnection::open(context, doc);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInvalidConfig);
  EXPECT_NE(opened.error().message.find("without its secrets"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("demo-token"), std::string::npos);
}

}  // namespace
}  // namespace sluice::plugins::http
