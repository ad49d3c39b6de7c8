#include "store/secret_fields.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sluice::host {
namespace {

namespace json = boost::json;

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

SecretBox test_box() { return SecretBox(*parse_hex_key(kKey), "test key"); }

TEST(SecretFieldsTest, SealReplacesEachPresentSecretWithAMarkerAndSkipsAbsentOnes) {
  json::value doc = json::parse(
      R"({"_id": "c1", "http": {"auth": {"token": "tok", "type": "bearer"}},
          "headers": [{"name": "X-Key", "value": "k"}]})");
  auto sealed = seal_secret_fields(doc, {"http.auth.token", "headers.0.value", "http.password"},
                                   json::value(), test_box(), "connections/c1");
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_TRUE(is_secret_marker(doc.at_pointer("/http/auth/token")));
  EXPECT_TRUE(is_secret_marker(doc.at_pointer("/headers/0/value")));
  EXPECT_EQ(doc.at_pointer("/http/auth/type"), "bearer");
  EXPECT_FALSE(doc.at_pointer("/http").as_object().contains("password"));
}

TEST(SecretFieldsTest, MaskReplacesEveryMarkerWithStars) {
  json::value doc = json::parse(R"({"a": "x", "b": {"c": [1, {"d": "y"}]}})");
  ASSERT_TRUE(seal_secret_fields(doc, {"a", "b.c.1.d"}, json::value(), test_box(), "flows/f1"));
  mask_secret_fields(doc);
  EXPECT_EQ(doc, json::parse(R"({"a": "******", "b": {"c": [1, {"d": "******"}]}})"));
}

TEST(SecretFieldsTest, RevealRestoresAnyJsonValue) {
  const json::value original =
      json::parse(R"({"s": "x", "o": {"user": "u", "pass": "p"}, "n": 42, "z": null})");
  json::value doc = original;
  ASSERT_TRUE(
      seal_secret_fields(doc, {"s", "o", "n", "z"}, json::value(), test_box(), "connections/c1"));
  EXPECT_NE(doc, original);
  auto revealed = reveal_secret_fields(doc, test_box(), "connections/c1");
  ASSERT_TRUE(revealed) << revealed.error().message;
  EXPECT_EQ(doc, original);
}

TEST(SecretFieldsTest, RevealWithAnotherKeyNamesTheResourceAndField) {
  json::value doc = json::parse(R"({"http": {"token": "tok"}})");
  ASSERT_TRUE(seal_secret_fields(doc, {"http.token"}, json::value(), test_box(), "connections/c1"));
  const SecretBox other(*parse_hex_key(std::string(64, 'e')), "$SLUICE_SECRET_KEY");
  auto revealed = reveal_secret_fields(doc, other, "connections/c1");
  ASSERT_FALSE(revealed);
  EXPECT_EQ(revealed.error().message,
            "connections/c1: secret field http.token: a secret could not be decrypted with the "
            "key from $SLUICE_SECRET_KEY: the key has changed since the secret was stored, or "
            "the sealed text was altered or copied from another resource or field — use the "
            "original key, or re-apply the resources with their secret values");
}

TEST(SecretFieldsTest, MaskedValueSentBackKeepsTheStoredMarker) {
  json::value stored = json::parse(R"({"token": "tok"})");
  ASSERT_TRUE(seal_secret_fields(stored, {"token"}, json::value(), test_box(), "c"));
  json::value doc = json::parse(R"({"token": "******", "name": "renamed"})");
  ASSERT_TRUE(seal_secret_fields(doc, {"token"}, stored, test_box(), "connections/c1"));
  EXPECT_EQ(doc.at("token"), stored.at("token"));
}

TEST(SecretFieldsTest, MaskedValueWithNothingStoredIsRefused) {
  json::value doc = json::parse(R"({"token": "******"})");
  auto sealed = seal_secret_fields(doc, {"token"}, json::value(), test_box(), "connections/c1");
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().message,
            "connections/c1: secret field token is \"******\" (a masked value) but no secret is "
            "stored for it — supply the real value");
}

TEST(SecretFieldsTest, EmptySecretPathIsRefused) {
  json::value doc = json::parse(R"({"token": "tok"})");
  auto sealed = seal_secret_fields(doc, {""}, json::value(), test_box(), "connections/c1");
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().message,
            "connections/c1: an empty secret path would encrypt the whole document — fix the "
            "plugin schema's secret fields");
}

TEST(SecretFieldsTest, OnlyASingleStringMemberObjectIsAMarker) {
  EXPECT_TRUE(is_secret_marker(json::parse(R"({"$sluiceSecret": "x"})")));
  EXPECT_FALSE(is_secret_marker(json::parse(R"({"$sluiceSecret": 1})")));
  EXPECT_FALSE(is_secret_marker(json::parse(R"({"$sluiceSecret": "x", "y": 1})")));
  EXPECT_FALSE(is_secret_marker(json::parse(R"("$sluiceSecret")")));
}

}  // namespace
}  // namespace sluice::host
