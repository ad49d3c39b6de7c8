// The JSON writer, through make_writer with file.type json.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "sluice/support/formats/file_options.hpp"
#include "text_formats_test_util.hpp"

namespace sluice::support::formats {
namespace {

namespace json = boost::json;
using testing::read_all;
using testing::write_all;

FileOptions json_file(std::string path = "", bool lines = false) {
  FileOptions file;
  file.type = FileType::kJson;
  file.resource_path = std::move(path);
  file.json_lines = lines;
  return file;
}

const std::vector<json::value> kRecords = {json::parse(R"({"id":1,"s":"caf\u00e9 \"q\""})"),
                                           json::parse(R"({"id":2,"n":[1,{"x":null}]})")};

TEST(JsonWriter, ADocumentIsAnArrayOfTheRecords) {
  EXPECT_EQ(
      write_all(json_file(), kRecords),
      "[\n{\"id\":1,\"s\":\"caf\xC3\xA9 \\\"q\\\"\"},\n{\"id\":2,\"n\":[1,{\"x\":null}]}\n]\n");
  EXPECT_EQ(write_all(json_file(), {}), "[]\n");
}

TEST(JsonWriter, ResourcePathWrapsTheArrayInObjects) {
  EXPECT_EQ(write_all(json_file("data.or\"ders"), {json::parse(R"({"a":1})")}),
            "{\"data\":{\"or\\\"ders\":[\n{\"a\":1}\n]}}\n");
  EXPECT_EQ(write_all(json_file("data"), {}), "{\"data\":[]}\n");
}

TEST(JsonWriter, JsonLinesWriteOneRecordPerLine) {
  EXPECT_EQ(write_all(json_file("", true), kRecords),
            "{\"id\":1,\"s\":\"caf\xC3\xA9 \\\"q\\\"\"}\n{\"id\":2,\"n\":[1,{\"x\":null}]}\n");
  EXPECT_EQ(write_all(json_file("", true), {}), "");
}

TEST(JsonWriter, TheReaderWithTheSameOptionsReadsTheRecordsBack) {
  for (const FileOptions& options : {json_file(), json_file("a.b")}) {
    EXPECT_EQ(
        read_all(options, write_all(options, kRecords)),
        "1@2: " + json::serialize(kRecords[0]) + "\n2@3: " + json::serialize(kRecords[1]) + "\n")
        << options.resource_path;
  }
  EXPECT_EQ(
      read_all(json_file("", true), write_all(json_file("", true), kRecords)),
      "1@1: " + json::serialize(kRecords[0]) + "\n2@2: " + json::serialize(kRecords[1]) + "\n");
}

TEST(JsonWriter, PythonsJsonModuleReadsWhatItWrites) {
  const std::string dir = ::testing::TempDir();
  const std::string file = dir + "/written.json";
  std::ofstream(file, std::ios::binary) << write_all(json_file("data"), kRecords);
  FILE* pipe = popen(("/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1], "
                      "encoding=\"utf-8\")); print(len(d[\"data\"]), d[\"data\"][0][\"s\"])' " +
                      file)
                         .c_str(),
                     "r");
  ASSERT_NE(pipe, nullptr);
  std::string python;
  char buffer[256];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) python.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << python;
  EXPECT_EQ(python, "2 caf\xC3\xA9 \"q\"\n");
}

}  // namespace
}  // namespace sluice::support::formats
