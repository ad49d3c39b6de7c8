#include "filter/field_path.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sluice::host::filter::detail {
namespace {

std::vector<std::string> keys(std::string_view text) {
  std::string problem;
  auto path = FieldPath::parse(text, problem);
  EXPECT_TRUE(path) << text << ": " << problem;
  std::vector<std::string> out;
  if (path)
    for (const auto& seg : path->segments()) out.push_back(seg.key);
  return out;
}

std::string problem_of(std::string_view text) {
  std::string problem;
  EXPECT_FALSE(FieldPath::parse(text, problem)) << text;
  return problem;
}

using V = std::vector<std::string>;

TEST(FieldPath, SplitsDotsBracketsAndQuotedNames) {
  EXPECT_EQ(keys("a"), V({"a"}));
  EXPECT_EQ(keys("a.b.c"), V({"a", "b", "c"}));
  EXPECT_EQ(keys("a[0].c"), V({"a", "0", "c"}));
  EXPECT_EQ(keys("a[0][1]"), V({"a", "0", "1"}));
  EXPECT_EQ(keys("a.0.c"), V({"a", "0", "c"}));
  EXPECT_EQ(keys("Customer Name"), V({"Customer Name"}));
  EXPECT_EQ(keys("a[\"x.y\"].z"), V({"a", "x.y", "z"}));
  EXPECT_EQ(keys("['a b']"), V({"a b"}));
  EXPECT_EQ(keys("a['[x]']"), V({"a", "[x]"}));
}

TEST(FieldPath, RefusesMalformedPaths) {
  EXPECT_EQ(problem_of(""), "the path is empty");
  EXPECT_EQ(problem_of(".a"), "an empty name at character 1");
  EXPECT_EQ(problem_of("a."), "the path ends with a dot");
  EXPECT_EQ(problem_of("a[0]."), "the path ends with a dot");
  EXPECT_EQ(problem_of("a[0"), "the bracket at character 2 is not closed");
  EXPECT_EQ(
      problem_of("a[-1]"),
      "expected an index like [0] or a quoted name like [\"a b\"] at character 2, found [-1]");
  EXPECT_EQ(problem_of("a[\"b]"), "the quote at character 3 is not closed");
  EXPECT_EQ(problem_of("a[\"b\"x]"), "expected ] at character 6 after the quoted name");
  EXPECT_EQ(problem_of("a[0]b"), "expected . or [ at character 5 after ]");
}

TEST(FieldPath, FindsValuesOrNothing) {
  const auto doc = boost::json::parse(R"({"a": [{"b": 1}, {"b": 2}], "n": null, "o": {"7": "x"}})");
  std::string problem;
  EXPECT_EQ(FieldPath::parse("a[1].b", problem)->find(doc)->as_int64(), 2);
  EXPECT_EQ(FieldPath::parse("a.1.b", problem)->find(doc)->as_int64(), 2);
  EXPECT_EQ(FieldPath::parse("o[7]", problem)->find(doc)->as_string(), "x");
  EXPECT_TRUE(FieldPath::parse("n", problem)->find(doc)->is_null());
  EXPECT_EQ(FieldPath::parse("a[2].b", problem)->find(doc), nullptr);
  EXPECT_EQ(FieldPath::parse("a.b", problem)->find(doc), nullptr);
  EXPECT_EQ(FieldPath::parse("n.x", problem)->find(doc), nullptr);
  EXPECT_EQ(FieldPath::parse("missing", problem)->find(doc), nullptr);
}

}  // namespace
}  // namespace sluice::host::filter::detail
