// Opening and pinging HTTP connections: settings validated with errors naming the setting,
// ping against the mock API.
#include "connection.hpp"

#include <gtest/gtest.h>

#include "connector.hpp"
#include "settings.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;

Error open_error(std::string_view doc_text) {
  Context context = no_host();
  auto opened = HttpConnection::open(context, object(doc_text));
  EXPECT_FALSE(opened);
  return opened ? Error{} : opened.error();
}

TEST(HttpConnection, BaseUriThatIsNotAnAbsoluteHttpUrlIsInvalidConfig) {
  const Error error = open_error(R"({"type":"http","http":{"baseURI":"foo"}})");
  EXPECT_EQ(error.status, Status::kInvalidConfig);
  EXPECT_EQ(error.message, "http.baseURI must be an absolute http:// or https:// URL, got 'foo'");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"ftp://example.com"}})").message,
            "http.baseURI must be an absolute http:// or https:// URL, got 'ftp://example.com'");
}

TEST(HttpConnection, MissingOrMistypedBaseUriIsInvalidConfig) {
  EXPECT_EQ(open_error(R"({"type":"http","http":{}})").message,
            "http.baseURI is required: the absolute http:// or https:// URL of the API");
  EXPECT_EQ(open_error(R"({"type":"http"})").status, Status::kInvalidConfig);
  EXPECT_EQ(open_error(R"({"http":{"baseURI":42}})").message,
            "http.baseURI must be a string, got 42");
}

TEST(HttpConnection, CredentialsInABadBaseUriAreNotRepeated) {
  const Error error = open_error(R"({"http":{"baseURI":"http://bob:hunter2@"}})");
  EXPECT_EQ(error.status, Status::kInvalidConfig);
  EXPECT_EQ(error.message.find("hunter2"), std::string::npos) << error.message;
}

TEST(HttpConnection, OtherSettingsAreValidatedByName) {
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","mediaType":"yaml"}})").message,
            "http.mediaType must be one of json, xml, urlencoded, form-data, plaintext, got 'yaml'");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","successMediaType":"html"}})").message,
            "http.successMediaType must be one of json, xml, csv, plaintext, got 'html'");
  EXPECT_EQ(
      open_error(R"({"http":{"baseURI":"http://h","auth":{"type":"specific"}}})").message,
      "http.auth.type must be one of none, basic, token, custom, oauth, wsse, cookie, digest, "
      "oauth1, jwtbearer, jwt, got 'specific'");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","auth":{"type":"oauth"}}})").message,
            "http.auth.oauth.tokenURI is required when http.auth.type is oauth: the token "
            "endpoint of the API");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","auth":{"type":"cookie"}}})").message,
            "http.auth.cookie.uri is required when http.auth.type is cookie: the login endpoint");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","auth":{"type":"token"}}})").message,
            "http.auth.token.token is required when http.auth.type is token");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","auth":{"type":"basic"}}})").message,
            "http.auth.basic.username is required when http.auth.type is basic");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","auth":{"type":"token",
                 "token":{"token":"t","location":"body"}}}})")
                .message,
            "http.auth.token.location must be one of header, url, got 'body'");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","headers":[{"value":"x"}]}})").message,
            "http.headers.0.name must be a non-empty string");
  EXPECT_EQ(open_error(R"({"http":{"baseURI":"http://h","ping":{"method":"DELETE"}}})").message,
            "http.ping.method must be one of GET, POST, HEAD, PUT, got 'DELETE'");
}

TEST(HttpConnection, PingSucceedsWithTheRightToken) {
  sluice::testing::MockApiServer server({.orders = 3});
  auto doc = connection_doc(server);
  doc["http"].as_object()["ping"] = {{"relativeURI", "/api/orders?pageSize=1"}};
  auto connection = open_connection(doc);
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  EXPECT_TRUE(pinged) << pinged.error().message;
}

TEST(HttpConnection, PingWithTokenInTheUrlSucceeds) {
  sluice::testing::MockApiServer server({.orders = 3});
  auto doc = connection_doc(server, "demo-token", "url");
  doc["http"].as_object()["ping"] = {{"relativeURI", "/api/orders?pageSize=1"}};
  auto connection = open_connection(doc);
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  EXPECT_TRUE(pinged) << pinged.error().message;
}

TEST(HttpConnection, PingWithAWrongTokenIsAuthFailedAndNeverShowsTheToken) {
  sluice::testing::MockApiServer server({.orders = 3});
  for (const char* location : {"header", "url"}) {
    auto doc = connection_doc(server, "wrong-s3cret-token", location);
    doc["http"].as_object()["ping"] = {{"relativeURI", "/api/orders?pageSize=1"}};
    auto connection = open_connection(doc);
    ASSERT_TRUE(connection);
    Context context = no_host();
    auto pinged = connection->ping(context);
    ASSERT_FALSE(pinged) << location;
    EXPECT_EQ(pinged.error().status, Status::kAuthFailed) << location;
    EXPECT_EQ(pinged.error().message.find("wrong-s3cret-token"), std::string::npos)
        << pinged.error().message;
    EXPECT_EQ(
        pinged.error().message,
        "GET " + server.base_url() +
            "/api/orders?pageSize=1: HTTP 401 Unauthorized: "
            R"({"error":"missing or wrong token","hint":"send Authorization: Bearer <token>"})"
            " — the credentials were refused; check the connection's authentication settings");
  }
}

// The defaults live in settings.cpp alone: the schema shows them and the readers apply them.
TEST(HttpConnection, AbsentTokenSettingsBehaveAsTheDefaultsTheSchemaDeclares) {
  const ConnectionSettings& s = connection_settings();
  EXPECT_EQ(*s.token_location.field().declared_default(), json::value("header"));
  EXPECT_EQ(*s.token_header_name.field().declared_default(), json::value("Authorization"));
  EXPECT_EQ(*s.token_scheme.field().declared_default(), json::value("Bearer"));
  EXPECT_EQ(*s.ping.method.field().declared_default(), json::value("GET"));
  sluice::testing::MockApiServer server({.orders = 3});
  // The mock API accepts only "Authorization: Bearer demo-token".
  auto connection = open_connection(object(R"({"type":"http","http":{"baseURI":")" +
                                           server.base_url() + R"(","auth":{"type":"token",
      "token":{"token":"demo-token"}},"ping":{"relativeURI":"/api/orders?pageSize=1"}}})"));
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  EXPECT_TRUE(pinged) << pinged.error().message;
  auto renamed = open_connection(object(R"({"type":"http","http":{"baseURI":")" +
                                        server.base_url() + R"(","auth":{"type":"token",
      "token":{"token":"demo-token","scheme":"Token"}},"ping":{"relativeURI":"/api/orders"}}})"));
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->ping(context).error().status, Status::kAuthFailed);
}

TEST(HttpConnection, PingOfAMissingPathIsNotFound) {
  sluice::testing::MockApiServer server({.orders = 3});
  auto doc = connection_doc(server);
  doc["http"].as_object()["ping"] = {{"relativeURI", "/nope"}};
  auto connection = open_connection(doc);
  ASSERT_TRUE(connection);
  Context context = no_host();
  auto pinged = connection->ping(context);
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().status, Status::kNotFound);
}

TEST(HttpConnection, ConnectorOpensConnectionsThroughItsInterface) {
  HttpConnector connector;
  Context context = no_host();
  auto bad = connector.open_connection(context, object(R"({"http":{"baseURI":"foo"}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, Status::kInvalidConfig);
  auto good =
      connector.open_connection(context, object(R"({"http":{"baseURI":"http://127.0.0.1:1"}})"));
  EXPECT_TRUE(good);
}

}  // namespace
}  // namespace sluice::plugins::http
