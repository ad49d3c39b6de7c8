#include "sluice/json_text.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {
namespace {

using Views = std::vector<std::string_view>;

TEST(JsonValueAtPath, FindsTheArrayAtATopLevelKeyAsItsExactText) {
  const std::string text = R"({"page":1, "orders" : [ {"id":1}, {"id":2} ] ,"next":null})";
  EXPECT_EQ(json_value_at_path(text, "orders"), R"([ {"id":1}, {"id":2} ])");
}

TEST(JsonValueAtPath, FollowsNestedKeysAndArrayIndexes) {
  const std::string text = R"({"data":{"list":[[1],{"orders":[3,4]}]}})";
  EXPECT_EQ(json_value_at_path(text, "data.list.1.orders"), "[3,4]");
  EXPECT_EQ(json_value_at_path(text, "data.list.0"), "[1]");
}

TEST(JsonValueAtPath, SkipsBracketsQuotesAndEscapesInsideStrings) {
  const std::string text =
      R"({"a":"x]}\"[{","b":{"c":"\\"},"orders":[{"note":"]\"},{"}],"z":"\\\\"})";
  EXPECT_EQ(json_value_at_path(text, "orders"), R"([{"note":"]\"},{"}])");
}

TEST(JsonValueAtPath, AKeyOnlyInANestedObjectIsNotATopLevelKey) {
  const std::string text = R"({"meta":{"orders":[1]},"total":3})";
  EXPECT_EQ(json_value_at_path(text, "orders"), std::nullopt);
  EXPECT_EQ(json_value_at_path(text, "meta.orders"), "[1]");
}

TEST(JsonValueAtPath, AMissingStepOrOneOfTheWrongTypeIsNullopt) {
  const std::string text = R"({"orders":[1,2],"total":2})";
  EXPECT_EQ(json_value_at_path(text, "records"), std::nullopt);
  EXPECT_EQ(json_value_at_path(text, "total.x"), std::nullopt);
  EXPECT_EQ(json_value_at_path(text, "orders.2"), std::nullopt);
  EXPECT_EQ(json_value_at_path(text, "orders.x"), std::nullopt);
}

TEST(JsonValueAtPath, AValueThatIsNotAnArrayIsReturnedAsItIs) {
  EXPECT_EQ(json_value_at_path(R"({"orders":{"a":1}})", "orders"), R"({"a":1})");
  EXPECT_EQ(json_value_at_path(R"({"orders":25})", "orders"), "25");
}

TEST(JsonValueAtPath, TheEmptyPathIsTheWholeDocumentWithoutWhitespace) {
  EXPECT_EQ(json_value_at_path(" \n[1, 2]\t", ""), "[1, 2]");
}

TEST(JsonValueAtPath, ADuplicateKeyOrAnEscapedKeyIsNulloptSoThatCallersParse) {
  EXPECT_EQ(json_value_at_path(R"({"orders":[1],"orders":[2]})", "orders"), std::nullopt);
  EXPECT_EQ(json_value_at_path(R"({"ord\u0065rs":[1],"orders":[2]})", "orders"), std::nullopt);
}

TEST(JsonValueAtPath, MalformedDocumentsAreNullopt) {
  for (const char* text : {R"({"orders":[1,2})", R"({"orders":[1,2]} x)", R"({"orders":"[1]})",
                           R"({"orders" [1]})", R"({"orders":[1,,2]})", "", R"({"a":1,})"}) {
    EXPECT_EQ(json_value_at_path(text, "orders"), std::nullopt) << text;
  }
}

TEST(JsonArrayElements, GivesEachElementsTextInOrder) {
  EXPECT_EQ(json_array_elements(R"( [ {"a":[1,"]"]} , "x,y" ,3,null,[] ] )"),
            (Views{R"({"a":[1,"]"]})", R"("x,y")", "3", "null", "[]"}));
  EXPECT_EQ(json_array_elements("[]"), Views{});
}

TEST(JsonArrayElements, NotOneArrayIsNullopt) {
  for (const char* text : {R"({"a":1})", "[1,2", "[1,2] [3]", "[1 2]", "", "[,]"}) {
    EXPECT_EQ(json_array_elements(text), std::nullopt) << text;
  }
}

TEST(ValidateJsonArray, CountsTheElementsOfAValidArray) {
  EXPECT_EQ(validate_json_array(R"([{"a":[1,2,3]},"x",[4,5],null])"), 4u);
  EXPECT_EQ(validate_json_array(" [] "), 0u);
}

TEST(ValidateJsonArray, RefusesInvalidJsonAndNonArrays) {
  for (const char* text :
       {R"([{"a":tru}])", "[1,2", R"([1] x)", R"({"a":1})", "[01]", "\"[1]\"", R"(["\x"])"}) {
    EXPECT_EQ(validate_json_array(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace sluice
