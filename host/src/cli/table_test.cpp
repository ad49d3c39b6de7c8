// Specifies the terminal tables every `sluice get` and `sluice errors` prints.
#include "cli/table.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace sluice::cli {
namespace {

TEST(Table, PadsColumnsToTheirWidestCell) {
  Table t({"ID", "NAME"});
  t.add({"a", "first"});
  t.add({"long-id", "second"});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(), "ID       NAME\na        first\nlong-id  second\n");
}

TEST(Table, PrintsControlCharactersInCellsAsVisibleEscapes) {
  Table t({"ID", "NAME"});
  t.add({"x", "two\nlines \x1b[2J\x1b]0;title\x07 \xC2\x9B"});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(), "ID  NAME\nx   two\\nlines \\x1b[2J\\x1b]0;title\\x07 \\u009b\n");
}

TEST(Table, MeasuresTheEscapedTextSoColumnsStayAligned) {
  Table t({"NAME", "WHAT"});
  t.add({"a\tb", "x"});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(), "NAME  WHAT\na\\tb  x\n");
}

}  // namespace
}  // namespace sluice::cli
