#include "sluice/support/http/auth.hpp"

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

}  // namespace
}  // namespace sluice::support::http
