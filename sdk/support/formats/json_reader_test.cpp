// The JSON reader, through make_reader with file.type json.
#include <string>

#include <gtest/gtest.h>

#include "sluice/support/formats/file_options.hpp"
#include "text_formats_test_util.hpp"

namespace sluice::support::formats {
namespace {

using testing::read_all;
using testing::read_every_split;

FileOptions json_file(std::string path = "", bool lines = false) {
  FileOptions file;
  file.type = FileType::kJson;
  file.resource_path = std::move(path);
  file.json_lines = lines;
  return file;
}

TEST(JsonReader, AnArrayDocumentsElementsAreTheRecords) {
  EXPECT_EQ(read_all(json_file(), "[\n{\"id\":1},\n{\"id\":2,\"x\":[1,{\"y\":null}]}\n]\n"),
            "1@2: {\"id\":1}\n2@3: {\"id\":2,\"x\":[1,{\"y\":null}]}\n");
}

TEST(JsonReader, ResourcePathFindsTheArrayAndSkipsEverythingElse) {
  EXPECT_EQ(read_all(json_file("data.orders"),
                     R"({"meta":{"orders":[{"no":1}]},"data":{"count":2,"orders":[{"id":"a"},)"
                     R"({"id":"b","lines":[{"sku":"S"}]}],"next":"x"},"orders":[{"no":2}]})"),
            "1@1: {\"id\":\"a\"}\n2@1: {\"id\":\"b\",\"lines\":[{\"sku\":\"S\"}]}\n");
}

TEST(JsonReader, AnObjectAtThePathOrAtTheRootIsOneRecord) {
  EXPECT_EQ(read_all(json_file("data"), R"({"data":{"id":7}})"), "1@1: {\"id\":7}\n");
  EXPECT_EQ(read_all(json_file(), R"({"id":8})"), "1@1: {\"id\":8}\n");
}

// Not silently nothing: a document without the path is the file's error, naming the path.
TEST(JsonReader, APathThatResolvesToNothingIsTheFilesError) {
  const std::string error =
      "finish error: in.txt: file.json.resourcePath \"data.orders\": the document has no "
      "\"data.orders\" there; set the path of the records' array";
  EXPECT_EQ(read_all(json_file("data.orders"), R"({"data":{"items":[{"a":1}]}})"), error);
  EXPECT_EQ(read_all(json_file("data.orders"), R"([{"data":{"orders":[{"a":1}]}}])"), error);
  EXPECT_EQ(read_all(json_file("data.orders"), R"({"data":{"orders":[]}})"), "");  // found, empty
}

TEST(JsonReader, AScalarAtThePathFailsTheFile) {
  EXPECT_EQ(
      read_all(json_file("data"), "{\"data\":\n\"text\"}"),
      "finish error: in.txt line 2, column 6: the value at file.json.resourcePath \"data\" is "
      "not an array or an object of records");
}

TEST(JsonReader, AnElementThatIsNotAnObjectIsThatRecordsError) {
  EXPECT_EQ(read_all(json_file(), "[1,\n\"s\",\n[2],\n{\"ok\":true}]"),
            "1@1:0 error: in.txt line 1: record 1 is a number, not an object; a record must be a "
            "JSON object\n"
            "2@2:0 error: in.txt line 2: record 2 is a string, not an object; a record must be a "
            "JSON object\n"
            "3@3:0 error: in.txt line 3: record 3 is an array, not an object; a record must be a "
            "JSON object\n"
            "4@4: {\"ok\":true}\n");
}

TEST(JsonReader, ChunksSplitAnywhereGiveTheSameRecords) {
  EXPECT_EQ(
      read_every_split(json_file("d"),
                       "\xEF\xBB\xBF{\"skip\":{\"d\":[9]},\"d\":[\n{\"k\\u00e9y\":\"v\\\"al\","
                       "\"n\":-1.5e3,\"u\":18446744073709551615},\n{\"t\":true}]}"),
      "1@2: {\"k\xC3\xA9y\":\"v\\\"al\",\"n\":-1.5E3,\"u\":18446744073709551615}\n"
      "2@3: {\"t\":true}\n");
}

TEST(JsonReader, MalformedJsonFailsTheFileAtItsLineAndColumn) {
  EXPECT_EQ(read_all(json_file(), "[{\"a\":1},\n{\"b\" 2}]", "orders.json"),
            "1@1: {\"a\":1}\n"
            "finish error: orders.json line 2, column 6: the file is not valid JSON here (syntax "
            "error)");
  EXPECT_EQ(read_all(json_file(), "[{\"a\":1}"),
            "1@1: {\"a\":1}\n"
            "finish error: in.txt line 1, column 9: the file is not valid JSON here (incomplete "
            "JSON)");
}

// Found by json_fuzz: the column of an error inside an escape did not depend on the content
// alone but on where the chunk was cut.
TEST(JsonReader, AnErrorInsideAnEscapeHasTheSamePositionInAnyChunks) {
  EXPECT_EQ(read_every_split(json_file(), "[{\"a\":1},{\"b\":\"\\u0x\"}]"),
            "1@1: {\"a\":1}\n"
            "finish error: in.txt line 1, column 19: the file is not valid JSON here (expected hex "
            "digit)");
}

TEST(JsonReader, DataAfterTheDocumentFailsTheFile) {
  EXPECT_EQ(
      read_all(json_file(), "[{\"a\":1}]\n\n [2]"),
      "1@1: {\"a\":1}\n"
      "finish error: in.txt line 3, column 2: more data after the end of the JSON document; a "
      "file holds one document (or set file.json.jsonLines for one per line)");
}

TEST(JsonReader, AnEmptyFileHasNoRecords) {
  EXPECT_EQ(read_all(json_file(), ""), "");
  EXPECT_EQ(read_all(json_file(), " \n "), "");
}

// Memory is bounded by the record, not the file: a file far larger than the bound is read, but a
// record larger than it is refused.
TEST(JsonReader, TheBoundIsOnOneRecordNotOnTheFile) {
  FileOptions options = json_file("r");
  options.max_record_bytes = 100'000;
  std::string file = "{\"r\":[";
  const std::string record = "{\"pad\":\"" + std::string(1000, 'x') + "\"}";
  for (int i = 0; i < 1000; ++i) file += (i == 0 ? "" : ",") + record;
  file += "]}";
  ASSERT_GT(file.size(), 10 * options.max_record_bytes);
  testing::LogSink sink;
  auto reader = make_reader(options, "big.json", sink);
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*reader)->write(file));
  ASSERT_TRUE((*reader)->finish());
  EXPECT_EQ(std::count(sink.log.begin(), sink.log.end(), '\n'), 1000);

  const std::string huge = "{\"r\":[{\"pad\":\"" + std::string(300'000, 'x') + "\"}]}";
  EXPECT_EQ(read_all(options, huge),
            "write error: in.txt line 1, column 65537: a record is longer than 100000 bytes");
}

TEST(JsonReader, NestingDeeperThanTheLimitFailsTheFile) {
  const std::string deep = std::string(200, '[') + std::string(200, ']');
  EXPECT_EQ(read_all(json_file(), deep),
            "finish error: in.txt line 1, column 129: the file is not valid JSON here (too deep)");
}

TEST(JsonReader, JsonLinesHaveOneRecordPerLineAndABadLineIsThatRecordsError) {
  EXPECT_EQ(read_every_split(json_file("", true),
                             "{\"a\":1}\r\n\n{\"a\":\n[2,{\"b\":3}]\n7\n  {\"c\":\"d\"}  "),
            "1@1: {\"a\":1}\n"
            "2@3:6 error: in.txt line 3, column 6: the line is not valid JSON (incomplete JSON); "
            "each line of a JSON lines file is one JSON object\n"
            "3@4:0 error: in.txt line 4: record 3 is an array, not an object; a record must be a "
            "JSON object\n"
            "4@5:0 error: in.txt line 5: record 4 is a number, not an object; a record must be a "
            "JSON object\n"
            "5@6: {\"c\":\"d\"}\n");
}

TEST(JsonReader, JsonLinesRefuseTwoValuesOnALine) {
  EXPECT_EQ(read_all(json_file("", true), "{\"a\":1} {\"b\":2}\n"),
            "1@1:9 error: in.txt line 1, column 9: the line is not valid JSON (extra data); each "
            "line of a JSON lines file is one JSON object\n");
}

}  // namespace
}  // namespace sluice::support::formats
