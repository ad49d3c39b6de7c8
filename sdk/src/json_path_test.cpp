// Specifies dotted-path lookups into JSON documents.
#include "sluice/json_path.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice {
namespace {

namespace json = boost::json;

TEST(JsonPath, FindsNestedMembersAndArrayIndexes) {
  const json::value doc = json::parse(R"({"data":{"orders":[{"sku":"A"},{"sku":"B"}]}})");
  ASSERT_NE(find_path(doc, "data.orders.1.sku"), nullptr);
  EXPECT_EQ(*find_path(doc, "data.orders.1.sku"), "B");
  EXPECT_EQ(find_path(doc, ""), &doc);
  EXPECT_EQ(find_path(doc, "data.orders.2"), nullptr);
  EXPECT_EQ(find_path(doc, "data.orders.x"), nullptr);
  EXPECT_EQ(find_path(doc, "data.missing.deeper"), nullptr);
}

TEST(JsonPath, FindsFromAnObjectWithoutCopyingIt) {
  const json::object doc = json::parse(R"({"http":{"auth":{"type":"basic"}}})").as_object();
  const json::value* type = find_path(doc, "http.auth.type");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(*type, "basic");
  EXPECT_EQ(type, &doc.at("http").at("auth").at("type"));
  EXPECT_EQ(find_path(doc, ""), nullptr);
}

TEST(JsonPath, SetsCreatingObjectsAndRefusesToWalkThroughScalars) {
  json::value doc;
  EXPECT_TRUE(set_path(doc, "a.b.c", 1));
  EXPECT_EQ(doc, json::parse(R"({"a":{"b":{"c":1}}})"));
  EXPECT_FALSE(set_path(doc, "a.b.c.d", 2));
}

}  // namespace
}  // namespace sluice
