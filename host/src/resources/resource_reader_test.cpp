// Specifies how resource text is checked and where errors are placed.
#include "resources/resource_reader.hpp"

#include <gtest/gtest.h>

namespace sluice::host {
namespace {

TEST(PositionOf, CountsLinesAndCharactersFromOne) {
  EXPECT_EQ(position_of("abc", 0).line, 1u);
  EXPECT_EQ(position_of("abc", 0).column, 1u);
  EXPECT_EQ(position_of("ab\ncd", 4).line, 2u);
  EXPECT_EQ(position_of("ab\ncd", 4).column, 2u);
  EXPECT_EQ(position_of("\xC3\xA9x", 2).column, 2u);  // after "é", one character
  EXPECT_EQ(position_of("ab", 99).column, 3u);
}

TEST(InvalidUtf8Offset, FindsTheFirstByteThatIsNotWellFormedUtf8) {
  EXPECT_EQ(invalid_utf8_offset("plain"), std::string_view::npos);
  EXPECT_EQ(invalid_utf8_offset("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            std::string_view::npos);
  EXPECT_EQ(invalid_utf8_offset("ab\xFF"), 2u);
  EXPECT_EQ(invalid_utf8_offset("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(invalid_utf8_offset("a\xE0\x80\x80"), 1u);     // overlong
  EXPECT_EQ(invalid_utf8_offset("\xED\xA0\x80"), 0u);      // surrogate
  EXPECT_EQ(invalid_utf8_offset("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(invalid_utf8_offset("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(invalid_utf8_offset("x\xE2\x82"), 1u);  // cut short
  EXPECT_EQ(invalid_utf8_offset("\x80"), 0u);       // lone continuation
}

TEST(ParseResourceText, AcceptsCommentsTrailingCommasAndABom) {
  auto v = parse_resource_text("\xEF\xBB\xBF{\"a\": 1, // note\n \"b\": [2,],}", "f");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->at("b").as_array().size(), 1u);
}

TEST(ParseResourceText, PlacesTrailingDataAndErrorsAfterABomOnTheirLine) {
  auto extra = parse_resource_text("{}\n  x", "f");
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().message, "f:2:3: not valid JSON: extra data");
  auto bom = parse_resource_text("\xEF\xBB\xBF{x}", "f");
  ASSERT_FALSE(bom);
  EXPECT_EQ(bom.error().message, "f:1:2: not valid JSON: syntax error");
}

TEST(DescribeSize, GivesBytesAndMegabytes) {
  EXPECT_EQ(describe_size(5 * kMiB), "5242880 bytes (5.0 MB)");
}

}  // namespace
}  // namespace sluice::host
