// Credentials kept between runs in the connection's state (Context::save_state, ABI 1.2) and the
// OAuth 2.0 authorization code grant with PKCE, against the mock's token servers
// (tools/mock_api/oauth.hpp, oauth_code.hpp). Each run is a new HttpConnection over the same
// RecordingHost state, as a later job opens its connection anew; what the server received proves
// when a token was requested and when a stored one was reused.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>

#include "connection.hpp"
#include "sluice/testing/recording_host.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;

constexpr const char* kRedirect = "http://127.0.0.1:9/callback";

// "METHOD target" of every request the mock received.
std::vector<std::string> lines(const sluice::testing::MockApiServer& server) {
  std::vector<std::string> out;
  const json::value seen = server.get_json("/_mock/requests");
  for (const json::value& r : seen.at("requests").as_array()) {
    out.push_back(std::string(r.at("method").as_string()) + " " +
                  std::string(r.at("target").as_string()));
  }
  return out;
}

std::string body_of(const sluice::testing::MockApiServer& server, size_t index) {
  const json::value seen = server.get_json("/_mock/requests");
  return std::string(seen.at("requests").as_array().at(index).at("body").as_string());
}

json::object doc_with(const sluice::testing::MockApiServer& server, json::object auth) {
  return json::object{
      {"_id", "c1"},
      {"name", "shop"},
      {"type", "http"},
      {"http", json::object{{"baseURI", server.base_url()},
                            {"auth", std::move(auth)},
                            {"ping", json::object{{"relativeURI", "/api/auth/resource"}}}}}};
}

json::object client_credentials(const std::string& scope = "read") {
  return object(R"({"type":"oauth","oauth":{"tokenURI":"/api/auth/oauth/token",
      "clientId":"sluice-client","clientSecret":"client-secret","scope":[")" +
                scope + R"("]}})");
}

json::object authorize_code(const sluice::testing::MockApiServer& server,
                            const std::string& auth_query = "") {
  json::object auth = object(R"({"type":"oauth","oauth":{"grantType":"authorizecode",
      "tokenURI":"/api/auth/oauth/token","clientId":"sluice-client",
      "clientSecret":"client-secret","scope":["read","write"]}})");
  auth["oauth"].as_object()["authURI"] =
      server.base_url() + "/api/auth/oauth/authorize" + auth_query;
  return auth;
}

// One run: opens the connection in `host` and pings it.
Result<void> run_once(sluice::testing::RecordingHost& host, const json::object& doc) {
  Context context = host.context();
  auto connection = HttpConnection::open(context, doc, kFast);
  if (!connection) return connection.error();
  return (*connection)->ping(context);
}

// What the browser does with the authorization URL: the authorization server's answer, a 302
// whose Location is the redirect URI with its query. Returns that raw query.
std::string follow_authorization(const std::string& url) {
  const Poco::URI uri(url);
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  std::string ignored((std::istreambuf_iterator<char>(body)), std::istreambuf_iterator<char>());
  EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_FOUND) << ignored;
  const Poco::URI location(response.get("Location", ""));
  EXPECT_EQ(location.getScheme() + "://" + location.getAuthority() + location.getPath(), kRedirect);
  return location.getRawQuery();
}

std::string query_param(const std::string& url, const std::string& name) {
  for (const auto& [key, value] : Poco::URI(url).getQueryParameters()) {
    if (key == name) return value;
  }
  return {};
}

TEST(HttpStoredCredentials, ASecondRunReusesTheStoredTokenWithoutATokenRequest) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials())));
  auto second = run_once(host, doc_with(server, client_credentials()));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(lines(server),
            (std::vector<std::string>{"POST /api/auth/oauth/token", "GET /api/auth/resource",
                                      "GET /api/auth/resource"}));
}

TEST(HttpStoredCredentials, TheStateHoldsTheTokensTheirExpiryAndTheSettingsFingerprint) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials())));
  ASSERT_EQ(host.state().count("auth"), 1u);
  const json::object saved = json::parse(host.state().at("auth")).as_object();
  EXPECT_EQ(saved.at("accessToken"), "access-token-1");
  EXPECT_EQ(saved.at("refreshToken"), "refresh-token-1");
  EXPECT_EQ(saved.at("fingerprint").as_string().size(), 64u) << "hex SHA-256";
  const int64_t expires_at = saved.at("expiresAt").as_int64();
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_GT(expires_at, now + 3500 * 1000) << "expires_in 3600";
  EXPECT_LE(expires_at, now + 3600 * 1000);
  EXPECT_EQ(saved.size(), 4u);
}

TEST(HttpStoredCredentials, ChangedAuthSettingsIgnoreTheStoredTokenAndReplaceIt) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials("read"))));
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials("write"))));
  EXPECT_EQ(lines(server),
            (std::vector<std::string>{"POST /api/auth/oauth/token", "GET /api/auth/resource",
                                      "POST /api/auth/oauth/token", "GET /api/auth/resource"}));
  EXPECT_EQ(body_of(server, 2), "grant_type=client_credentials&scope=write");
  EXPECT_EQ(json::parse(host.state().at("auth")).at("accessToken"), "access-token-2");
}

TEST(HttpStoredCredentials, AnExpiredStoredTokenIsRenewedWithTheStoredRefreshToken) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials())));
  json::object saved = json::parse(host.state().at("auth")).as_object();
  saved["expiresAt"] = 1000;  // long past
  host.set_state("auth", json::serialize(saved));
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials())));
  EXPECT_EQ(lines(server),
            (std::vector<std::string>{"POST /api/auth/oauth/token", "GET /api/auth/resource",
                                      "POST /api/auth/oauth/token", "GET /api/auth/resource"}));
  EXPECT_EQ(body_of(server, 2), "grant_type=refresh_token&refresh_token=refresh-token-1");
}

TEST(HttpStoredCredentials, AHostWithoutStateObtainsATokenOnEveryRun) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;  // a 1.1 host: no state_get/state_put
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials())));
  ASSERT_TRUE(run_once(host, doc_with(server, client_credentials())));
  EXPECT_EQ(lines(server),
            (std::vector<std::string>{"POST /api/auth/oauth/token", "GET /api/auth/resource",
                                      "POST /api/auth/oauth/token", "GET /api/auth/resource"}));
  EXPECT_TRUE(host.state().empty());
}

TEST(HttpStoredCredentials, ACookieSessionIsKeptAndReusedToo) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  const json::object auth = object(R"({"type":"cookie","cookie":{"uri":"/api/auth/login",
      "body":"{\"username\":\"demo\",\"password\":\"demo-pass\"}"}})");
  ASSERT_TRUE(run_once(host, doc_with(server, auth)));
  auto second = run_once(host, doc_with(server, auth));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(lines(server),
            (std::vector<std::string>{"POST /api/auth/login", "GET /api/auth/resource",
                                      "GET /api/auth/resource"}));
  EXPECT_EQ(json::parse(host.state().at("auth")).at("cookie"), "session=session-1; theme=dark");
}

TEST(HttpAuthorizationCode, TheUrlCarriesClientRedirectScopeStateAndAnS256Challenge) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(doc_with(server, authorize_code(server)));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto started = connection->authorize_start(context, kRedirect);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_TRUE(started->url.starts_with(server.base_url() +
                                       "/api/auth/oauth/authorize?response_type=code&"
                                       "client_id=sluice-client&redirect_uri=http%3A%2F%2F127.0.0."
                                       "1%3A9%2Fcallback&scope=read%20write&state="))
      << started->url;
  EXPECT_EQ(query_param(started->url, "state"), started->state);
  EXPECT_EQ(started->state.size(), 22u) << "16 random bytes, base64url";
  EXPECT_EQ(query_param(started->url, "code_challenge").size(), 43u) << "SHA-256, base64url";
  EXPECT_EQ(query_param(started->url, "code_challenge_method"), "S256");
  auto again = connection->authorize_start(context, kRedirect);
  EXPECT_NE(again->state, started->state);
  EXPECT_NE(query_param(again->url, "code_challenge"), query_param(started->url, "code_challenge"));
}

TEST(HttpAuthorizationCode, TheCodeIsExchangedWithTheVerifierAndTheTokensServeLaterRuns) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  {
    Context context = host.context();
    auto connection =
        HttpConnection::open(context, doc_with(server, authorize_code(server)), kFast);
    ASSERT_TRUE(connection) << connection.error().message;
    auto started = (*connection)->authorize_start(context, kRedirect);
    ASSERT_TRUE(started);
    const std::string query = follow_authorization(started->url);
    auto finished = (*connection)->authorize_finish(context, kRedirect, query);
    ASSERT_TRUE(finished) << finished.error().message;
    EXPECT_EQ(*finished, "an access token (expires in 3600 s) and a refresh token");
  }
  auto later = run_once(host, doc_with(server, authorize_code(server)));
  ASSERT_TRUE(later) << later.error().message;
  const std::vector<std::string> seen = lines(server);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(seen[0].starts_with("GET /api/auth/oauth/authorize?response_type=code&")) << seen[0];
  EXPECT_EQ(seen[1], "POST /api/auth/oauth/token");
  EXPECT_EQ(seen[2], "GET /api/auth/resource");
  const std::string exchange = body_of(server, 1);
  EXPECT_TRUE(
      exchange.starts_with("grant_type=authorization_code&code=auth-code-1&redirect_uri="
                           "http%3A%2F%2F127.0.0.1%3A9%2Fcallback&code_verifier="))
      << exchange;
  const json::object saved = json::parse(host.state().at("auth")).as_object();
  EXPECT_EQ(saved.at("accessToken"), "access-token-1");
  EXPECT_EQ(saved.at("refreshToken"), "refresh-token-1");
}

TEST(HttpAuthorizationCode, ARedirectWithAnotherStateIsRefusedWithoutATokenRequest) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(doc_with(server, authorize_code(server)));
  ASSERT_TRUE(connection);
  Context context = no_host();
  ASSERT_TRUE(connection->authorize_start(context, kRedirect));
  auto finished = connection->authorize_finish(context, kRedirect, "code=auth-code-9&state=forged");
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().status, Status::kAuthFailed);
  EXPECT_EQ(finished.error().message,
            "the authorization redirect for connection 'shop' (c1) carried another state than "
            "the one sent: it did not answer this authorization; run `sluice connection "
            "authorize` again");
  EXPECT_TRUE(lines(server).empty());
}

TEST(HttpAuthorizationCode, ADeniedAuthorizationSaysWhatTheServerAnswered) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(doc_with(server, authorize_code(server, "?deny=1")));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto started = connection->authorize_start(context, kRedirect);
  ASSERT_TRUE(started);
  const std::string query = follow_authorization(started->url);
  auto finished = connection->authorize_finish(context, kRedirect, query);
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().status, Status::kAuthFailed);
  EXPECT_EQ(finished.error().message,
            "the authorization server refused to authorize connection 'shop' (c1): "
            "access_denied (the user said no) — run `sluice connection authorize` again and "
            "allow the access");
}

TEST(HttpAuthorizationCode, AWrongVerifierIsRefusedByTheServer) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = authorize_code(server);
  auto connection = open_connection(doc_with(server, auth));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto started = connection->authorize_start(context, kRedirect);
  ASSERT_TRUE(started);
  const std::string query = follow_authorization(started->url);
  // Another connection object holds another verifier: its exchange cannot redeem this code.
  auto other = open_connection(doc_with(server, auth));
  auto other_started = other->authorize_start(context, kRedirect);
  ASSERT_TRUE(other_started);
  const std::string forged =
      query.substr(0, query.find("&state=")) + "&state=" + other_started->state;
  auto finished = other->authorize_finish(context, kRedirect, forged);
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().status, Status::kAuthFailed);
  EXPECT_NE(finished.error().message.find(
                "\"error_description\":\"code_verifier does not match the code_challenge\""),
            std::string::npos)
      << finished.error().message;
}

TEST(HttpAuthorizationCode, WithoutStoredTokensACallSaysToAuthorize) {
  sluice::testing::MockApiServer server({.orders = 1});
  sluice::testing::RecordingHost host;
  host.keep_state();
  auto pinged = run_once(host, doc_with(server, authorize_code(server)));
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kAuthFailed);
  EXPECT_EQ(pinged.error().message,
            "connection 'shop' (c1) has no OAuth 2.0 access token it can use or renew: run "
            "`sluice connection authorize` to authorize it (http.auth.oauth.grantType "
            "authorizecode)");
  EXPECT_TRUE(lines(server).empty());
}

TEST(HttpAuthorizationCode, AuthorizeOnAnotherAuthTypeIsRefused) {
  sluice::testing::MockApiServer server({.orders = 1});
  auto connection = open_connection(doc_with(server, client_credentials()));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto started = connection->authorize_start(context, kRedirect);
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().status, Status::kInvalidConfig);
  EXPECT_EQ(started.error().message,
            "connection 'shop' (c1) does not use the OAuth 2.0 authorization code grant "
            "(http.auth.oauth.grantType authorizecode): it needs no authorization by a user");
}

TEST(HttpAuthorizationCode, AnAuthorizeCodeConnectionNeedsAnAuthUri) {
  sluice::testing::MockApiServer server({.orders = 1});
  json::object auth = authorize_code(server);
  auth["oauth"].as_object().erase("authURI");
  Context context = no_host();
  auto connection = HttpConnection::open(context, doc_with(server, auth), kFast);
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().message,
            "http.auth.oauth.authURI is required when http.auth.oauth.grantType is "
            "authorizecode: the API's authorization endpoint, where `sluice connection "
            "authorize` sends the user");
}

}  // namespace
}  // namespace sluice::plugins::http
