// The auth types computed per request, end to end: a connection opened from integrator.io's
// settings, its requests checked by the mock API's own implementation of each scheme
// (tools/mock_api/auth.cpp), and the exact headers the mock received and verified.
#include "auth_config.hpp"

#include <regex>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include "connection.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;

class HttpSignedAuthTest : public ::testing::Test {
 protected:
  // A connection to `base` (below the mock's base URL) with http.auth `auth` and any more
  // http settings in `more`.
  json::object doc(const std::string& base, const json::value& auth,
                   const json::object& more = {}) {
    json::object http{{"baseURI", server_.base_url() + base}, {"auth", auth}};
    for (const auto& [key, value] : more) http[key] = value;
    return json::object{
        {"_id", "c-signed"}, {"name", "Signed API"}, {"type", "http"}, {"http", std::move(http)}};
  }

  Result<support::http::Response> get(const json::object& connection_doc,
                                      support::http::Request request) {
    Context context = no_host();
    auto connection = HttpConnection::open(context, connection_doc, kFast);
    if (!connection) return connection.error();
    return (*connection)->client()->send(context, request);
  }

  // The mock's record of every /auth/ request: "METHOD target" and the headers.
  json::array recorded() {
    const json::value log = server_.get_json("/_mock/requests");
    return log.at("requests").as_array();
  }
  static std::string header(const json::value& entry, const char* name) {
    const json::value* value = entry.at("headers").as_object().if_contains(name);
    return value ? std::string(value->as_string()) : std::string();
  }

  std::string key(const char* which) {
    return std::string(server_.get_json("/_mock/auth/keys").at(which).as_string());
  }

  sluice::testing::MockApiServer server_;
};

const char* const kDigestFields =
    R"(Digest username="Mufasa", realm="sluice-mock@127\.0\.0\.1", uri="/auth/digest/%s/me", )"
    R"(algorithm=%s, nonce="[0-9a-f]{32}", nc=%s, cnonce="[0-9a-f]{32}", qop=auth, )"
    R"(response="[0-9a-f]{%d}", opaque="mock-opaque")";

std::regex digest_pattern(const char* path, const char* algorithm, const char* nc, int hex) {
  char text[512];
  std::snprintf(text, sizeof text, kDigestFields, path, algorithm, nc, hex);
  return std::regex(text);
}

TEST_F(HttpSignedAuthTest, DigestAnswersTheChallengeOnceThenCountsNonces) {
  for (auto [path, algorithm, hex] : {std::tuple{"md5", "MD5", 32}, {"sha256", "SHA-256", 64}}) {
    server_.post("/_mock/reset", "");
    const json::object connection =
        doc(std::string("/auth/digest/") + path,
            json::object{{"type", "digest"},
                         {"basic", {{"username", "Mufasa"}, {"password", "Circle of Life"}}}});
    Context context = no_host();
    auto opened = HttpConnection::open(context, connection, kFast);
    ASSERT_TRUE(opened) << opened.error().message;
    auto& client = *(*opened)->client();
    auto first = client.send(context, {.url = "/me"});
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->body, R"({"authenticated":true,"type":"digest","user":"Mufasa"})");
    auto second = client.send(context, {.url = "/me"});
    ASSERT_TRUE(second) << second.error().message;
    const json::array log = recorded();
    ASSERT_EQ(log.size(), 3u) << path;  // challenge, answer, next request with the same nonce
    EXPECT_EQ(header(log[0], "authorization"), "");
    EXPECT_TRUE(std::regex_match(header(log[1], "authorization"),
                                 digest_pattern(path, algorithm, "00000001", hex)))
        << header(log[1], "authorization");
    EXPECT_TRUE(std::regex_match(header(log[2], "authorization"),
                                 digest_pattern(path, algorithm, "00000002", hex)))
        << header(log[2], "authorization");
  }
}

TEST_F(HttpSignedAuthTest, DigestWithAWrongPasswordIsAnAuthErrorAfterOneAnswer) {
  auto response =
      get(doc("/auth/digest/md5",
              json::object{{"type", "digest"},
                           {"basic", {{"username", "Mufasa"}, {"password", "hunter2"}}}}),
          {.url = "/me"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().status, Status::kAuthFailed);
  EXPECT_NE(response.error().message.find("digest response does not match the password"),
            std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("hunter2"), std::string::npos);
  EXPECT_EQ(recorded().size(), 2u);  // the challenge and one answer: never a loop
}

TEST_F(HttpSignedAuthTest, WsseSendsAFreshUsernameTokenTheServerVerifies) {
  const json::object connection = doc(
      "/auth", json::object{{"type", "wsse"},
                            {"basic", {{"username", "wsse-user"}, {"password", "wsse-secret"}}}});
  ASSERT_TRUE(get(connection, {.url = "/wsse"}));
  ASSERT_TRUE(get(connection, {.url = "/wsse"}));  // a second nonce, not a replay
  const json::array log = recorded();
  ASSERT_EQ(log.size(), 2u);
  const std::regex pattern(
      R"(UsernameToken Username="wsse-user", PasswordDigest="[A-Za-z0-9+/]{27}=", )"
      R"(Nonce="[A-Za-z0-9+/]{22}==", Created="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")");
  EXPECT_TRUE(std::regex_match(header(log[0], "x-wsse"), pattern)) << header(log[0], "x-wsse");
  EXPECT_NE(header(log[0], "x-wsse"), header(log[1], "x-wsse"));
  // The mock refuses the same token again: its nonce was used.
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_.port()));
  Poco::Net::HTTPRequest replay("GET", "/auth/wsse", Poco::Net::HTTPMessage::HTTP_1_1);
  replay.set("X-WSSE", header(log[0], "x-wsse"));
  session.sendRequest(replay);
  Poco::Net::HTTPResponse answer;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(answer), body);
  EXPECT_EQ(answer.getStatus(), Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
  EXPECT_EQ(body, R"({"error":"WSSE Nonce was used before"})");
}

TEST_F(HttpSignedAuthTest, WsseWrongPasswordIsAClearAuthErrorWithoutTheSecret) {
  auto response =
      get(doc("/auth",
              json::object{{"type", "wsse"},
                           {"basic", {{"username", "wsse-user"}, {"password", "not-the-secret"}}}}),
          {.url = "/wsse"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().status, Status::kAuthFailed);
  EXPECT_NE(response.error().message.find("WSSE PasswordDigest does not match"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("not-the-secret"), std::string::npos);
}

json::object oauth1(const std::string& method, const std::string& consumer_secret = "cs-mock") {
  json::object o{{"consumerKey", "ck-mock"},  {"consumerSecret", consumer_secret},
                 {"accessToken", "tok-mock"}, {"tokenSecret", "ts-mock"},
                 {"signatureMethod", method}, {"realm", "mock"}};
  return o;
}

TEST_F(HttpSignedAuthTest, OAuth1HmacSignsQueryAndFormBodyAsTheServerRecomputesThem) {
  for (const char* method : {"hmac-sha1", "hmac-sha256", "hmac-sha512"}) {
    server_.post("/_mock/reset", "");
    auto response =
        get(doc("/auth", json::object{{"type", "oauth1"}, {"oauth", {{"oauth1", oauth1(method)}}}}),
            {.method = "POST",
             .url = "/oauth1/items?b=2&a=x%20y",
             .body = "c=3&d=x+y%21",
             .content_type = "application/x-www-form-urlencoded"});
    ASSERT_TRUE(response) << method << ": " << response.error().message;
    const json::array log = recorded();
    ASSERT_EQ(log.size(), 1u);
    std::string upper(method);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::regex pattern(
        "OAuth realm=\"mock\", oauth_consumer_key=\"ck-mock\", oauth_nonce=\"[0-9a-f]{32}\", "
        "oauth_signature_method=\"" +
        upper +
        "\", oauth_timestamp=\"\\d{10}\", "
        "oauth_token=\"tok-mock\", oauth_version=\"1.0\", oauth_signature=\"[A-Za-z0-9%]+\"");
    EXPECT_TRUE(std::regex_match(header(log[0], "authorization"), pattern))
        << header(log[0], "authorization");
  }
}

TEST_F(HttpSignedAuthTest, OAuth1RsaSignatureVerifiesWithTheConsumersPublicKey) {
  json::object settings = oauth1("rsa-sha256");
  settings.erase("consumerSecret");
  settings.erase("tokenSecret");
  settings["consumerPrivateKey"] = key("rsaPrivateKey");
  auto response =
      get(doc("/auth", json::object{{"type", "oauth1"}, {"oauth", {{"oauth1", settings}}}}),
          {.url = "/oauth1/me?q=1"});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, R"({"authenticated":true,"type":"oauth1","user":"ck-mock"})");
}

TEST_F(HttpSignedAuthTest, OAuth1WrongSecretIsAnAuthErrorNamingWhyNotTheSecret) {
  auto response =
      get(doc("/auth", json::object{{"type", "oauth1"},
                                    {"oauth", {{"oauth1", oauth1("hmac-sha1", "cs-wrong-9")}}}}),
          {.url = "/oauth1/me"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().status, Status::kAuthFailed);
  EXPECT_NE(response.error().message.find("oauth_signature does not match the request"),
            std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("cs-wrong-9"), std::string::npos);
}

json::object jwt(const std::string& method, const std::string& key_field, const std::string& key) {
  return json::object{{"type", "jwtbearer"},
                      {"jwt",
                       {{"signatureMethod", method},
                        {key_field, key},
                        {"payload", {{"iss", "sluice-test"}, {"exp", 300}}},
                        {"headers", {{"kid", "k1"}}}}}};
}

TEST_F(HttpSignedAuthTest, JwtBearerSignedWithHmacRsaOrEcVerifiesAtTheServer) {
  const std::string rsa = key("rsaPrivateKey");
  const std::string ec = key("ecPrivateKey");
  for (auto [method, field, secret] :
       {std::tuple{"hmac-sha256", "secret", std::string("jwt-mock-secret")},
        {"hmac-sha512", "secret", std::string("jwt-mock-secret")},
        {"rsa-sha256", "privateKey", rsa},
        {"ps256", "privateKey", rsa},
        {"es256", "privateKey", ec}}) {
    server_.post("/_mock/reset", "");
    auto response = get(doc("/auth", jwt(method, field, secret)), {.url = "/jwt"});
    ASSERT_TRUE(response) << method << ": " << response.error().message;
    const json::array log = recorded();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_TRUE(
        std::regex_match(header(log[0], "authorization"),
                         std::regex("Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")))
        << header(log[0], "authorization");
  }
}

TEST_F(HttpSignedAuthTest, JwtWrongSecretIsRefusedWithTheReason) {
  auto response =
      get(doc("/auth", jwt("hmac-sha256", "secret", "not-jwt-secret")), {.url = "/jwt"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().status, Status::kAuthFailed);
  EXPECT_NE(response.error().message.find("the JWT signature (HS256) does not verify"),
            std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find("not-jwt-secret"), std::string::npos);
}

TEST_F(HttpSignedAuthTest, CustomSendsTheEncryptedBagThroughConnectionHeaders) {
  json::object more{
      {"encrypted", {{"apiKey", "enc-key-77"}}},
      {"unencrypted", {{"account", "acct-1"}}},
      {"headers",
       json::array{json::object{{"name", "Authorization"},
                                {"value", "Bearer {{connection.http.encrypted.apiKey}}"}},
                   json::object{{"name", "X-Account"},
                                {"value", "{{connection.http.unencrypted.account}}"}}}}};
  auto response = get(doc("/api", json::object{{"type", "custom"}}, more), {.url = "/me"});
  // The mock's /api/ accepts only its token: the header went out as rendered.
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().status, Status::kAuthFailed);
  const json::array log = recorded();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(header(log[0], "authorization"), "Bearer enc-key-77");
  EXPECT_EQ(header(log[0], "x-account"), "acct-1");
  more["encrypted"] = json::object{{"apiKey", server_.token()}};
  ASSERT_TRUE(get(doc("/api", json::object{{"type", "custom"}}, more), {.url = "/me"}));
}

TEST_F(HttpSignedAuthTest, CustomHeaderNamingAMissingSettingIsRefusedAtOpen) {
  json::object more{
      {"headers", json::array{json::object{{"name", "X-Key"},
                                           {"value", "{{connection.http.encrypted.nope}}"}}}}};
  auto response = get(doc("/api", json::object{{"type", "custom"}}, more), {.url = "/me"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().status, Status::kInvalidConfig);
  EXPECT_NE(response.error().message.find("http.headers.0.value"), std::string::npos)
      << response.error().message;
  EXPECT_TRUE(recorded().empty());
}

// --- incomplete settings ----------------------------------------------------------------------

std::string open_error(const json::object& doc) {
  Context context = no_host();
  auto opened = HttpConnection::open(context, doc, kFast);
  return opened ? std::string("opened") : opened.error().message;
}

TEST(HttpSignedAuthSettings, IncompleteSettingsAreRefusedWithTheirPathAndWhatToDo) {
  auto with = [](const char* auth) {
    return object(std::string(R"({"http":{"baseURI":"http://127.0.0.1:9","auth":)") + auth + "}}");
  };
  EXPECT_EQ(open_error(with(R"({"type":"digest","basic":{"username":"u"}})")),
            "http.auth.basic.password is required when http.auth.type is digest: digest never "
            "sends the password itself, only a digest of it, so it must be set");
  EXPECT_EQ(open_error(with(R"({"type":"wsse","basic":{"password":"p"}})")),
            "http.auth.basic.username is required when http.auth.type is wsse: the user name the "
            "API knows you by");
  EXPECT_EQ(open_error(with(R"({"type":"oauth1","oauth":{"oauth1":{"consumerKey":"k",)"
                            R"("accessToken":"t","consumerSecret":"s"}}})")),
            "http.auth.oauth.oauth1.tokenSecret is required when http.auth.type is oauth1: "
            "signatureMethod hmac-sha1 signs with the consumer secret and the token secret");
  EXPECT_EQ(open_error(with(R"({"type":"oauth1","oauth":{"oauth1":{"consumerKey":"k",)"
                            R"("accessToken":"t","signatureMethod":"rsa-sha1",)"
                            R"("consumerPrivateKey":"-----BEGIN nothing"}}})")),
            "http.auth.oauth.oauth1.consumerPrivateKey is not a PEM private key (-----BEGIN "
            "PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----, unencrypted); paste the "
            "whole key");
  EXPECT_EQ(open_error(with(R"({"type":"jwtbearer","jwt":{"signatureMethod":"hmac-sha256",)"
                            R"("secret":"s"}})")),
            "http.auth.jwt.payload is required when http.auth.type is jwtbearer: the token's "
            "claims as a JSON object, e.g. {\"iss\": \"my-service\", \"aud\": "
            "\"https://api.example.com\", \"exp\": 3600}");
  EXPECT_EQ(open_error(with(R"({"type":"jwtbearer","jwt":{"signatureMethod":"rsa-sha256",)"
                            R"("payload":{"iss":"x"}}})")),
            "http.auth.jwt.privateKey is required with signatureMethod rsa-sha256");
  EXPECT_EQ(
      open_error(with(R"({"type":"jwt","jwt":{"signatureMethod":"hs256","payload":{"a":1}}})")),
      "http.auth.jwt.signatureMethod must be one of hmac-sha256, hmac-sha384, hmac-sha512, "
      "rsa-sha256, rsa-sha384, rsa-sha512, es256, es384, es512, ps256, ps384, ps512, got "
      "'hs256'");
}

}  // namespace
}  // namespace sluice::plugins::http
