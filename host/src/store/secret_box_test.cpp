#include "store/secret_box.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "store/test_home.hpp"

namespace sluice::host {
namespace {

using testing::read_bytes;
using testing::ScopedEnv;
using SecretBoxLoadTest = testing::StoreTest;

constexpr char kKeyA[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKeyB[] = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

SecretBox box_from(const char* hex, std::string source = "test key") {
  return SecretBox(*parse_hex_key(hex), std::move(source));
}

TEST(SecretBoxTest, OpenReturnsWhatSealWasGiven) {
  const SecretBox box = box_from(kKeyA);
  auto sealed = box.seal("hunter2");
  ASSERT_TRUE(sealed) << sealed.error().message;
  auto opened = box.open(*sealed);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, "hunter2");
}

TEST(SecretBoxTest, SealedTextIsV2PrefixThenBase64OfNonceCiphertextAndTag) {
  auto sealed = box_from(kKeyA).seal("hunter2");
  ASSERT_TRUE(sealed);
  // "v2:" + base64 of 12 + 7 + 16 = 35 bytes (48 characters).
  EXPECT_EQ(sealed->size(), 51u);
  EXPECT_TRUE(sealed->starts_with("v2:"));
  EXPECT_EQ(sealed->find("hunter2"), std::string::npos);
}

TEST(SecretBoxTest, SealingTheSameValueTwiceUsesFreshNonces) {
  const SecretBox box = box_from(kKeyA);
  EXPECT_NE(*box.seal("hunter2"), *box.seal("hunter2"));
}

TEST(SecretBoxTest, OpenWithAnotherKeyFailsNamingTheKeySource) {
  auto sealed = box_from(kKeyA).seal("hunter2");
  ASSERT_TRUE(sealed);
  auto opened = box_from(kKeyB, "$SLUICE_SECRET_KEY").open(*sealed);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInvalidConfig);
  EXPECT_EQ(opened.error().message,
            "a secret could not be decrypted with the key from $SLUICE_SECRET_KEY: the key has "
            "changed since the secret was stored, or the sealed text was altered or copied from "
            "another resource or field — use the original key, or re-apply the resources with "
            "their secret values");
}

TEST(SecretBoxTest, OpenWithOtherAssociatedDataFails) {
  const SecretBox box = box_from(kKeyA);
  auto sealed = box.seal("hunter2", "connections/a http.auth.token");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(*box.open(*sealed, "connections/a http.auth.token"), "hunter2");
  auto moved = box.open(*sealed, "connections/b http.auth.token");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().status, Status::kInvalidConfig);
  EXPECT_FALSE(box.open(*sealed));
}

TEST(SecretBoxTest, OpenRefusesTheUnboundFormatThatOpenUnboundReads) {
  const SecretBox box = box_from(kKeyA);
  auto sealed = box.seal("hunter2");
  ASSERT_TRUE(sealed);
  const std::string unbound = sealed->substr(3);  // the format before v2
  EXPECT_TRUE(SecretBox::is_unbound(unbound));
  EXPECT_EQ(*box.open_unbound(unbound), "hunter2");
  auto opened = box.open(unbound);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().message,
            "a stored secret is in the format before v2, not bound to its resource and field — "
            "open the store with this Sluice once (it converts every secret), or re-apply the "
            "resource with its secret values");
}

TEST(SecretBoxTest, OpenRejectsDamagedText) {
  for (const char* damaged : {"v2:", "v2:abc", "v2:not base64 at all!", "v2:QUJD", "v2:AA==AAAA"}) {
    auto opened = box_from(kKeyA).open(damaged);
    ASSERT_FALSE(opened) << damaged;
    EXPECT_EQ(opened.error().message,
              "a stored secret is damaged (not valid sealed text) — re-apply the resource with "
              "its secret values");
  }
}

TEST(SecretBoxTest, ParseHexKeyAcceptsExactly64HexDigits) {
  EXPECT_TRUE(parse_hex_key(kKeyA));
  EXPECT_EQ(parse_hex_key(std::string(64, 'F')), parse_hex_key(std::string(64, 'f')));
  EXPECT_EQ((*parse_hex_key(kKeyA))[31], 0x1f);
  EXPECT_FALSE(parse_hex_key(std::string(63, 'a')));
  EXPECT_FALSE(parse_hex_key(std::string(65, 'a')));
  EXPECT_FALSE(parse_hex_key(std::string(63, 'a') + "g"));
}

TEST_F(SecretBoxLoadTest, LoadCreatesKeyFileWithMode0600) {
  auto box = SecretBox::load(home_.path());
  ASSERT_TRUE(box) << box.error().message;
  EXPECT_EQ(box->source(), home_.file("secret.key"));
  struct stat info {};
  ASSERT_EQ(::stat(home_.file("secret.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  const std::string text = read_bytes(home_.file("secret.key"));
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_TRUE(parse_hex_key(text.substr(0, 64)));
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(home_.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(SecretBoxLoadTest, LoadReusesTheExistingKeyFile) {
  auto first = SecretBox::load(home_.path());
  auto second = SecretBox::load(home_.path());
  ASSERT_TRUE(first && second);
  auto opened = second->open(*first->seal("hunter2"));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, "hunter2");
}

TEST_F(SecretBoxLoadTest, LoadPrefersTheEnvironmentKeyAndCreatesNoFile) {
  key_env_.set(kKeyA);
  auto box = SecretBox::load(home_.path());
  ASSERT_TRUE(box) << box.error().message;
  EXPECT_EQ(box->source(), "$SLUICE_SECRET_KEY");
  EXPECT_FALSE(std::filesystem::exists(home_.file("secret.key")));
  EXPECT_EQ(*box_from(kKeyA).open(*box->seal("hunter2")), "hunter2");
}

TEST_F(SecretBoxLoadTest, LoadRefusesAMalformedEnvironmentKey) {
  key_env_.set("0123456789abcdef");
  auto box = SecretBox::load(home_.path());
  ASSERT_FALSE(box);
  EXPECT_EQ(box.error().status, Status::kInvalidConfig);
  EXPECT_EQ(box.error().message,
            "$SLUICE_SECRET_KEY is malformed: expected 64 hexadecimal digits (a 32-byte key, e.g. "
            "from `openssl rand -hex 32`), got 16 characters — fix or unset it");
}

TEST_F(SecretBoxLoadTest, LoadRefusesAMalformedKeyFileNamingIt) {
  { std::ofstream(home_.file("secret.key")) << "not a key\n"; }
  std::filesystem::permissions(home_.file("secret.key"), std::filesystem::perms::owner_read |
                                                             std::filesystem::perms::owner_write);
  auto box = SecretBox::load(home_.path());
  ASSERT_FALSE(box);
  EXPECT_EQ(box.error().message,
            "key file " + home_.file("secret.key") +
                " is malformed: expected 64 hexadecimal digits (a 32-byte key), found 9 "
                "characters — restore the original file (the store's secrets can only be read "
                "with it), or set $SLUICE_SECRET_KEY");
}

}  // namespace
}  // namespace sluice::host
