// The CSV writer, through make_writer with file.type csv.
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "sluice/support/formats/csv.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "text_formats_test_util.hpp"

namespace sluice::support::formats {
namespace {

namespace json = boost::json;
using testing::write_all;

FileOptions csv(CsvFileOptions options = {}) {
  FileOptions file;
  file.type = FileType::kCsv;
  file.csv = std::move(options);
  return file;
}

std::vector<json::value> records(std::initializer_list<std::string_view> texts) {
  std::vector<json::value> out;
  for (std::string_view text : texts) out.push_back(json::parse(text));
  return out;
}

TEST(CsvWriter, TheHeaderIsTheFirstRecordsFieldsAndValuesAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(
      write_all(csv(), records({R"({"id":1,"name":"Ada"})", R"({"id":2,"name":"Grace, \"G\""})",
                                R"({"name":"two\nlines","id":3.5})"})),
      "id,name\n1,Ada\n2,\"Grace, \"\"G\"\"\"\n3.5,\"two\nlines\"\n");
}

TEST(CsvWriter, ScalarsAreWrittenAsTextAndMissingOrNullFieldsAreEmpty) {
  EXPECT_EQ(write_all(csv(), records({R"({"a":true,"b":false,"c":null,"d":-7,"e":1e21})",
                                      R"({"e":"x"})"})),
            "a,b,c,d,e\ntrue,false,,-7,1e+21\n,,,,x\n");
}

TEST(CsvWriter, IncludeHeaderFalseWritesOnlyTheRows) {
  EXPECT_EQ(write_all(csv({.include_header = false}), records({R"({"a":1,"b":2})"})), "1,2\n");
}

TEST(CsvWriter, WrapWithQuotesQuotesEveryValueAndTheHeader) {
  EXPECT_EQ(write_all(csv({.wrap_with_quotes = true}), records({R"({"a":1,"b":"x\"y"})"})),
            "\"a\",\"b\"\n\"1\",\"x\"\"y\"\n");
}

TEST(CsvWriter, ReplaceTabAndNewlineWithSpace) {
  const auto input = records({R"({"a":"t\tb","b":"1\r\n2\n3\r4"})"});
  EXPECT_EQ(write_all(csv({.replace_tab_with_space = true}), input), "a,b\nt b,\"1\r\n2\n3\r4\"\n");
  EXPECT_EQ(write_all(csv({.replace_newline_with_space = true}), input), "a,b\nt\tb,1 2 3 4\n");
}

TEST(CsvWriter, TruncateLastRowDelimiterAndOtherDelimiters) {
  EXPECT_EQ(write_all(csv({.column_delimiter = ';',
                           .row_delimiter = "\r\n",
                           .truncate_last_row_delimiter = true}),
                      records({R"({"a":"1;2","b":"x,y"})", R"({"a":3})"})),
            "a;b\r\n\"1;2\";x,y\r\n3;");
}

TEST(CsvWriter, NoRecordsIsAnEmptyFile) { EXPECT_EQ(write_all(csv(), {}), ""); }

TEST(CsvWriter, AFieldTheFirstRecordDidNotHaveIsThatRecordsError) {
  std::string errors;
  EXPECT_EQ(write_all(csv(), records({R"({"a":1})", R"({"a":2,"b":3})", R"({"a":4})"}), &errors),
            "a\n1\n4\n");
  EXPECT_EQ(errors,
            "CSV file, record 2 has the field \"b\", which is not a column of this file: the "
            "columns are the first record's fields (a); give every record the same fields\n");
}

TEST(CsvWriter, ANestedValueIsThatRecordsErrorNamingTheField) {
  std::string errors;
  EXPECT_EQ(
      write_all(csv(), records({R"({"a":{"x":1}})", R"({"a":[1]})", R"({"a":5})", "[1]"}), &errors),
      "a\n5\n");
  EXPECT_EQ(errors,
            "CSV file, record 1 field \"a\" is an object; a CSV value must be a string, number, "
            "boolean or null: flatten it in a mapping\n"
            "CSV file, record 2 field \"a\" is an array; a CSV value must be a string, number, "
            "boolean or null: flatten it in a mapping\n"
            "CSV file, record 4 is an array, not an object; a CSV row is made from an object's "
            "fields\n");
}

TEST(CsvWriter, WhatItWritesTheReaderReadsBack) {
  const auto input = records(
      {R"({"id":"1","note":"a, \"b\"\r\nc","e":""})", R"({"id":"2","note":" x ","e":"\"\""})"});
  const std::string bytes = write_all(csv({.row_delimiter = "\r\n"}), input);
  auto back = csv_to_json(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(json::serialize(*back), json::serialize(json::array(input.begin(), input.end())));
}

// Python's csv module reads what the writer wrote, with each option that changes quoting.
TEST(CsvWriter, PythonsCsvModuleReadsWhatItWrites) {
  const auto input = records({R"({"id":"1","text":"a, b","q":"say \"hi\""})",
                              R"({"id":"2","text":"two\r\nlines","q":"caf\u00e9"})",
                              R"({"id":"3","text":"","q":" lead"})"});
  const std::string dir = ::testing::TempDir();
  const std::string script = dir + "/csv_read.py";
  std::ofstream(script) << R"(import csv, json, sys
delimiter = sys.argv[2]
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(json.dumps(list(csv.DictReader(f, delimiter=delimiter)), separators=(",", ":"),
                     ensure_ascii=False))
)";
  for (const CsvFileOptions& options :
       {CsvFileOptions{}, CsvFileOptions{.wrap_with_quotes = true},
        CsvFileOptions{.column_delimiter = ';', .row_delimiter = "\r\n"},
        CsvFileOptions{.column_delimiter = '\t', .truncate_last_row_delimiter = true}}) {
    const std::string file = dir + "/written.csv";
    std::ofstream(file, std::ios::binary) << write_all(csv(options), input);
    FILE* pipe = popen(("/usr/bin/python3 " + script + " " + file + " '" +
                        std::string(1, options.column_delimiter) + "'")
                           .c_str(),
                       "r");
    ASSERT_NE(pipe, nullptr);
    std::string python;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) python.append(buffer, n);
    ASSERT_EQ(pclose(pipe), 0) << python;
    EXPECT_EQ(python, json::serialize(json::array(input.begin(), input.end())) + "\n")
        << "delimiter " << options.column_delimiter;
  }
}

}  // namespace
}  // namespace sluice::support::formats
