// read_file_options (integrator.io's `file` object) and the factories' choice of format.
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "sluice/support/formats/file_options.hpp"
#include "text_formats_test_util.hpp"

namespace sluice::support::formats {
namespace {

namespace json = boost::json;

Result<FileOptions> read(std::string_view text, std::string_view where = "export orders") {
  return read_file_options(json::parse(text).as_object(), where);
}

std::string refusal(std::string_view text) {
  auto options = read(text);
  if (options) return "accepted";
  EXPECT_EQ(options.error().status, Status::kInvalidConfig);
  return options.error().message;
}

TEST(ReadFileOptions, EveryCsvSettingIsRead) {
  auto options = read(R"({"type":"csv","csv":{"columnDelimiter":";","rowDelimiter":"\r\n",
      "hasHeaderRow":false,"trimSpaces":true,"rowsToSkip":2,
      "disableQuoteAndStripEnclosingQuotes":true,"keyColumns":["Column1"],"includeHeader":false,
      "wrapWithQuotes":true,"replaceTabWithSpace":true,"replaceNewlineWithSpace":true,
      "truncateLastRowDelimiter":true}})");
  ASSERT_TRUE(options) << options.error().message;
  const CsvFileOptions& csv = options->csv;
  EXPECT_EQ(options->type, FileType::kCsv);
  EXPECT_EQ(csv.column_delimiter, ';');
  EXPECT_EQ(csv.row_delimiter, "\r\n");
  EXPECT_FALSE(csv.has_header_row);
  EXPECT_TRUE(csv.trim_spaces);
  EXPECT_EQ(csv.rows_to_skip, 2u);
  EXPECT_TRUE(csv.disable_quote);
  EXPECT_EQ(csv.key_columns, std::vector<std::string>{"Column1"});
  EXPECT_FALSE(csv.include_header);
  EXPECT_TRUE(csv.wrap_with_quotes);
  EXPECT_TRUE(csv.replace_tab_with_space);
  EXPECT_TRUE(csv.replace_newline_with_space);
  EXPECT_TRUE(csv.truncate_last_row_delimiter);
}

TEST(ReadFileOptions, DefaultsAreIntegratorIosDefaults) {
  auto options = read(R"({"type":"csv"})");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->csv.column_delimiter, ',');
  EXPECT_EQ(options->csv.row_delimiter, "");
  EXPECT_TRUE(options->csv.has_header_row);
  EXPECT_TRUE(options->csv.include_header);
  EXPECT_EQ(options->encoding, Encoding::kUtf8);
  EXPECT_EQ(options->compression, Compression::kNone);
  EXPECT_FALSE(options->skip_delete);
  EXPECT_EQ(options->output, FileOptions::Output::kRecords);
  EXPECT_FALSE(options->batch_size);
  EXPECT_EQ(options->aggregation, FileOptions::Aggregation::kAll);
}

TEST(ReadFileOptions, TheSettingsTheConnectorAndTheHostUseAreRead) {
  auto options = read(R"({"type":"json","json":{"resourcePath":"data.orders"},
      "encoding":"win1252","compressionFormat":"gzip","skipDelete":true,"batchSize":20,
      "sortByFields":[{"field":"date","descending":true},{"field":"id"}],
      "groupByFields":["customer"],"groupEmptyValues":true,"output":"metadata",
      "backupPath":"/archive","purgeInternalBackup":true,"fileName":"o-{{timestamp}}.json",
      "aggregation":{"type":"page"},"skipRename":true,"encrypt":false,"delete":false})");
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->type, FileType::kJson);
  EXPECT_EQ(options->resource_path, "data.orders");
  EXPECT_EQ(options->encoding, Encoding::kWin1252);
  EXPECT_EQ(options->compression, Compression::kGzip);
  EXPECT_TRUE(options->skip_delete);
  EXPECT_EQ(options->batch_size, 20u);
  ASSERT_EQ(options->sort_by_fields.size(), 2u);
  EXPECT_EQ(options->sort_by_fields[0].field, "date");
  EXPECT_TRUE(options->sort_by_fields[0].descending);
  EXPECT_FALSE(options->sort_by_fields[1].descending);
  EXPECT_EQ(options->group_by_fields, std::vector<std::string>{"customer"});
  EXPECT_TRUE(options->group_empty_values);
  EXPECT_EQ(options->output, FileOptions::Output::kMetadata);
  EXPECT_EQ(options->backup_path, "/archive");
  EXPECT_EQ(options->file_name, "o-{{timestamp}}.json");
  EXPECT_EQ(options->aggregation, FileOptions::Aggregation::kPage);
  EXPECT_TRUE(options->skip_rename);
}

TEST(ReadFileOptions, EachEncodingAndCompressionIsRead) {
  const std::pair<const char*, Encoding> encodings[] = {
      {"utf8", Encoding::kUtf8},         {"win1252", Encoding::kWin1252},
      {"iso88591", Encoding::kIso88591}, {"utf-16le", Encoding::kUtf16Le},
      {"macroman", Encoding::kMacRoman}, {"shiftjis", Encoding::kShiftJis},
      {"gb18030", Encoding::kGb18030}};
  for (const auto& [name, encoding] : encodings) {
    auto options = read(std::string(R"({"type":"csv","encoding":")") + name + "\"}");
    ASSERT_TRUE(options) << name;
    EXPECT_EQ(options->encoding, encoding) << name;
  }
  EXPECT_EQ(read(R"({"type":"csv","compressionFormat":"zip"})")->compression, Compression::kZip);
}

TEST(ReadFileOptions, JsonLinesXmlXlsxAndSkipAggregation) {
  EXPECT_TRUE(read(R"({"type":"json","json":{"jsonLines":true}})")->json_lines);
  EXPECT_EQ(read(R"({"type":"xml","xml":{"resourcePath":"/a/b"}})")->resource_path, "/a/b");
  auto xlsx = read(R"({"type":"xlsx","xlsx":{"hasHeaderRow":false,"sheet":"Orders"}})");
  ASSERT_TRUE(xlsx);
  EXPECT_FALSE(xlsx->xlsx_has_header_row);
  EXPECT_EQ(xlsx->sheet, "Orders");
  EXPECT_EQ(read(R"({"type":"csv","skipAggregation":true})")->aggregation,
            FileOptions::Aggregation::kRecord);
}

TEST(ReadFileOptions, AFileDefinitionGivesFixedWidthFieldsOrX12) {
  auto fixed = read(R"({"type":"filedefinition","fileDefinition":{"format":"fixedwidth",
      "rowDelimiter":"\r\n","fields":[{"name":"sku","start":1,"length":6},
      {"name":"qty","start":7,"length":4,"type":"number"}]}})");
  ASSERT_TRUE(fixed) << fixed.error().message;
  EXPECT_EQ(fixed->type, FileType::kFixedWidth);
  EXPECT_EQ(fixed->fixed_width_row_delimiter, "\r\n");
  ASSERT_EQ(fixed->fixed_width.size(), 2u);
  EXPECT_EQ(fixed->fixed_width[1].name, "qty");
  EXPECT_EQ(fixed->fixed_width[1].start, 7u);
  EXPECT_EQ(fixed->fixed_width[1].length, 4u);
  EXPECT_EQ(fixed->fixed_width[1].type, FixedWidthField::Type::kNumber);
  EXPECT_EQ(read(R"({"type":"filedefinition","fileDefinition":{"format":"x12"}})")->type,
            FileType::kX12);
}

TEST(ReadFileOptions, WrongValuesAreRefusedNamingTheirPath) {
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"columnDelimiter":";;"}})"),
            "export orders: file.csv.columnDelimiter must be one character, not \";;\"");
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"columnDelimiter":"\""}})"),
            "export orders: file.csv.columnDelimiter cannot be a quote or a line break; use \",\", "
            "\";\", \"\\t\" or \"|\"");
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"rowDelimiter":"\n\n"}})"),
            "export orders: file.csv.rowDelimiter must be \"\\n\", \"\\r\\n\" or \"\\r\" (or left "
            "out to detect it), not \"\\n\\n\"");
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"hasHeaderRow":"yes"}})"),
            "export orders: file.csv.hasHeaderRow must be true or false, not \"yes\"");
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"rowsToSkip":-1}})"),
            "export orders: file.csv.rowsToSkip must be a whole number from 0 to 1000000, not -1");
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"keyColumns":["a",""]}})"),
            "export orders: file.csv.keyColumns[1] must be a non-empty string, not \"\"");
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"keyColumns":["rows"]}})"),
            "export orders: file.csv.keyColumns cannot name a column \"rows\": a grouped record "
            "keeps its rows under \"rows\"");
  EXPECT_EQ(refusal(R"({"type":"tsv"})"),
            "export orders: file.type must be one of csv, json, xml, xlsx, filedefinition, not "
            "\"tsv\"");
  EXPECT_EQ(refusal(R"({"csv":{}})"),
            "export orders: file.type is required: csv, json, xml, xlsx or filedefinition");
  EXPECT_EQ(refusal(R"({"type":"csv","encoding":"latin1"})"),
            "export orders: file.encoding must be one of utf8, win1252, iso88591, utf-16le, "
            "macroman, shiftjis, gb18030, not \"latin1\"");
  EXPECT_EQ(refusal(R"({"type":"csv","batchSize":0})"),
            "export orders: file.batchSize must be a whole number from 1 to 1000000, not 0");
  EXPECT_EQ(refusal(R"({"type":"csv","sortByFields":[{"descending":true}]})"),
            "export orders: file.sortByFields[0].field is required");
  EXPECT_EQ(refusal(R"({"type":"xml"})"),
            "export orders: file.xml.resourcePath is required with file.type \"xml\": the path of "
            "the elements that are the records, e.g. \"/orders/order\"");
  EXPECT_EQ(refusal(R"({"type":"json","json":{"jsonLines":true,"resourcePath":"a"}})"),
            "export orders: file.json.resourcePath cannot be used with jsonLines: each line is one "
            "record");
  EXPECT_EQ(refusal(R"({"type":"csv","skipAggregation":true,"aggregation":{"type":"page"}})"),
            "export orders: file.skipAggregation true (one file per record) contradicts "
            "file.aggregation.type; set only one of them");
}

TEST(ReadFileOptions, UnknownKeysAreRefusedWithTheKnownOnes) {
  EXPECT_EQ(refusal(R"({"type":"csv","csv":{"delimiter":";"}})"),
            "export orders: file.csv.delimiter is not a setting of file.csv; the settings are "
            "columnDelimiter, rowDelimiter, hasHeaderRow, trimSpaces, rowsToSkip, "
            "disableQuoteAndStripEnclosingQuotes, keyColumns, includeHeader, wrapWithQuotes, "
            "replaceTabWithSpace, replaceNewlineWithSpace, truncateLastRowDelimiter");
  EXPECT_EQ(refusal(R"({"type":"csv","json":{}})"),
            "export orders: file.json is set but file.type is \"csv\"; remove it or change "
            "file.type");
}

TEST(ReadFileOptions, KnownButUnimplementedSettingsAreRefusedAsNotSupportedYet) {
  EXPECT_EQ(refusal(R"({"type":"csv","filter":{}})"),
            "export orders: file.filter is not supported yet; remove it");
  EXPECT_EQ(refusal(R"({"type":"csv","pgp":{}})"),
            "export orders: file.pgp is not supported yet; remove it");
  EXPECT_EQ(refusal(R"({"type":"csv","decrypt":"pgp"})"),
            "export orders: file.decrypt \"pgp\" is not supported yet; remove it");
  EXPECT_EQ(refusal(R"({"type":"csv","encrypt":true})"),
            "export orders: file.encrypt true is not supported yet; remove it");
  EXPECT_EQ(refusal(R"({"type":"csv","output":"blobKeys"})"),
            "export orders: file.output \"blobKeys\" (transfer files unparsed) is not supported "
            "yet; use \"records\" or \"metadata\"");
  EXPECT_EQ(refusal(R"({"type":"csv","purgeInternalBackup":false})"),
            "export orders: file.purgeInternalBackup false (keep internal copies of each file) is "
            "not supported yet: Sluice keeps none; use file.backupPath");
  EXPECT_EQ(refusal(R"({"type":"xlsx","xlsx":{"keyColumns":["a"]}})"),
            "export orders: file.xlsx.keyColumns is not supported yet; remove it");
  EXPECT_EQ(refusal(R"({"type":"filedefinition","fileDefinition":{"_fileDefinitionId":"x"}})"),
            "export orders: file.fileDefinition._fileDefinitionId is not supported yet; remove "
            "it");
}

TEST(ReadFileOptions, FixedWidthFieldsAreChecked) {
  EXPECT_EQ(refusal(R"({"type":"filedefinition","fileDefinition":{"format":"fixedwidth"}})"),
            "export orders: file.fileDefinition.fields must be a non-empty array of {name, start, "
            "length, type}");
  EXPECT_EQ(refusal(R"({"type":"filedefinition","fileDefinition":{"format":"fixedwidth",
      "fields":[{"name":"a","start":1,"length":5},{"name":"b","start":5,"length":2}]}})"),
            "export orders: file.fileDefinition.fields[1] (\"b\", characters 5-6) overlaps \"a\" "
            "(characters 1-5)");
  EXPECT_EQ(refusal(R"({"type":"filedefinition","fileDefinition":{"format":"fixedwidth",
      "fields":[{"name":"a","start":0,"length":5}]}})"),
            "export orders: file.fileDefinition.fields[0].start must be a whole number from 1 to "
            "1000000, not 0");
  EXPECT_EQ(refusal(R"({"type":"filedefinition","fileDefinition":{"format":"fixedwidth",
      "fields":[{"name":"a","start":1}]}})"),
            "export orders: file.fileDefinition.fields[0].length is required");
  EXPECT_EQ(refusal(R"({"type":"filedefinition","fileDefinition":{"fields":[]}})"),
            "export orders: file.fileDefinition.format is required with file.type "
            "\"filedefinition\": \"fixedwidth\" or \"x12\"");
  EXPECT_EQ(refusal(R"({"type":"filedefinition"})"),
            "export orders: file.fileDefinition is required with file.type \"filedefinition\"");
}

// Every file type, through every compression and a non-UTF-8 encoding: what make_writer writes,
// make_reader reads back as the same records (the layers of wrap.hpp around each format).
TEST(MakeReader, EveryTypeRoundTripsThroughEveryCompressionAndAnEncoding) {
  const std::vector<json::value> records = {json::parse(R"({"id":"1","name":"Zoë"})"),
                                            json::parse(R"({"id":"2","name":"Ana"})")};
  const std::string csv = R"({"type":"csv"})";
  const std::string json_lines = R"({"type":"json","json":{"jsonLines":true}})";
  const std::string xml = R"({"type":"xml","xml":{"resourcePath":"/root/record"}})";
  const std::string xlsx = R"({"type":"xlsx"})";
  for (const std::string& type : {csv, json_lines, xml, xlsx}) {
    for (const char* compression : {"", "gzip", "zip"}) {
      for (const char* encoding : {"utf8", "win1252"}) {
        if (type == xlsx && std::string(encoding) != "utf8") continue;  // XLSX is UTF-8 inside
        json::object file = json::parse(type).as_object();
        if (*compression != '\0') file["compressionFormat"] = compression;
        file["encoding"] = encoding;
        auto options = read(json::serialize(file));
        ASSERT_TRUE(options) << options.error().message;
        const std::string bytes = testing::write_all(*options, records);
        ASSERT_EQ(bytes.find("error"), std::string::npos) << json::serialize(file) << ": " << bytes;
        const std::string log = testing::read_all(*options, bytes);
        EXPECT_NE(log.find(R"({"id":"1","name":"Zoë"})"), std::string::npos)
            << json::serialize(file) << ": " << log;
        EXPECT_NE(log.find(R"({"id":"2","name":"Ana"})"), std::string::npos)
            << json::serialize(file) << ": " << log;
        EXPECT_EQ(log.find("error"), std::string::npos) << json::serialize(file) << ": " << log;
      }
    }
  }
}

// Written, file.xml.resourcePath names the root and record elements (read, it selects them).
TEST(MakeWriter, AnXmlFilesElementsAreNamedByItsResourcePath) {
  auto options = read(R"({"type":"xml","xml":{"resourcePath":"/orders/order"}})");
  ASSERT_TRUE(options) << options.error().message;
  const std::string bytes = testing::write_all(*options, {json::parse(R"({"id":"1"})")});
  EXPECT_NE(bytes.find("<orders>"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find("<order>"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("<record>"), std::string::npos) << bytes;
  EXPECT_EQ(testing::read_all(*options, bytes), "1@3: {\"id\":\"1\"}\n");  // after the declaration
  auto deep = read(R"({"type":"xml","xml":{"resourcePath":"//order"}})");
  ASSERT_TRUE(deep);
  EXPECT_EQ(testing::write_all(*deep, {}),
            "make_writer error: file.xml.resourcePath \"//order\" cannot name what an XML file is "
            "written as: use /root/record, e.g. /orders/order (the root element, then one element "
            "per record)");
}

TEST(MakeReader, ReadsAndWritesEachImplementedTypeFromItsSettings) {
  auto csv = read(R"({"type":"csv","csv":{"columnDelimiter":"|"}})");
  ASSERT_TRUE(csv);
  EXPECT_EQ(testing::read_all(*csv, "a|b\n1|2\n"), "1@2: {\"a\":\"1\",\"b\":\"2\"}\n");
  auto fixed = read(R"({"type":"filedefinition","fileDefinition":{"format":"fixedwidth",
      "fields":[{"name":"a","start":2,"length":2}]}})");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(testing::read_all(*fixed, "xyz\n"), "1@1: {\"a\":\"yz\"}\n");
  auto lines = read(R"({"type":"json","json":{"jsonLines":true}})");
  ASSERT_TRUE(lines);
  EXPECT_EQ(testing::write_all(*lines, {json::parse(R"({"a":1})")}), "{\"a\":1}\n");
}

}  // namespace
}  // namespace sluice::support::formats
