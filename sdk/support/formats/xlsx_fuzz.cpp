// libFuzzer target (-DSLUICE_FUZZ=ON, clang only; `cmake --build build-fuzz --target xlsx_fuzz`):
// the XLSX reader, with the sheet and header options of the first input byte, on
//  - bit 0x80 clear: the rest of the input as the file (any bytes, zips or not), fed in two
//    chunks;
//  - bit 0x80 set: the rest as the sheet XML (0x40 clear) or the shared strings (0x40 set) of an
//    otherwise valid workbook, stored uncompressed so that the parser sees the fuzzer's bytes.
// Reading must not crash, hang or hold more than its limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <boost/json/value.hpp>

#include "xlsx.hpp"

namespace {

using namespace sluice;
using namespace sluice::support::formats;

struct Discard final : RecordSink {
  Result<void> record(boost::json::value, const Origin&) override { return {}; }
  Result<void> bad_record(Error, const Origin&) override { return {}; }
};

std::string stored_zip(const std::vector<std::pair<std::string, std::string_view>>& entries) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_zip_set_compression_store(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* d, const void* b, size_t n) -> la_ssize_t {
        static_cast<std::string*>(d)->append(static_cast<const char*>(b), n);
        return static_cast<la_ssize_t>(n);
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

constexpr std::string_view kRels =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";
constexpr std::string_view kWorkbook =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
constexpr std::string_view kStyles =
    "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm\"/></numFmts>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"20\"/>"
    "</cellXfs></styleSheet>";
constexpr std::string_view kSheet =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\">"
    "<v>1</v></c></row><row r=\"2\"><c r=\"A2\" s=\"1\"><v>45000.5</v></c><c r=\"B2\" t=\"s\">"
    "<v>2</v></c></row></sheetData></worksheet>";
constexpr std::string_view kShared =
    "<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const uint8_t mode = data[0];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string file;
  if (mode & 0x80) {
    const bool shared = (mode & 0x40) != 0;
    file = stored_zip({{"xl/worksheets/sheet1.xml", shared ? kSheet : input},
                       {"xl/sharedStrings.xml", shared ? input : kShared},
                       {"xl/styles.xml", kStyles},
                       {"xl/_rels/workbook.xml.rels", kRels},
                       {"xl/workbook.xml", kWorkbook}});
    input = file;
  }
  FileOptions options;
  options.xlsx_has_header_row = (mode & 1) != 0;
  if (mode & 2) options.sheet = "S";
  Discard sink;
  auto reader = make_xlsx_reader(options, "fuzz.xlsx", sink,
                                 {.max_file_bytes = 1 << 20,
                                  .max_shared_strings_bytes = 1 << 20,
                                  .max_part_bytes = 1 << 20,
                                  .max_cell_bytes = 1 << 16});
  if (!reader) return 0;
  const std::size_t split = input.size() * ((mode >> 2) & 7) / 8;
  if (!(*reader)->write(input.substr(0, split))) return 0;
  if (!(*reader)->write(input.substr(split))) return 0;
  (void)(*reader)->finish();
  return 0;
}
