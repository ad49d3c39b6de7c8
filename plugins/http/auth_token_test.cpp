// Credentials obtained at run time against the mock's token servers (tools/mock_api/oauth.hpp):
// token refresh, OAuth 2.0 grants, cookie login, and the auth failure rule, each asserted by the
// exact requests the server received.
#include <gtest/gtest.h>

#include "connection.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;

// One request as the mock recorded it: "METHOD target", the header `header` and the body.
struct Seen {
  std::string line;
  std::string header;
  std::string body;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& seen) {
  return out << "{" << seen.line << " | " << seen.header << " | " << seen.body << "}";
}

// The requests the mock received, with the value of `header` (lower case) of each.
std::vector<Seen> requests(const sluice::testing::MockApiServer& server,
                           const std::string& header = "authorization") {
  std::vector<Seen> out;
  const json::value seen = server.get_json("/_mock/requests");
  for (const json::value& r : seen.at("requests").as_array()) {
    const json::object& headers = r.at("headers").as_object();
    const json::value* value = headers.if_contains(header);
    out.push_back(
        {std::string(r.at("method").as_string()) + " " + std::string(r.at("target").as_string()),
         value ? std::string(value->as_string()) : std::string(),
         std::string(r.at("body").as_string())});
  }
  return out;
}

json::object base_doc(const sluice::testing::MockApiServer& server, json::object auth,
                      const std::string& ping = "/api/auth/resource") {
  return json::object{{"_id", "c1"},
                      {"name", "shop"},
                      {"type", "http"},
                      {"http", json::object{{"baseURI", server.base_url()},
                                            {"auth", std::move(auth)},
                                            {"ping", json::object{{"relativeURI", ping}}}}}};
}

json::object refresh_auth(const std::string& uri = "/api/auth/refresh?uses=1") {
  return object(R"({"type":"token","token":{"refreshRelativeURI":")" + uri + R"(",
      "refreshMediaType":"json",
      "refreshBody":"{\"refresh_token\":\"{{{connection.http.auth.token.refreshToken}}}\"}",
      "refreshTokenPath":"data.token","tokenPaths":["data.refresh"],
      "refreshToken":"seed-refresh-token"}})");
}

constexpr const char* kRefreshBody = R"({"refresh_token":"seed-refresh-token"})";

void expect_no_credentials(const std::string& text) {
  for (const char* secret : {"access-token-", "refresh-token-", "seed-refresh-token", "session-",
                             "client-secret", "demo-pass"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in: " << text;
  }
}

TEST(HttpTokenRefresh, WithoutATokenTheFirstCallObtainsOneAndAnExpiredOneIsRefreshedOnce) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(base_doc(server, refresh_auth()));
  ASSERT_TRUE(connection);
  Context context = no_host();
  ASSERT_TRUE(connection->ping(context));
  auto second = connection->ping(context);  // access-token-1 has been used up: 401, refresh
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(requests(server),
            (std::vector<Seen>{{"POST /api/auth/refresh?uses=1", "", kRefreshBody},
                               {"GET /api/auth/resource", "Bearer access-token-1", ""},
                               {"GET /api/auth/resource", "Bearer access-token-1", ""},
                               {"POST /api/auth/refresh?uses=1", "", kRefreshBody},
                               {"GET /api/auth/resource", "Bearer access-token-2", ""}}));
}

TEST(HttpTokenRefresh, AConfiguredTokenIsUsedFirstAndTheRefreshedOneGoesWhereItSays) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = refresh_auth("/api/auth/refresh");
  auth["token"].as_object()["token"] = "stale-token";
  auth["token"].as_object()["location"] = "url";
  auto connection = open_connection(base_doc(server, auth));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_TRUE(pinged) << pinged.error().message;
  EXPECT_EQ(requests(server),
            (std::vector<Seen>{{"GET /api/auth/resource?access_token=stale-token", "", ""},
                               {"POST /api/auth/refresh", "", kRefreshBody},
                               {"GET /api/auth/resource?access_token=access-token-1", "", ""}}));
}

TEST(HttpTokenRefresh, ASecondRefusalFailsWithTheReasonNamingTheConnectionAndNoToken) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(base_doc(server, refresh_auth(), "/api/auth/resource?deny=1"));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_EQ(pinged.error().message,
            "GET " + server.base_url() +
                "/api/auth/resource?deny=1: the credentials of connection 'shop' (c1) were "
                "refused (HTTP 401 Unauthorized): {\"error\":\"invalid_token\","
                "\"error_description\":\"the access token expired\"} — again after new "
                "credentials were obtained; check the connection's authentication settings "
                "(client id and secret, refresh token, login)");
  EXPECT_EQ(requests(server),
            (std::vector<Seen>{{"POST /api/auth/refresh?uses=1", "", kRefreshBody},
                               {"GET /api/auth/resource?deny=1", "Bearer access-token-1", ""},
                               {"POST /api/auth/refresh?uses=1", "", kRefreshBody},
                               {"GET /api/auth/resource?deny=1", "Bearer access-token-2", ""}}));
}

TEST(HttpTokenRefresh, ARefusedRefreshRequestIsAnAuthFailureWithTheTokensMasked) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = refresh_auth();
  auth["token"].as_object()["refreshToken"] = "revoked-refresh-token";
  auto connection = open_connection(base_doc(server, auth));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_EQ(pinged.error().message,
            "the token refresh request (http.auth.token.refreshRelativeURI) of connection 'shop' "
            "(c1) (POST " +
                server.base_url() +
                "/api/auth/refresh?uses=1) failed: HTTP 401 Unauthorized: {\"error\":\"unknown "
                "refresh token\"} — check http.auth.token.refreshRelativeURI, refreshBody and the "
                "refresh token");
}

TEST(HttpAuthFailure, A200WhoseBodyMatchesFailPathRefreshesOnce) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = refresh_auth();
  auth["failPath"] = "error.code";
  auth["failValues"] = json::array{"invalid_token"};
  auto connection = open_connection(base_doc(server, auth, "/api/auth/resource?soft=1"));
  ASSERT_TRUE(connection);
  Context context = no_host();
  ASSERT_TRUE(connection->ping(context));
  auto second = connection->ping(context);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(requests(server),
            (std::vector<Seen>{{"POST /api/auth/refresh?uses=1", "", kRefreshBody},
                               {"GET /api/auth/resource?soft=1", "Bearer access-token-1", ""},
                               {"GET /api/auth/resource?soft=1", "Bearer access-token-1", ""},
                               {"POST /api/auth/refresh?uses=1", "", kRefreshBody},
                               {"GET /api/auth/resource?soft=1", "Bearer access-token-2", ""}}));
}

TEST(HttpAuthFailure, AStaticTokenRefusedByFailPathIsAnAuthFailureNotASuccess) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(base_doc(
      server, object(R"({"type":"token","token":{"token":"not-issued"},"failPath":"error.code",
                 "failValues":["invalid_token"]})"),
      "/api/auth/resource?soft=1"));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_EQ(pinged.error().message,
            "GET " + server.base_url() +
                "/api/auth/resource?soft=1: the credentials of connection 'shop' (c1) were "
                "refused (HTTP 200 whose error.code is 'invalid_token' (http.auth.failPath)): "
                "{\"status\":\"error\",\"error\":{\"code\":\"invalid_token\"}} — check the "
                "connection's authentication settings");
  EXPECT_EQ(requests(server).size(), 1u);
}

TEST(HttpAuthFailure, FailPathWithoutFailValuesIsRefusedAtOpen) {
  sluice::testing::MockApiServer server({.orders = 1});
  Context context = no_host();
  auto opened = HttpConnection::open(
      context,
      base_doc(server, object(R"({"type":"token","token":{"token":"t"},"failPath":"e"})")));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().message,
            "http.auth.failPath is set but http.auth.failValues is empty: list the values that "
            "mean the credentials were refused, e.g. [\"invalid_token\"]");
}

json::object oauth_auth(const std::string& extra) {
  return object(
      R"({"type":"oauth","oauth":{"tokenURI":"/api/auth/oauth/token?expires_in=30",
          "clientId":"sluice-client","clientSecret":"client-secret")" +
      extra + "}}");
}

TEST(HttpOAuth2, ClientCredentialsWithBasicClientAuthAndATokenAboutToExpireRenewedFirst) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(base_doc(server, oauth_auth(R"(,"scope":["read","write"])")));
  ASSERT_TRUE(connection);
  Context context = no_host();
  ASSERT_TRUE(connection->ping(context));
  // expires_in 30 s is within the 60 s margin: the next call renews first, with the refresh
  // token the server issued.
  auto second = connection->ping(context);
  ASSERT_TRUE(second) << second.error().message;
  // base64("sluice-client:client-secret")
  const std::string basic = "Basic c2x1aWNlLWNsaWVudDpjbGllbnQtc2VjcmV0";
  EXPECT_EQ(requests(server),
            (std::vector<Seen>{{"POST /api/auth/oauth/token?expires_in=30", basic,
                                "grant_type=client_credentials&scope=read%20write"},
                               {"GET /api/auth/resource", "Bearer access-token-1", ""},
                               {"POST /api/auth/oauth/token?expires_in=30", basic,
                                "grant_type=refresh_token&refresh_token=refresh-token-1"},
                               {"GET /api/auth/resource", "Bearer access-token-2", ""}}));
}

TEST(HttpOAuth2, PasswordGrantWithClientCredentialsInTheBody) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(
      base_doc(server, oauth_auth(R"(,"grantType":"password","clientCredentialsLocation":"body",
                         "username":"demo","password":"demo-pass")")));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_TRUE(pinged) << pinged.error().message;
  EXPECT_EQ(requests(server),
            (std::vector<Seen>{{"POST /api/auth/oauth/token?expires_in=30", "",
                                "grant_type=password&username=demo&password=demo-pass&"
                                "client_id=sluice-client&client_secret=client-secret"},
                               {"GET /api/auth/resource", "Bearer access-token-1", ""}}));
}

TEST(HttpOAuth2, AuthorizeCodeConnectionsRenewWithTheirRefreshToken) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = oauth_auth(R"(,"grantType":"authorizecode")");
  auth["token"] = json::object{{"refreshToken", "seed-refresh-token"}};
  auto connection = open_connection(base_doc(server, auth));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_TRUE(pinged) << pinged.error().message;
  EXPECT_EQ(requests(server)[0].body, "grant_type=refresh_token&refresh_token=seed-refresh-token");
}

TEST(HttpOAuth2, AWrongClientSecretFailsNamingTheTokenRequestWithTheSecretMasked) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = oauth_auth(R"(,"clientCredentialsLocation":"body")");
  auth["oauth"].as_object()["clientSecret"] = "wrong-secret";
  auto connection = open_connection(base_doc(server, auth));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_EQ(pinged.error().message,
            "the OAuth 2.0 token request (grant_type=client_credentials, "
            "http.auth.oauth.tokenURI) of connection 'shop' (c1) (POST " +
                server.base_url() +
                "/api/auth/oauth/token?expires_in=30) failed: HTTP 401 Unauthorized: "
                "{\"error\":\"invalid_client\",\"error_description\":\"client authentication "
                "failed\"} — check http.auth.oauth.clientId, clientSecret, "
                "clientCredentialsLocation, scope and the grant's credentials");
  EXPECT_EQ(requests(server).at(0).body,
            "grant_type=client_credentials&client_id=sluice-client&client_secret=wrong-secret");
}

TEST(HttpCookieAuth, LoginCookiesAreSentOnEveryCallAndAnExpiredSessionLogsInAgain) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(
      base_doc(server, object(R"({"type":"cookie","cookie":{"uri":"/api/auth/login?uses=1",
          "body":"{\"username\":\"demo\",\"password\":\"demo-pass\"}"}})")));
  ASSERT_TRUE(connection);
  Context context = no_host();
  ASSERT_TRUE(connection->ping(context));
  auto second = connection->ping(context);
  ASSERT_TRUE(second) << second.error().message;
  const std::string login = R"({"username":"demo","password":"demo-pass"})";
  EXPECT_EQ(requests(server, "cookie"),
            (std::vector<Seen>{{"POST /api/auth/login?uses=1", "", login},
                               {"GET /api/auth/resource", "session=session-1; theme=dark", ""},
                               {"GET /api/auth/resource", "session=session-1; theme=dark", ""},
                               {"POST /api/auth/login?uses=1", "", login},
                               {"GET /api/auth/resource", "session=session-2; theme=dark", ""}}));
}

TEST(HttpCookieAuth, ALoginWithAnotherStatusThanSuccessStatusCodeFails) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection =
      open_connection(base_doc(server, object(R"({"type":"cookie","cookie":{"uri":"/api/auth/login",
          "successStatusCode":201,
          "body":"{\"username\":\"demo\",\"password\":\"demo-pass\"}"}})")));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_EQ(pinged.error().message,
            "the cookie login request (http.auth.cookie.uri) of connection 'shop' (c1) (POST " +
                server.base_url() +
                "/api/auth/login) failed: HTTP 200 OK: {\"loggedIn\":true} (expected HTTP 201) — "
                "check http.auth.cookie.uri, method, body and successStatusCode");
}

TEST(HttpObtainedAuth, ObtainedCredentialsAreMaskedInErrorsOfTheRequestsTheyAuthorize) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(base_doc(server, refresh_auth("/api/auth/refresh")));
  ASSERT_TRUE(connection);
  Context context = no_host();
  ASSERT_TRUE(connection->ping(context));
  const auto& client = *connection->client();
  const std::string text =
      "Bearer access-token-1 refresh-token-1 seed-refresh-token ?access_token=access-token-1";
  // "Bearer access-token-1" is the header value as sent: masked whole.
  EXPECT_EQ(client.redact(text), "****** ****** ****** ?access_token=******");
  expect_no_credentials(client.redact(text));
}

std::vector<std::string> g_log_lines;
std::vector<std::string> g_debug_lines;  // a ping's report (connection.hpp), kept apart
void capture_log(sluice_call*, int32_t level, sluice_str message) {
  (level == SLUICE_LOG_DEBUG ? g_debug_lines : g_log_lines).emplace_back(message.ptr, message.len);
}

TEST(HttpObtainedAuth, TheRenewalIsLoggedOnceWithoutAnyCredential) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(base_doc(server, refresh_auth()));
  ASSERT_TRUE(connection);
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.log = &capture_log;
  g_log_lines.clear();
  Context context(&host, nullptr);
  ASSERT_TRUE(connection->ping(context));
  ASSERT_TRUE(connection->ping(context));
  EXPECT_EQ(g_log_lines,
            (std::vector<std::string>{"GET " + server.base_url() +
                                      "/api/auth/resource: HTTP 401 Unauthorized: the credentials "
                                      "were refused; obtaining new ones and sending the request "
                                      "again"}));
  for (const std::string& line : g_log_lines) expect_no_credentials(line);
  for (const std::string& line : g_debug_lines) expect_no_credentials(line);
}

}  // namespace
}  // namespace sluice::plugins::http
