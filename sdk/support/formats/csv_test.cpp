#include "sluice/support/formats/csv.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace sluice::support::formats {
namespace {

namespace json = boost::json;

std::string convert(std::string_view csv, const CsvOptions& options = {}) {
  auto records = csv_to_json(csv, options);
  if (!records) return "error: " + records.error().message;
  return json::serialize(*records);
}

TEST(CsvToJson, TheHeaderRowNamesTheFieldsOfEachRecord) {
  EXPECT_EQ(convert("id,name\n1,Ada\n2,Grace\n"),
            R"([{"id":"1","name":"Ada"},{"id":"2","name":"Grace"}])");
}

TEST(CsvToJson, QuotedFieldsHoldDelimitersQuotesAndLineBreaks) {
  EXPECT_EQ(convert("id,note\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n"),
            R"([{"id":"1","note":"a, b"},{"id":"2","note":"say \"hi\""},)"
            R"({"id":"3","note":"two\r\nlines"}])");
}

TEST(CsvToJson, TheLastRowNeedsNoLineBreakAndEmptyLinesAreSkipped) {
  EXPECT_EQ(convert("a,b\n\n1,2\n\n3,4"), R"([{"a":"1","b":"2"},{"a":"3","b":"4"}])");
}

TEST(CsvToJson, EmptyFieldsAreEmptyStrings) {
  EXPECT_EQ(convert("a,b,c\n,,\n\"\",x,\n"), R"([{"a":"","b":"","c":""},{"a":"","b":"x","c":""}])");
}

TEST(CsvToJson, SpacesAreKeptUnlessTrimSpacesIsSet) {
  EXPECT_EQ(convert("a,b\n 1 ,\t2\n"), "[{\"a\":\" 1 \",\"b\":\"\\t2\"}]");
  EXPECT_EQ(convert("a,b\n 1 ,\t2\n", {.trim_spaces = true}), R"([{"a":"1","b":"2"}])");
}

TEST(CsvToJson, HeaderNamesAreAlwaysTrimmed) {
  EXPECT_EQ(convert(" id , name \n1,Ada\n"), R"([{"id":"1","name":"Ada"}])");
}

TEST(CsvToJson, EmptyAndRepeatedHeaderNamesAreMadeUnique) {
  EXPECT_EQ(convert("a,,a,a\n1,2,3,4\n"), R"([{"a":"1","Column2":"2","a_2":"3","a_3":"4"}])");
}

TEST(CsvToJson, WithoutAHeaderRowKeysArePositional) {
  EXPECT_EQ(convert("1,Ada\n2,Grace,x\n", {.has_header_row = false}),
            R"([{"Column1":"1","Column2":"Ada"},{"Column1":"2","Column2":"Grace","Column3":"x"}])");
}

TEST(CsvToJson, RowsToSkipAreIgnoredBeforeTheHeader) {
  EXPECT_EQ(convert("Report,2026\nGenerated,today\nid\n7\n", {.rows_to_skip = 2}),
            R"([{"id":"7"}])");
}

TEST(CsvToJson, OtherColumnDelimiters) {
  EXPECT_EQ(convert("a;b\n1,5;\"x;y\"\n", {.column_delimiter = ';'}), R"([{"a":"1,5","b":"x;y"}])");
  EXPECT_EQ(convert("a\tb\n1\t2\n", {.column_delimiter = '\t'}), R"([{"a":"1","b":"2"}])");
}

TEST(CsvToJson, AShortRowGetsEmptyValuesForTheMissingFields) {
  EXPECT_EQ(convert("a,b,c\n1\n"), R"([{"a":"1","b":"","c":""}])");
}

TEST(CsvToJson, ALongRowIsAnErrorNamingTheRow) {
  EXPECT_EQ(convert("a,b\n1,2\n3,4,5\n"),
            "error: CSV line 3, column 5 (row 3, field 3): the row has 3 fields but the header row "
            "has 2; quote values that contain the delimiter, or check file.csv.columnDelimiter");
}

TEST(CsvToJson, AQuoteInsideAnUnquotedFieldNamesRowColumnAndLine) {
  EXPECT_EQ(convert("a,b\n1,2\n3,x\"y\n"),
            "error: CSV line 3, column 4 (row 3, field 2): a quote inside an unquoted field; quote "
            "the whole field and double the quote (\"\")");
}

TEST(CsvToJson, TextAfterAClosingQuoteIsAnError) {
  EXPECT_EQ(convert("a,b\n\"x\"y,2\n"),
            "error: CSV line 2, column 4 (row 2, field 1): after a closing quote, 'y' where the "
            "delimiter or the end of the row must follow; a quote inside a quoted field is written "
            "as two (\"\")");
}

TEST(CsvToJson, AnUnclosedQuoteIsAnError) {
  EXPECT_EQ(convert("a,b\n1,\"open\n2,3\n"),
            "error: CSV line 2, column 3 (row 2, field 2): a quoted field is not closed before the "
            "end of the file; add the closing quote");
}

TEST(CsvToJson, AnEmptyDocumentHasNoRecords) {
  EXPECT_EQ(convert(""), "[]");
  EXPECT_EQ(convert("a,b\n"), "[]");
}

TEST(CsvToJson, ADocumentLongerThanTheLimitIsRefused) {
  EXPECT_EQ(convert("a\n1\n", {.max_bytes = 3}),
            "error: the CSV document is 4 bytes, more than the limit of 3");
}

TEST(CsvToJson, AQuoteCannotBeTheDelimiter) {
  EXPECT_EQ(convert("a\n", {.column_delimiter = '"'}),
            "error: file.csv.columnDelimiter cannot be a quote or a line break");
}

}  // namespace
}  // namespace sluice::support::formats

namespace sluice::support::formats {
namespace {

// Every prefix of a document either converts or is refused naming a row; none crashes (the ASan
// build runs this).
TEST(CsvToJson, EveryTruncationOfADocumentIsConvertedOrRefusedWithARow) {
  const std::string doc = "id,note\r\n1,\"a, \"\"b\"\"\r\nc\"\r\n2,x\r\n";
  for (size_t n = 0; n <= doc.size(); ++n) {
    auto records = csv_to_json(std::string_view(doc).substr(0, n));
    if (!records) {
      EXPECT_EQ(records.error().message.substr(0, 9), "CSV line ") << n;
    }
  }
  auto whole = csv_to_json(doc);
  ASSERT_TRUE(whole);
  EXPECT_EQ(json::serialize(*whole),
            R"([{"id":"1","note":"a, \"b\"\r\nc"},{"id":"2","note":"x"}])");
}

}  // namespace
}  // namespace sluice::support::formats
