#include "sluice/support/http/url.hpp"

#include <gtest/gtest.h>

namespace sluice::support::http {
namespace {

TEST(Url, ParsesSchemeHostPortAndTarget) {
  auto parts = parse_url("https://user:pw@api.example.com:8443/v1/a%2Fb?x=1#frag");
  ASSERT_TRUE(parts);
  EXPECT_TRUE(parts->https);
  EXPECT_EQ(parts->userinfo, "user:pw");
  EXPECT_EQ(parts->host, "api.example.com");
  EXPECT_EQ(parts->port, 8443);
  EXPECT_EQ(parts->target, "/v1/a%2Fb?x=1");
}

TEST(Url, DefaultsPortAndPath) {
  auto parts = parse_url("HTTP://example.com");
  ASSERT_TRUE(parts);
  EXPECT_FALSE(parts->https);
  EXPECT_EQ(parts->port, 80);
  EXPECT_EQ(parts->target, "/");
  EXPECT_EQ(parse_url("https://[::1]/x")->host, "::1");
  EXPECT_EQ(parse_url("https://[::1]/x")->port, 443);
}

TEST(Url, RefusesWhatIsNotAnAbsoluteHttpUrl) {
  EXPECT_FALSE(parse_url("foo"));
  EXPECT_FALSE(parse_url("ftp://example.com/"));
  EXPECT_FALSE(parse_url("http:///path"));
  EXPECT_FALSE(parse_url("http://host:99999/"));
  EXPECT_FALSE(parse_url("http://host:abc/"));
}

TEST(Url, JoinsBaseAndRelativeWithOneSlash) {
  EXPECT_EQ(join_url("http://h/api", "/orders"), "http://h/api/orders");
  EXPECT_EQ(join_url("http://h/api/", "orders"), "http://h/api/orders");
  EXPECT_EQ(join_url("http://h/api/", "//orders"), "http://h/api/orders");
  EXPECT_EQ(join_url("http://h/api", "?page=2"), "http://h/api?page=2");
  EXPECT_EQ(join_url("http://h/api", ""), "http://h/api");
  EXPECT_EQ(join_url("http://h/api", "https://other/x"), "https://other/x");
}

TEST(Url, SetsAppendsAndReplacesQueryParameters) {
  std::string url = "http://h/orders";
  set_query_param(url, "page", "1");
  EXPECT_EQ(url, "http://h/orders?page=1");
  set_query_param(url, "q", "a b&c");
  EXPECT_EQ(url, "http://h/orders?page=1&q=a%20b%26c");
  set_query_param(url, "page", "2");
  EXPECT_EQ(url, "http://h/orders?page=2&q=a%20b%26c");
  std::string with_fragment = "http://h/x?a=1#top";
  set_query_param(with_fragment, "b", "2");
  EXPECT_EQ(with_fragment, "http://h/x?a=1&b=2#top");
  std::string trailing = "http://h/x?";
  set_query_param(trailing, "b", "2");
  EXPECT_EQ(trailing, "http://h/x?b=2");
  EXPECT_TRUE(has_query_param("http://h/x?a=1&page=3", "page"));
  EXPECT_FALSE(has_query_param("http://h/x?a=1&pageSize=3", "page"));
}

TEST(Url, PercentEncodesLikeEncodeURIComponent) {
  EXPECT_EQ(percent_encode("a b/c?d=e&f~g*'()!_-.\xC3\xA9"),
            "a%20b%2Fc%3Fd%3De%26f~g*'()!_-.%C3%A9");
}

TEST(Url, RedactsUserinfoAndSecretParameters) {
  EXPECT_EQ(redact_url("https://bob:pw@h/x?access_token=abc&page=2&Key=k", {"access_token", "key"}),
            "https://h/x?access_token=******&page=2&Key=******");
  EXPECT_EQ(redact_url("http://h/x?page=2", {"access_token"}), "http://h/x?page=2");
  EXPECT_EQ(redact_url("http://bob:pw@"), "http://");
  EXPECT_EQ(redact_url("not a url @ all"), "not a url @ all");
}

}  // namespace
}  // namespace sluice::support::http
