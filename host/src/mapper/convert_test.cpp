#include "mapper/convert.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sluice::mapper {
namespace {

namespace json = boost::json;

std::string as(std::string_view input, DataType type) {
  auto out = convert(json::parse(input), type, {});
  return out ? json::serialize(*out) : "<refused>";
}

TEST(Convert, ToNumberReadsWholeNumbersOnly) {
  EXPECT_EQ(as(R"("12.50")", DataType::kNumber), "1.25E1");
  EXPECT_EQ(as(R"(" 42 ")", DataType::kNumber), "42");
  EXPECT_EQ(as(R"("-3")", DataType::kNumber), "-3");
  EXPECT_EQ(as(R"("1e3")", DataType::kNumber), "1000");
  EXPECT_EQ(as(R"("12,5x")", DataType::kNumber), "<refused>");
  EXPECT_EQ(as(R"("0x1F")", DataType::kNumber), "<refused>");
  EXPECT_EQ(as(R"("nan")", DataType::kNumber), "<refused>");
  EXPECT_EQ(as("true", DataType::kNumber), "1");
  EXPECT_EQ(as("{}", DataType::kNumber), "<refused>");
  EXPECT_EQ(as("null", DataType::kNumber), "null");
}

TEST(Convert, ToStringWritesNumbersAsJavaScriptDoes) {
  EXPECT_EQ(as("12.5", DataType::kString), "\"12.5\"");
  EXPECT_EQ(as("3", DataType::kString), "\"3\"");
  EXPECT_EQ(as("3.0", DataType::kString), "\"3\"");
  EXPECT_EQ(as("1e21", DataType::kString), "\"1e+21\"");
  EXPECT_EQ(as("0.1", DataType::kString), "\"0.1\"");
  EXPECT_EQ(as("0.000001", DataType::kString), "\"0.000001\"");
  EXPECT_EQ(as("1e-7", DataType::kString), "\"1e-7\"");
  EXPECT_EQ(as("false", DataType::kString), "\"false\"");
  EXPECT_EQ(as(R"({"a":1})", DataType::kString), R"("{\"a\":1}")");
}

TEST(Convert, ToBooleanAcceptsTrueFalseOneZeroAndNumbers) {
  EXPECT_EQ(as(R"("TRUE")", DataType::kBoolean), "true");
  EXPECT_EQ(as(R"("0")", DataType::kBoolean), "false");
  EXPECT_EQ(as("2", DataType::kBoolean), "true");
  EXPECT_EQ(as(R"("yes")", DataType::kBoolean), "<refused>");
}

TEST(Convert, ArraysConvertElementWiseAndWrapScalars) {
  EXPECT_EQ(as(R"(["1", 2])", DataType::kNumberArray), "[1,2]");
  EXPECT_EQ(as(R"("7")", DataType::kNumberArray), "[7]");
  EXPECT_EQ(as(R"([1, "x"])", DataType::kNumberArray), "<refused>");
  EXPECT_EQ(as(R"([{"a":1}])", DataType::kObjectArray), R"([{"a":1}])");
  EXPECT_EQ(as(R"([1])", DataType::kObjectArray), "<refused>");
  EXPECT_EQ(as(R"([[1],[2]])", DataType::kArrayArray), "[[1],[2]]");
  EXPECT_EQ(as(R"([1, true])", DataType::kStringArray), R"(["1","true"])");
}

TEST(Convert, DataTypeNamesRoundTrip) {
  for (std::string_view name : {"string", "number", "boolean", "object", "stringarray",
                                "numberarray", "booleanarray", "objectarray", "arrayarray"})
    EXPECT_EQ(to_string(parse_data_type(name).value()), name);
  EXPECT_FALSE(parse_data_type("date").has_value());
}

}  // namespace
}  // namespace sluice::mapper
