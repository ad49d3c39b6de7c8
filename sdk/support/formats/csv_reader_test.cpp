// The streaming CSV reader, through make_reader with file.type csv.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "sluice/support/formats/csv.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "text_formats_test_util.hpp"

namespace sluice::support::formats {
namespace {

using testing::read_all;
using testing::read_every_split;

FileOptions csv(CsvFileOptions options = {}) {
  FileOptions file;
  file.type = FileType::kCsv;
  file.csv = std::move(options);
  return file;
}

TEST(CsvReader, EachRecordCarriesTheLineItStartsOn) {
  EXPECT_EQ(read_all(csv(), "id,name\n1,Ada\n2,\"Grace\nHopper\"\n\n3,Lin\n"),
            "1@2: {\"id\":\"1\",\"name\":\"Ada\"}\n"
            "2@3: {\"id\":\"2\",\"name\":\"Grace\\nHopper\"}\n"
            "3@6: {\"id\":\"3\",\"name\":\"Lin\"}\n");
}

TEST(CsvReader, ChunksSplitAnywhereGiveTheSameRecordsAndErrors) {
  const std::string file =
      "\xEF\xBB\xBFid,note\r\n1,\"a, "
      "\"\"b\"\"\r\nc\"\r\n2,x\"y\r\n3,\"q\"z\r\n4,ok,extra\r\n5,\r\n";
  EXPECT_EQ(read_every_split(csv(), file),
            "1@2: {\"id\":\"1\",\"note\":\"a, \\\"b\\\"\\r\\nc\"}\n"
            "2@4:4 error: in.txt line 4, column 4 (row 3, field 2): a quote inside an unquoted "
            "field; quote the whole field and double the quote (\"\")\n"
            "3@5:6 error: in.txt line 5, column 6 (row 4, field 2): after a closing quote, 'z' "
            "where the delimiter or the end of the row must follow; a quote inside a quoted field "
            "is written as two (\"\")\n"
            "4@6:6 error: in.txt line 6, column 6 (row 5, field 3): the row has 3 fields but the "
            "header row has 2; quote values that contain the delimiter, or check "
            "file.csv.columnDelimiter\n"
            "5@7: {\"id\":\"5\",\"note\":\"\"}\n");
}

TEST(CsvReader, ChunkSplitsDoNotChangeKeyColumnGroupsOrSkippedRows) {
  CsvFileOptions options{.rows_to_skip = 1, .key_columns = {"order"}};
  EXPECT_EQ(read_every_split(csv(options), "title\norder,sku\n1,A\n1,B\n2,C"),
            "1@3: {\"order\":\"1\",\"rows\":[{\"order\":\"1\",\"sku\":\"A\"},"
            "{\"order\":\"1\",\"sku\":\"B\"}]}\n"
            "2@5: {\"order\":\"2\",\"rows\":[{\"order\":\"2\",\"sku\":\"C\"}]}\n");
}

// Found by csv_fuzz: with CRLF, a lone CR ends a row inside a line, and the next row's position
// must not depend on where a chunk was cut.
TEST(CsvReader, ARowAfterALoneCarriageReturnHasTheSamePositionInAnyChunks) {
  EXPECT_EQ(read_every_split(csv({.row_delimiter = "\r\n"}), "a,b\r\n1,2\r3,\"x\r\n"),
            "1@2: {\"a\":\"1\",\"b\":\"2\"}\n"
            "finish error: in.txt line 2, column 7 (row 3, field 2): a quoted field is not closed "
            "before the end of the file; add the closing quote");
}

// Found by csv_fuzz: spaces libcsv skips before a row (trimSpaces) are not part of the row, in
// whichever chunk they arrive.
TEST(CsvReader, SpacesBeforeARowDoNotMoveItsPositionInAnyChunks) {
  EXPECT_EQ(read_every_split(csv({.trim_spaces = true}), "a,b\n \t\"x,1\n"),
            "finish error: in.txt line 2, column 3 (row 2, field 1): a quoted field is not closed "
            "before the end of the file; add the closing quote");
}

TEST(CsvReader, TheRowDelimiterIsDetectedFromTheFirstLineBreak) {
  // LF: a carriage return inside a row is data.
  EXPECT_EQ(read_all(csv(), "a,b\n1,x\ry\n"), "1@2: {\"a\":\"1\",\"b\":\"x\\ry\"}\n");
  // CRLF: no carriage return is left at the end of the last field.
  EXPECT_EQ(read_all(csv(), "a,b\r\n1,2\r\n\"3\",\"4\"\r\n"),
            "1@2: {\"a\":\"1\",\"b\":\"2\"}\n2@3: {\"a\":\"3\",\"b\":\"4\"}\n");
  // CR alone: a line feed inside a row is data.
  EXPECT_EQ(read_all(csv(), "a,b\r1,x\ny\r2,z"),
            "1@2: {\"a\":\"1\",\"b\":\"x\\ny\"}\n2@3: {\"a\":\"2\",\"b\":\"z\"}\n");
}

TEST(CsvReader, AnExplicitRowDelimiterIsTheOnlyOne) {
  // "\n" on a CRLF file: the carriage returns belong to the last fields.
  EXPECT_EQ(read_all(csv({.row_delimiter = "\n"}), "a,b\r\n1,2\r\n"),
            "1@2: {\"a\":\"1\",\"b\\r\":\"2\\r\"}\n");
  EXPECT_EQ(read_all(csv({.row_delimiter = "\r"}), "a\n1\r2\r"), "1@2: {\"a\\n1\":\"2\"}\n");
}

TEST(CsvReader, WithoutAHeaderRowKeysArePositional) {
  EXPECT_EQ(read_all(csv({.has_header_row = false}), "1,Ada\n2,Grace,x\n"),
            "1@1: {\"Column1\":\"1\",\"Column2\":\"Ada\"}\n"
            "2@2: {\"Column1\":\"2\",\"Column2\":\"Grace\",\"Column3\":\"x\"}\n");
}

TEST(CsvReader, TrimSpacesTrimsEveryValueHeadersAreAlwaysTrimmed) {
  EXPECT_EQ(read_all(csv(), " a ,b\n 1 ,\" 2 \"\n"), "1@2: {\"a\":\" 1 \",\"b\":\" 2 \"}\n");
  EXPECT_EQ(read_all(csv({.trim_spaces = true}), " a ,b\n 1 ,\" 2 \"\n"),
            "1@2: {\"a\":\"1\",\"b\":\"2\"}\n");
}

TEST(CsvReader, RowsToSkipComeBeforeTheHeader) {
  EXPECT_EQ(read_all(csv({.rows_to_skip = 2}), "Report\n\"Generated\nat noon\"\nid\n7\n"),
            "1@5: {\"id\":\"7\"}\n");
}

TEST(CsvReader, ASkippedRowNeedNotBeValidCsv) {
  EXPECT_EQ(read_all(csv({.rows_to_skip = 1}), "Report \"2026\" x\nid\n7\n"),
            "1@3: {\"id\":\"7\"}\n");
}

// Memory is bounded by the row, not the file: a file far larger than the bound is read, a row
// larger than it is refused (ARowLongerThanTheBoundFailsTheFile).
TEST(CsvReader, AFileFarLargerThanTheBoundIsRead) {
  FileOptions options = csv();
  options.max_record_bytes = 1000;
  testing::LogSink sink;
  auto reader = make_reader(options, "big.csv", sink);
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*reader)->write("id,text\n"));
  const std::string row = "1,\"" + std::string(500, 'x') + "\"\n";
  for (int i = 0; i < 2000; ++i) ASSERT_TRUE((*reader)->write(row));
  ASSERT_TRUE((*reader)->finish());
  EXPECT_EQ(std::count(sink.log.begin(), sink.log.end(), '\n'), 2000);
  EXPECT_EQ(sink.log.find("error"), std::string::npos);
}

TEST(CsvReader, OtherColumnDelimiters) {
  EXPECT_EQ(read_all(csv({.column_delimiter = ';'}), "a;b\n1,5;\"x;y\"\n"),
            "1@2: {\"a\":\"1,5\",\"b\":\"x;y\"}\n");
  EXPECT_EQ(read_all(csv({.column_delimiter = '\t'}), "a\tb\n1\t2\n"),
            "1@2: {\"a\":\"1\",\"b\":\"2\"}\n");
}

TEST(CsvReader, DisableQuoteTreatsQuotesAsTextAndStripsEnclosingOnes) {
  EXPECT_EQ(read_all(csv({.disable_quote = true}),
                     "\"a\",b\r\n\"1\",say \"hi\"\r\n\"x,y\",z\r\n\"\"\"q\",w\r\n"),
            "1@2: {\"a\":\"1\",\"b\":\"say \\\"hi\\\"\"}\n"
            "2@3:7 error: in.txt line 3, column 7 (row 3, field 3): the row has 3 fields but the "
            "header row has 2; quote values that contain the delimiter, or check "
            "file.csv.columnDelimiter\n"
            "3@4: {\"a\":\"\\\"\\\"q\",\"b\":\"w\"}\n");
}

TEST(CsvReader, DisableQuoteIsTheSameInAnyChunks) {
  EXPECT_EQ(
      read_every_split(csv({.disable_quote = true, .key_columns = {"k"}}),
                       "k,v\n\"1\",a\n1,\"b\n2,c"),
      "1@2: {\"k\":\"1\",\"rows\":[{\"k\":\"1\",\"v\":\"a\"},{\"k\":\"1\",\"v\":\"\\\"b\"}]}\n"
      "2@4: {\"k\":\"2\",\"rows\":[{\"k\":\"2\",\"v\":\"c\"}]}\n");
}

TEST(CsvReader, KeyColumnsGroupConsecutiveRowsWithEqualKeys) {
  EXPECT_EQ(read_all(csv({.key_columns = {"order", "ship"}}),
                     "order,ship,sku\n1,a,A\n1,a,B\n1,b,C\n2,b,D\n1,a,E\n"),
            "1@2: {\"order\":\"1\",\"ship\":\"a\",\"rows\":[{\"order\":\"1\",\"ship\":\"a\","
            "\"sku\":\"A\"},{\"order\":\"1\",\"ship\":\"a\",\"sku\":\"B\"}]}\n"
            "2@4: {\"order\":\"1\",\"ship\":\"b\",\"rows\":[{\"order\":\"1\",\"ship\":\"b\","
            "\"sku\":\"C\"}]}\n"
            "3@5: {\"order\":\"2\",\"ship\":\"b\",\"rows\":[{\"order\":\"2\",\"ship\":\"b\","
            "\"sku\":\"D\"}]}\n"
            "4@6: {\"order\":\"1\",\"ship\":\"a\",\"rows\":[{\"order\":\"1\",\"ship\":\"a\","
            "\"sku\":\"E\"}]}\n");
}

TEST(CsvReader, AMalformedRowEndsTheGroupBeforeIt) {
  EXPECT_EQ(read_all(csv({.key_columns = {"k"}}), "k,v\n1,a\n1,b\"\n1,c\n"),
            "1@2: {\"k\":\"1\",\"rows\":[{\"k\":\"1\",\"v\":\"a\"}]}\n"
            "2@3:4 error: in.txt line 3, column 4 (row 3, field 2): a quote inside an unquoted "
            "field; quote the whole field and double the quote (\"\")\n"
            "3@4: {\"k\":\"1\",\"rows\":[{\"k\":\"1\",\"v\":\"c\"}]}\n");
}

TEST(CsvReader, KeyColumnsWithoutAHeaderArePositional) {
  EXPECT_EQ(read_all(csv({.has_header_row = false, .key_columns = {"Column2"}}), "a,1\nb,1\n"),
            "1@1: {\"Column2\":\"1\",\"rows\":[{\"Column1\":\"a\",\"Column2\":\"1\"},"
            "{\"Column1\":\"b\",\"Column2\":\"1\"}]}\n");
  EXPECT_EQ(read_all(csv({.has_header_row = false, .key_columns = {"order"}}), "a\n"),
            "make_reader error: file.csv.keyColumns names \"order\", but without a header row the "
            "columns are Column1, Column2, ...");
}

TEST(CsvReader, AKeyColumnMissingFromTheHeaderStopsTheFile) {
  EXPECT_EQ(read_all(csv({.key_columns = {"order"}}), "id,sku\n1,A\n"),
            "write error: in.txt line 1: file.csv.keyColumns names \"order\", which is not a "
            "column of the header row (id, sku)");
}

TEST(CsvReader, AnErrorInsideAMultiLineFieldNamesItsLineAndTheReaderGoesOn) {
  EXPECT_EQ(read_all(csv(), "a,b\n1,\"ab\ncd\"e\n2,z\n"),
            "1@3:4 error: in.txt line 3, column 4 (row 2, field 2): after a closing quote, 'e' "
            "where the delimiter or the end of the row must follow; a quote inside a quoted field "
            "is written as two (\"\")\n"
            "2@4: {\"a\":\"2\",\"b\":\"z\"}\n");
}

TEST(CsvReader, AnUnclosedQuoteFailsTheFileAtTheFieldThatOpenedIt) {
  EXPECT_EQ(read_all(csv(), "a,b\n1,2\n3,\"open\n4,5\n", "orders.csv"),
            "1@2: {\"a\":\"1\",\"b\":\"2\"}\n"
            "finish error: orders.csv line 3, column 3 (row 3, field 2): a quoted field is not "
            "closed before the end of the file; add the closing quote");
}

TEST(CsvReader, ARowLongerThanTheBoundFailsTheFile) {
  FileOptions options = csv();
  options.max_record_bytes = 16;
  EXPECT_EQ(read_all(options, "a,b\n1,\"0123456789abcdefgh\"\n"),
            "write error: in.txt line 2: a row is longer than 16 bytes; check "
            "file.csv.rowDelimiter and the quotes before it");
}

TEST(CsvReader, AnEmptyFileOrAHeaderAloneHasNoRecords) {
  EXPECT_EQ(read_all(csv(), ""), "");
  EXPECT_EQ(read_all(csv(), "\xEF\xBB\xBF"), "");
  EXPECT_EQ(read_all(csv(), "a,b"), "");
}

TEST(CsvReader, AnErrorFromTheSinkStopsTheReader) {
  class Refusing final : public RecordSink {
   public:
    Result<void> record(boost::json::value, const Origin& where) override {
      ++calls;
      return make_error(Status::kCancelled, "stop at " + std::to_string(where.record));
    }
    Result<void> bad_record(Error, const Origin&) override { return {}; }
    int calls = 0;
  } sink;
  auto reader = make_reader(csv(), "f", sink);
  ASSERT_TRUE(reader);
  auto done = (*reader)->write("a\n1\n2\n3\n");
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message, "stop at 1");
  EXPECT_EQ(sink.calls, 1);
  EXPECT_FALSE((*reader)->finish());
}

// Python's csv module writes a file with every kind of quoting it does; the reader must read
// the same rows as Python's own reader.
TEST(CsvReader, ReadsWhatPythonsCsvModuleWritesAsPythonReadsIt) {
  const std::string dir = ::testing::TempDir();
  const std::string script = dir + "/csv_write.py";
  const std::string file = dir + "/python.csv";
  std::ofstream(script) << R"(import csv, json, sys
rows = [["id", "text", "empty"], ["1", "a, b", ""], ["2", 'say "hi"', ""],
        ["3", "two\r\nlines", "x"], ["4", "tab\there", " spaced "], ["5", "caf\u00e9 \u2603", "z"]]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows(rows)
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(json.dumps(list(csv.DictReader(f)), separators=(",", ":"), ensure_ascii=False))
)";
  FILE* pipe = popen(("/usr/bin/python3 " + script + " " + file).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string python;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) python.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << python;
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto records = csv_to_json(bytes);
  ASSERT_TRUE(records) << records.error().message;
  EXPECT_EQ(boost::json::serialize(*records) + "\n", python);
  EXPECT_NE(python.find("two\\r\\nlines"), std::string::npos);
}

}  // namespace
}  // namespace sluice::support::formats
