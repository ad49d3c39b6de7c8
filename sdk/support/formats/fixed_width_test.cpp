// The fixed-width reader and writer, through make_reader / make_writer with a file definition.
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "sluice/support/formats/file_options.hpp"
#include "text_formats_test_util.hpp"

namespace sluice::support::formats {
namespace {

namespace json = boost::json;
using testing::read_all;
using testing::read_every_split;
using testing::write_all;
using Type = FixedWidthField::Type;

FileOptions fixed() {
  FileOptions file;
  file.type = FileType::kFixedWidth;
  file.fixed_width = {{.name = "sku", .start = 1, .length = 6},
                      {.name = "qty", .start = 7, .length = 4, .type = Type::kNumber},
                      {.name = "ok", .start = 12, .length = 1, .type = Type::kBoolean}};
  return file;
}

TEST(FixedWidthReader, FieldsAreCutAtTheirPositionsTrimmedAndTyped) {
  EXPECT_EQ(read_all(fixed(), "AB-1    12 Y\nX     -3.5 n trailing\n\n  Z       x0\n"),
            "1@1: {\"sku\":\"AB-1\",\"qty\":12,\"ok\":true}\n"
            "2@2: {\"sku\":\"X\",\"qty\":-3.5E0,\"ok\":false}\n"
            "3@4: {\"sku\":\"Z\",\"qty\":null,\"ok\":false}\n");
}

TEST(FixedWidthReader, PositionsCountCharactersNotBytes) {
  EXPECT_EQ(read_all(fixed(), "caf\xC3\xA9  1    1\r\n"),
            "1@1: {\"sku\":\"caf\xC3\xA9\",\"qty\":1,\"ok\":true}\n");
}

TEST(FixedWidthReader, AShortLineOrABadValueIsThatRecordsError) {
  EXPECT_EQ(
      read_all(fixed(), "AB     1\nAB    1x   Y\nAB       1 maybe\nCD       2 1\n", "stock.txt"),
      "1@1:9 error: stock.txt line 1, column 9: the line is 8 characters long but field "
      "\"ok\" ends at character 12; check the file definition's positions\n"
      "2@2:7 error: stock.txt line 2, column 7: field \"qty\" is \"1x\", not a number\n"
      "3@3:12 error: stock.txt line 3, column 12: field \"ok\" is \"m\", not a boolean "
      "(true/false, yes/no, y/n or 1/0)\n"
      "4@4: {\"sku\":\"CD\",\"qty\":2,\"ok\":true}\n");
}

TEST(FixedWidthReader, ChunksSplitAnywhereGiveTheSameRecords) {
  EXPECT_EQ(read_every_split(fixed(), "\xEF\xBB\xBF\xC3\xA9     1    0\r\nshort\nB     22   Y"),
            "1@1: {\"sku\":\"\xC3\xA9\",\"qty\":1,\"ok\":false}\n"
            "2@2:6 error: in.txt line 2, column 6: the line is 5 characters long but field \"ok\" "
            "ends at character 12; check the file definition's positions\n"
            "3@3: {\"sku\":\"B\",\"qty\":22,\"ok\":true}\n");
}

TEST(FixedWidthWriter, PadsStringsLeftNumbersRightAndCutsLongStrings) {
  EXPECT_EQ(write_all(fixed(), {json::parse(R"({"sku":"AB-1","qty":12,"ok":true})"),
                                json::parse(R"({"qty":-3.5,"sku":"caf\u00e9-long"})"),
                                json::parse(R"({"ok":null})")}),
            "AB-1    12 Y\n"
            "caf\xC3\xA9-l-3.5  \n"
            "            \n");
}

TEST(FixedWidthWriter, ValuesThatDoNotFitOrFieldsItDoesNotHaveAreThatRecordsError) {
  FileOptions options = fixed();
  options.fixed_width[2].length = 5;
  std::string errors;
  EXPECT_EQ(write_all(options,
                      {json::parse(R"({"qty":123456})"), json::parse(R"({"x":1})"),
                       json::parse(R"({"sku":{"a":1}})"), json::parse(R"({"ok":false})")},
                      &errors),
            "           false\n");
  EXPECT_EQ(
      errors,
      "fixed-width file, record 1 field \"qty\" is 123456, 6 characters, longer than its 4; "
      "widen the field\n"
      "fixed-width file, record 2 has the field \"x\", which the file definition does not "
      "have; add it to file.fileDefinition.fields or remove it in a mapping\n"
      "fixed-width file, record 3 field \"sku\" is an object or an array; a fixed-width value "
      "must be a string, number, boolean or null\n");
}

TEST(FixedWidthWriter, TheReaderReadsWhatItWrites) {
  FileOptions options = fixed();
  options.fixed_width_row_delimiter = "\r\n";
  const std::vector<json::value> input = {json::parse(R"({"sku":"A","qty":1,"ok":true})"),
                                          json::parse(R"({"sku":"B","qty":-20,"ok":false})")};
  const std::string bytes = write_all(options, input);
  EXPECT_EQ(bytes, "A        1 Y\r\nB      -20 N\r\n");
  EXPECT_EQ(read_all(options, bytes),
            "1@1: {\"sku\":\"A\",\"qty\":1,\"ok\":true}\n"
            "2@2: {\"sku\":\"B\",\"qty\":-20,\"ok\":false}\n");
}

}  // namespace
}  // namespace sluice::support::formats
