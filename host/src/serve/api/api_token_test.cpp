// API tokens: their form, their hash, and how a presented token is matched.
#include "serve/api/api_token.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sluice::serve {
namespace {

TEST(ApiToken, IsSlcAnd43Base64UrlCharactersAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = generate_api_token();
    ASSERT_TRUE(token) << token.error().message;
    ASSERT_EQ(token->size(), 47u) << *token;
    EXPECT_EQ(token->substr(0, 4), "slc_");
    EXPECT_EQ(token->find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
              std::string::npos)
        << *token;
    seen.insert(*token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(ApiToken, HashIsTheHexSha256OfTheToken) {
  // FIPS 180-2's example: SHA-256("abc").
  EXPECT_EQ(api_token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiToken, MatchingNamesTheTokenWhoseHashIsThePresentedOnes) {
  const std::vector<host::ApiToken> tokens = {{"ci", api_token_hash("slc_one"), "t"},
                                              {"ui", api_token_hash("slc_two"), "t"},
                                              {"broken", "abc", "t"}};
  EXPECT_EQ(matching_api_token("slc_two", tokens), "ui");
  EXPECT_EQ(matching_api_token("slc_one", tokens), "ci");
  EXPECT_EQ(matching_api_token("slc_three", tokens), std::nullopt);
  EXPECT_EQ(matching_api_token("abc", tokens), std::nullopt);  // the stored hash is not a token
  EXPECT_EQ(matching_api_token("slc_one", {}), std::nullopt);
}

TEST(ApiToken, BearerTokenTakesTheSchemeWithoutCaseAndNothingElse) {
  auto with = [](std::string value) {
    HttpRequest request;
    request.headers.emplace("Authorization", std::move(value));
    return bearer_token(request);
  };
  EXPECT_EQ(with("Bearer slc_abc"), "slc_abc");
  EXPECT_EQ(with("bearer  slc_abc "), "slc_abc");
  EXPECT_EQ(with("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(with("Bearer "), std::nullopt);
  EXPECT_EQ(with("Bearerslc_abc"), std::nullopt);
  EXPECT_EQ(bearer_token(HttpRequest{}), std::nullopt);
}

}  // namespace
}  // namespace sluice::serve
