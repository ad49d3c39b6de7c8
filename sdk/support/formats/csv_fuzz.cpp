// libFuzzer target (-DSLUICE_FUZZ=ON, clang only; `cmake --build build-fuzz --target csv_fuzz`):
// the streaming CSV reader on any file with options from the input's first two bytes, read whole
// and in small chunks, which must give the same records and errors. Must not crash, hang or grow
// memory without bound.
#include "reader_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::support::formats;
  if (size < 2 || size > 64 * 1024) return 0;
  const uint8_t flags = data[0];
  FileOptions options;
  options.type = FileType::kCsv;
  options.max_record_bytes = 4096;
  CsvFileOptions& csv = options.csv;
  csv.column_delimiter = (flags & 1) != 0 ? ';' : ',';
  csv.has_header_row = (flags & 2) == 0;
  csv.trim_spaces = (flags & 4) != 0;
  csv.disable_quote = (flags & 8) != 0;
  csv.rows_to_skip = (flags >> 4) & 1;
  static const char* const kRowDelimiters[] = {"", "\n", "\r\n", "\r"};
  csv.row_delimiter = kRowDelimiters[(flags >> 5) & 3];
  if ((flags & 0x80) != 0) csv.key_columns = {csv.has_header_row ? "a" : "Column1"};
  fuzz::check_chunks(options, std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2),
                     data[1]);
  return 0;
}
