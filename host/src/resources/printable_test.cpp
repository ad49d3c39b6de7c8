// Specifies how user text is made safe to print.
#include "resources/printable.hpp"

#include <gtest/gtest.h>

namespace sluice::host {
namespace {

TEST(Printable, ShowsControlCharactersAsVisibleEscapes) {
  EXPECT_EQ(printable("two\nlines\r\tand \x1b[2J clear\x7f"),
            "two\\nlines\\r\\tand \\x1b[2J clear\\x7f");
  EXPECT_EQ(printable("next line \xC2\x85 csi \xC2\x9B"), "next line \\u0085 csi \\u009b");
  EXPECT_EQ(printable(std::string("nul\0end", 7)), "nul\\x00end");
}

TEST(Printable, LeavesOtherTextAlone) {
  EXPECT_EQ(printable("café – 😀 back\\slash"), "café – 😀 back\\slash");
}

TEST(Printable, ShowsBytesThatAreNotUtf8AsHex) {
  EXPECT_EQ(printable("a\xFF"
                      "b\xE2\x82"),
            "a\\xFFb\\xE2\\x82");
}

TEST(JsonQuoted, EscapesControlCharacters) {
  EXPECT_EQ(json_quoted("a\x1b\nb"), "\"a\\u001b\\nb\"");
}

}  // namespace
}  // namespace sluice::host
