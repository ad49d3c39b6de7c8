#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using testing::StoreTest;

constexpr char kHashA[] = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
constexpr char kHashB[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

class ApiTokenStoreTest : public StoreTest {
 protected:
  std::unique_ptr<Store> open() {
    auto store = open_sqlite_store(home_.path());
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }
};

TEST_F(ApiTokenStoreTest, AddedTokensAreListedInNameOrderAfterReopening) {
  {
    auto store = open();
    ASSERT_TRUE(store->add_api_token({"zeta", kHashA, "2026-12-01T10:00:00.000Z"}));
    ASSERT_TRUE(store->add_api_token({"ci", kHashB, "2026-12-01T11:00:00.000Z"}));
  }
  auto store = open();
  auto tokens = store->list_api_tokens();
  ASSERT_TRUE(tokens) << tokens.error().message;
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].name, "ci");
  EXPECT_EQ((*tokens)[0].hash, kHashB);
  EXPECT_EQ((*tokens)[0].created_at, "2026-12-01T11:00:00.000Z");
  EXPECT_EQ((*tokens)[1].name, "zeta");
  EXPECT_EQ((*tokens)[1].hash, kHashA);
}

TEST_F(ApiTokenStoreTest, ASecondTokenOfTheSameNameIsRefusedAndTheFirstKept) {
  auto store = open();
  ASSERT_TRUE(store->add_api_token({"ci", kHashA, "2026-12-01T10:00:00.000Z"}));
  auto again = store->add_api_token({"ci", kHashB, "2026-12-01T11:00:00.000Z"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, Status::kInvalidConfig);
  EXPECT_EQ(again.error().message,
            "an API token named ci exists already — choose another name, or revoke it first "
            "with `sluice token revoke ci`");
  auto tokens = store->list_api_tokens();
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].hash, kHashA);
}

TEST_F(ApiTokenStoreTest, RevokeDeletesOnlyTheNamedTokenAndSaysWhetherItExisted) {
  auto store = open();
  ASSERT_TRUE(store->add_api_token({"ci", kHashA, "2026-12-01T10:00:00.000Z"}));
  ASSERT_TRUE(store->add_api_token({"ui", kHashB, "2026-12-01T10:00:00.000Z"}));
  auto revoked = store->revoke_api_token("ci");
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(*revoked);
  auto again = store->revoke_api_token("ci");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto tokens = store->list_api_tokens();
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].name, "ui");
}

TEST_F(ApiTokenStoreTest, DeleteResourceRemovesOneResourceAndSaysWhetherItExisted) {
  auto store = open();
  ASSERT_TRUE(store->put_resources(
      {Resource{ResourceKind::kExport, "e1", json::parse(R"({"_id":"e1"})").as_object(), {}},
       Resource{ResourceKind::kExport, "e2", json::parse(R"({"_id":"e2"})").as_object(), {}}}));
  auto deleted = store->delete_resource(ResourceKind::kExport, "e1");
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_TRUE(*deleted);
  auto again = store->delete_resource(ResourceKind::kExport, "e1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto left = store->list_resources(ResourceKind::kExport, Secrets::kMasked);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].at("_id").as_string(), "e2");
}

}  // namespace
}  // namespace sluice::host
