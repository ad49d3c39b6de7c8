#include "xlsx.hpp"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::support::formats {
namespace {

namespace json = boost::json;

class Collect final : public RecordSink {
 public:
  Result<void> record(json::value record, const Origin& where) override {
    lines.push_back("row " + std::to_string(where.line) + " " + json::serialize(record));
    records.push_back(std::move(record));
    return {};
  }
  Result<void> bad_record(Error error, const Origin& where) override {
    lines.push_back("error row " + std::to_string(where.line) + " " + error.message);
    return {};
  }
  std::vector<std::string> lines;
  std::vector<json::value> records;
};

class Bytes final : public ByteSink {
 public:
  Result<void> write(std::string_view bytes) override {
    text.append(bytes);
    return {};
  }
  std::string text;
};

// A zip of `entries` (name, content), deflated, in order.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* data, const void* buffer, size_t size) -> la_ssize_t {
        static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  for (const auto& [name, content] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

constexpr std::string_view kNs =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
constexpr std::string_view kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A workbook whose sheet "Sheet1" is `sheet_data` (the inside of <sheetData>), in the part order
// Excel does not promise: the sheet first, the workbook last.
std::string workbook(const std::string& sheet_data, const std::string& shared = "",
                     const std::string& styles = "", const std::string& workbook_pr = "") {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back(
      "xl/worksheets/sheet1.xml",
      "<worksheet " + std::string(kNs) + "><sheetData>" + sheet_data + "</sheetData></worksheet>");
  std::string rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"" +
      std::string(kRelNs) +
      "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"" +
      std::string(kRelNs) + "/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>";
  if (!shared.empty()) {
    entries.emplace_back("xl/sharedStrings.xml",
                         "<sst " + std::string(kNs) + ">" + shared + "</sst>");
    rels += "<Relationship Id=\"rId3\" Type=\"" + std::string(kRelNs) +
            "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
  }
  if (!styles.empty()) {
    entries.emplace_back("xl/styles.xml",
                         "<styleSheet " + std::string(kNs) + ">" + styles + "</styleSheet>");
    rels += "<Relationship Id=\"rId4\" Type=\"" + std::string(kRelNs) +
            "/styles\" Target=\"styles.xml\"/>";
  }
  entries.emplace_back(
      "xl/worksheets/sheet2.xml",
      "<worksheet " + std::string(kNs) +
          "><sheetData><row r=\"1\"><c "
          "t=\"inlineStr\"><is><t>other</t></is></c></row></sheetData></worksheet>");
  entries.emplace_back("xl/_rels/workbook.xml.rels", rels + "</Relationships>");
  entries.emplace_back(
      "_rels/.rels",
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"" +
          std::string(kRelNs) + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
  entries.emplace_back(
      "xl/workbook.xml",
      "<workbook " + std::string(kNs) + ">" + workbook_pr +
          "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
          "<sheet name=\"Other\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>");
  return make_zip(entries);
}

Result<void> read_all(std::string_view bytes, Collect& sink, const FileOptions& options = {},
                      std::size_t split = 0) {
  auto reader = make_xlsx_reader(options, "orders.xlsx", sink);
  if (!reader) return reader.error();
  if (split > 0 && split < bytes.size()) {
    if (auto r = (*reader)->write(bytes.substr(0, split)); !r) return r;
    bytes.remove_prefix(split);
  }
  if (auto r = (*reader)->write(bytes); !r) return r;
  return (*reader)->finish();
}

std::string read_lines(std::string_view bytes, const FileOptions& options = {}) {
  Collect sink;
  auto done = read_all(bytes, sink, options);
  std::string out;
  for (const auto& line : sink.lines) out += line + "\n";
  if (!done) out += "file error: " + done.error().message + "\n";
  return out;
}

std::string write_xlsx(const std::vector<std::string>& records, const FileOptions& options = {}) {
  Bytes bytes;
  auto writer = make_xlsx_writer(options, bytes);
  if (!writer) return "error: " + writer.error().message;
  for (const auto& record : records) {
    if (auto r = (*writer)->write(json::parse(record)); !r) return "error: " + r.error().message;
  }
  if (auto r = (*writer)->finish(); !r) return "error: " + r.error().message;
  return bytes.text;
}

// A scratch folder removed at the end of the test.
class Scratch {
 public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/xlsx-test-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~Scratch() {
    if (!path_.empty()) std::system(("rm -rf '" + path_ + "'").c_str());
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs Debian's python3 (where python3-openpyxl is installed) on `script` with `args`: its
// standard output, or "python failed: ..." with its exit status.
std::string python(const Scratch& scratch, const std::string& script, const std::string& args) {
  const std::string path = scratch.file("script.py");
  std::ofstream(path) << script;
  const std::string command = "/usr/bin/python3 '" + path + "' " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "python failed: popen";
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0)
    return "python failed (" + std::to_string(status) +
           "; is python3-openpyxl installed? tools/install-deps): " + out;
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr std::string_view kOpenpyxlWrites = R"(
import datetime, sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Orders"
ws.append(["id", "name", "price", "paid", "ordered", "shipped", "at"])
ws.append([1, "Ada Lovelace", 9.5, True, datetime.date(2024, 3, 1),
           datetime.datetime(2024, 3, 1, 13, 30, 15), datetime.time(6, 0)])
ws.append([2, "Grace \u00e9\u4e2d", -0.125, False, None, None, None])
ws.append([])
ws.append([3, None, 12345678901, None, None, None, None, "extra"])
data = wb.create_sheet("Data")
data.append(["sku"])
data.append(["A-1"])
wb.save(sys.argv[1])
)";

TEST(XlsxReader, ReadsAWorkbookThatOpenpyxlWrote) {
  Scratch scratch;
  const std::string path = scratch.file("orders.xlsx");
  ASSERT_EQ(python(scratch, std::string(kOpenpyxlWrites), path), "");
  EXPECT_EQ(read_lines(file_bytes(path)),
            "row 2 {\"id\":1,\"name\":\"Ada Lovelace\",\"price\":9.5E0,\"paid\":true,"
            "\"ordered\":\"2024-03-01\",\"shipped\":\"2024-03-01T13:30:15\",\"at\":\"06:00:00\"}\n"
            "row 3 {\"id\":2,\"name\":\"Grace \xC3\xA9\xE4\xB8\xAD\",\"price\":-1.25E-1,"
            "\"paid\":false,\"ordered\":\"\",\"shipped\":\"\",\"at\":\"\"}\n"
            "row 5 {\"id\":3,\"name\":\"\",\"price\":12345678901,\"paid\":\"\",\"ordered\":\"\","
            "\"shipped\":\"\",\"at\":\"\",\"Column8\":\"extra\"}\n");
}

TEST(XlsxReader, ReadsTheNamedSheet) {
  Scratch scratch;
  const std::string path = scratch.file("orders.xlsx");
  ASSERT_EQ(python(scratch, std::string(kOpenpyxlWrites), path), "");
  FileOptions options;
  options.sheet = "Data";
  EXPECT_EQ(read_lines(file_bytes(path), options), "row 2 {\"sku\":\"A-1\"}\n");
  options.sheet = "data";
  EXPECT_EQ(read_lines(file_bytes(path), options),
            "file error: orders.xlsx has no sheet named \"data\"; its sheets are \"Orders\", "
            "\"Data\" (file.xlsx sheet names are case-sensitive)\n");
}

TEST(XlsxReader, SharedStringsRichTextPhoneticRunsAndEscapes) {
  const std::string shared =
      "<si><t>plain</t></si>"
      "<si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>phonetic</t></rPh></si>"
      "<si><t>line_x000D_break_x005F_x0041_</t></si>"
      "<si><t xml:space=\"preserve\">  name  </t></si>";
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c><c r=\"B1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><r><t>in</t></r><r><t>line</t></r></is></c>"
      "<c r=\"B3\" t=\"str\"><f>A3</f><v>formula</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" t=\"e\"><v>#N/A</v></c><c r=\"B4\" t=\"b\"><v>0</v></c></row>";
  EXPECT_EQ(read_lines(workbook(sheet, shared)),
            "row 2 {\"name\":\"rich text\",\"plain\":\"line\\rbreak_x0041_\"}\n"
            "row 3 {\"name\":\"inline\",\"plain\":\"formula\"}\n"
            "row 4 {\"name\":\"#N/A\",\"plain\":false}\n");
}

TEST(XlsxReader, WithoutAHeaderRowTheKeysAreColumnN) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"><v>3</v></c></row>"
      "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>b</t></is></c></row>";
  FileOptions options;
  options.xlsx_has_header_row = false;
  EXPECT_EQ(read_lines(workbook(sheet), options),
            "row 1 {\"Column1\":1,\"Column2\":\"\",\"Column3\":3}\n"
            "row 2 {\"Column1\":\"\",\"Column2\":\"b\"}\n");
}

TEST(XlsxReader, HeaderNamesAreTrimmedAndMadeUniqueAsInCsv) {
  const std::string sheet =
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t> a </t></is></c>"
      "<c r=\"C2\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"D2\"><v>2024</v></c></row>"
      "<row r=\"3\"><c r=\"A3\"><v>1</v></c><c r=\"B3\"><v>2</v></c><c r=\"C3\"><v>3</v></c>"
      "<c r=\"D3\"><v>4</v></c></row>";
  EXPECT_EQ(read_lines(workbook(sheet)), "row 3 {\"a\":1,\"Column2\":2,\"a_2\":3,\"2024\":4}\n");
}

TEST(XlsxReader, CellsWithoutReferencesFollowTheirNeighbours) {
  const std::string sheet =
      "<row><c t=\"inlineStr\"><is><t>x</t></is></c><c t=\"inlineStr\"><is><t>y</t></is></c></row>"
      "<row><c><v>1</v></c><c><v>2.5</v></c></row>";
  EXPECT_EQ(read_lines(workbook(sheet)), "row 2 {\"x\":1,\"y\":2.5E0}\n");
}

TEST(XlsxReader, DateFormatsAndThe1904DateSystem) {
  const std::string styles =
      "<numFmts count=\"1\"><numFmt numFmtId=\"170\" formatCode=\"dd/mm/yyyy hh:mm\"/></numFmts>"
      "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"170\"/>"
      "<xf numFmtId=\"4\"/></cellXfs>";
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>d</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>dt</t></is></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>n</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c><c r=\"B2\" s=\"2\"><v>43890.75</v></c>"
      "<c r=\"C2\" s=\"3\"><v>43890.75</v></c></row>";
  EXPECT_EQ(read_lines(workbook(sheet, "", styles, "<workbookPr date1904=\"1\"/>")),
            "row 2 {\"d\":\"1904-01-01\",\"dt\":\"2024-03-01T18:00:00\",\"n\":4.389075E4}\n");
  EXPECT_EQ(read_lines(workbook(sheet, "", styles)),
            "row 2 {\"d\":\"1899-12-31\",\"dt\":\"2020-02-29T18:00:00\",\"n\":4.389075E4}\n");
}

TEST(XlsxReader, ABadCellFailsOnlyItsRow) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>7</v></c></row>"
      "<row r=\"3\"><c r=\"A3\"><v>12abc</v></c></row>"
      "<row r=\"4\"><c r=\"A4\"><v>4</v></c></row>";
  EXPECT_EQ(read_lines(workbook(sheet, "<si><t>n</t></si>")),
            "error row 2 orders.xlsx row 2: cell A2: shared string \"7\" does not exist (the file "
            "has 1)\n"
            "error row 3 orders.xlsx row 3: cell A3: \"12abc\" is not a number\n"
            "row 4 {\"n\":4}\n");
}

TEST(XlsxReader, ABadHeaderCellIsTheHeaderRowsError) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c><c r=\"B1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\"><v>2</v></c></row>";
  EXPECT_EQ(read_lines(workbook(sheet, "<si><t>b</t></si>")),
            "error row 1 orders.xlsx row 1: (the header row) cell A1: shared string \"5\" does not "
            "exist (the file has 1)\n"
            "row 2 {\"Column1\":1,\"b\":2}\n");
}

TEST(XlsxReader, AnErrorOfTheSinkStopsTheReader) {
  class Refuse final : public RecordSink {
   public:
    Result<void> record(json::value, const Origin& where) override {
      ++calls;
      return make_error(Status::kCancelled, "page full at row " + std::to_string(where.line));
    }
    Result<void> bad_record(Error, const Origin&) override { return {}; }
    int calls = 0;
  } sink;
  auto reader = make_xlsx_reader({}, "orders.xlsx", sink);
  ASSERT_TRUE(
      (*reader)->write(workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
                                "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"
                                "<row r=\"3\"><c r=\"A3\"><v>3</v></c></row>")));
  auto done = (*reader)->finish();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message, "page full at row 2");
  EXPECT_EQ(sink.calls, 1);
}

TEST(XlsxReader, ChunksSplitAtEveryOffsetGiveTheSameRecords) {
  const std::string bytes = workbook(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c></row>",
      "<si><t>id</t></si><si><t>name</t></si><si><t>Ada</t></si>");
  Collect whole;
  ASSERT_TRUE(read_all(bytes, whole));
  ASSERT_EQ(whole.lines, std::vector<std::string>{"row 2 {\"id\":1,\"name\":\"Ada\"}"});
  for (std::size_t split = 1; split < bytes.size(); ++split) {
    Collect parts;
    ASSERT_TRUE(read_all(bytes, parts, {}, split)) << split;
    EXPECT_EQ(parts.lines, whole.lines) << "split at " << split;
  }
}

TEST(XlsxReader, ARenamedTextFileIsNotAnXlsxFile) {
  EXPECT_EQ(
      read_lines("id,name\n1,Ada\n"),
      "file error: orders.xlsx is not an XLSX file: an XLSX file is a zip archive, which "
      "starts with \"PK\", but this file starts with \"id,name\\x0a\"; check file.type (is it "
      "a CSV or another text file?)\n");
  EXPECT_EQ(read_lines(""), "file error: orders.xlsx is empty, not an XLSX file\n");
}

TEST(XlsxReader, ATruncatedZipIsTheFilesError) {
  const std::string bytes = workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
  for (std::size_t size : {std::size_t{2}, std::size_t{30}, bytes.size() / 2, bytes.size() - 1}) {
    const std::string lines = read_lines(bytes.substr(0, size));
    EXPECT_EQ(lines.rfind("file error: orders.xlsx is a damaged or truncated zip archive (", 0), 0u)
        << size << ": " << lines;
  }
}

TEST(XlsxReader, AZipWithoutAWorkbookIsNotAnXlsxFile) {
  EXPECT_EQ(read_lines(make_zip({{"readme.txt", "hello"}})),
            "file error: orders.xlsx is a zip archive without a workbook (xl/workbook.xml): it is "
            "not an XLSX file\n");
}

TEST(XlsxReader, ASheetThatIsNotWellFormedXmlIsTheFilesError) {
  EXPECT_EQ(read_lines(workbook("<row r=\"1\"><c r=\"A1\"><v>1</v></row>")),
            "file error: orders.xlsx: xl/worksheets/sheet1.xml is not well-formed XML at line 1, "
            "column 198: mismatched tag\n");
}

TEST(XlsxReader, ADoctypeIsRefused) {
  std::string bytes =
      make_zip({{"xl/workbook.xml", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><workbook/>"}});
  EXPECT_EQ(read_lines(bytes),
            "file error: orders.xlsx: xl/workbook.xml has a DOCTYPE declaration, which an XLSX "
            "part never has\n");
}

constexpr std::string_view kOpenpyxlReads = R"(
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({"sheets": wb.sheetnames,
                  "rows": [list(r) for r in wb.active.iter_rows(values_only=True)]}))
)";

TEST(XlsxWriter, OpenpyxlReadsWhatItWrote) {
  Scratch scratch;
  const std::string path = scratch.file("out.xlsx");
  FileOptions options;
  options.sheet = "Orders & more";
  std::ofstream(path, std::ios::binary)
      << write_xlsx({R"({"id":1,"name":"Ada <&> \"Lovelace\"","price":9.5,"paid":true})",
                     R"({"name":"tab\tnew\nline\rcr\u0001","id":2,"note":null,"big":12345678901})",
                     R"({"tags":["a",1],"id":3,"paid":false})"},
                    options);
  EXPECT_EQ(
      python(scratch, std::string(kOpenpyxlReads), path),
      R"({"sheets": ["Orders & more"], "rows": [["id", "name", "price", "paid", "note", "big", "tags"], )"
      R"([1, "Ada <&> \"Lovelace\"", 9.5, true, null, null, null], )"
      R"([2, "tab\tnew\nline\rcr_x0001_", null, null, null, 12345678901, null], )"
      R"([3, null, null, false, null, null, "[\"a\",1]"]]})"
      "\n");
}

TEST(XlsxWriter, TheReaderReadsBackWhatTheWriterWrote) {
  const std::string bytes =
      write_xlsx({R"({"id":1,"name":"Ada","ok":true,"x":-2.5})",
                  R"({"id":2,"name":"line\nbreak\r\n_x0041_ \u0002","ok":false,"x":1e300})"});
  EXPECT_EQ(
      read_lines(bytes),
      "row 2 {\"id\":1,\"name\":\"Ada\",\"ok\":true,\"x\":-2.5E0}\n"
      "row 3 {\"id\":2,\"name\":\"line\\nbreak\\r\\n_x0041_ \\u0002\",\"ok\":false,\"x\":1E300}\n");
}

TEST(XlsxWriter, NoRecordsGiveAnEmptySheet) { EXPECT_EQ(read_lines(write_xlsx({})), ""); }

TEST(XlsxWriter, RefusesWhatACellCannotHold) {
  EXPECT_EQ(write_xlsx({R"([1,2])"}),
            "error: XLSX record 1: the record must be an object (one row of the sheet)");
  EXPECT_EQ(write_xlsx({R"({"a":1})", "{\"a\":\"" + std::string(32768, 'x') + "\"}"}),
            "error: XLSX record 2: field \"a\" is 32768 characters long; an Excel cell holds at "
            "most 32767");
  FileOptions options;
  options.sheet = "a/b";
  EXPECT_EQ(write_xlsx({}, options),
            "error: file.xlsx sheet name \"a/b\" cannot name an Excel sheet: it must be 1 to 31 "
            "characters without any of [ ] : * ? / \\");
}

}  // namespace
}  // namespace sluice::support::formats
