#include "sluice/support/http/auth.hpp"

#include "sluice/support/http/auth_flows.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace sluice::support::http {
namespace {

TEST(Auth, NoneAddsNothing) {
  EXPECT_FALSE(Auth::none().header());
  EXPECT_FALSE(Auth::none().query_param());
  EXPECT_TRUE(Auth::none().secrets().empty());
}

TEST(Auth, BasicSendsBase64Credentials) {
  auto header = Auth::with_basic("Aladdin", "open sesame").header();
  ASSERT_TRUE(header);
  EXPECT_EQ(header->name, "Authorization");
  EXPECT_EQ(header->value, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  auto secrets = Auth::with_basic("Aladdin", "open sesame").secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "open sesame"), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            secrets.end());
}

TEST(Auth, TokenInHeaderUsesHeaderNameAndScheme) {
  auto bearer = Auth::with_token({.token = "t0k"}).header();
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->name, "Authorization");
  EXPECT_EQ(bearer->value, "Bearer t0k");
  auto custom =
      Auth::with_token({.token = "t0k", .header_name = "X-Api-Key", .scheme = ""}).header();
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->name, "X-Api-Key");
  EXPECT_EQ(custom->value, "t0k");
}

TEST(Auth, TokenInUrlUsesParamName) {
  Auth auth =
      Auth::with_token({.token = "t0k", .location = TokenLocation::kUrl, .param_name = "apikey"});
  EXPECT_FALSE(auth.header());
  auto param = auth.query_param();
  ASSERT_TRUE(param);
  EXPECT_EQ(param->name, "apikey");
  EXPECT_EQ(param->value, "t0k");
  auto names = auth.secret_params();
  EXPECT_NE(std::find(names.begin(), names.end(), "apikey"), names.end());
}

TEST(AuthFailureRule, MatchesTheStatusOrTheValueAtFailPath) {
  AuthFailureRule rule;
  rule.path = "error.code";
  rule.values = {"invalid_token", "401"};
  EXPECT_EQ(rule.match({.status = 401, .reason = "Unauthorized"}), "HTTP 401 Unauthorized");
  EXPECT_EQ(rule.match({.status = 200, .body = R"({"error":{"code":"invalid_token"}})"}),
            "HTTP 200 whose error.code is 'invalid_token' (http.auth.failPath)");
  EXPECT_EQ(rule.match({.status = 200, .body = R"({"error":{"code":401}})"}),
            "HTTP 200 whose error.code is '401' (http.auth.failPath)");
  EXPECT_FALSE(rule.match({.status = 200, .body = R"({"error":{"code":"other"}})"}));
  EXPECT_FALSE(rule.match({.status = 200, .body = "not json"}));
  EXPECT_FALSE(rule.match({.status = 403}));
}

TEST(CookieHeader, KeepsNamesAndValuesDropsAttributesAndRemovedCookies) {
  const Headers headers = {{"Set-Cookie", "session=abc; Path=/api; HttpOnly"},
                           {"Content-Type", "application/json"},
                           {"set-cookie", "theme=dark"},
                           {"Set-Cookie", "old=x; Max-Age=0"},
                           {"Set-Cookie", "session=def; Secure"}};
  EXPECT_EQ(cookie_header_from(headers), "theme=dark; session=def");
  EXPECT_EQ(cookie_header_from({{"Set-Cookie", "novalue"}}), "");
}

TEST(FormEncode, PercentEncodesNamesAndValues) {
  EXPECT_EQ(form_encode({{"grant_type", "client_credentials"}, {"scope", "a b&c"}}),
            "grant_type=client_credentials&scope=a%20b%26c");
}

}  // namespace
}  // namespace sluice::support::http
