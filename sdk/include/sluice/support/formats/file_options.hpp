// integrator.io's `file` settings of an export or import (../../../docs/files.md lists them), read
// once into FileOptions, and the factories that build the reader or writer they describe.
//
//   {"type": "csv", "encoding": "win1252", "compressionFormat": "gzip",
//    "csv": {"columnDelimiter": ";", "hasHeaderRow": true, "keyColumns": ["order"]}}
//
// read_file_options() refuses (kInvalidConfig, naming the JSON path under `where`, e.g.
// "export orders: file.csv.columnDelimiter must be one character, not \";;\"") a value of the
// wrong type or outside its set, and any option it does not implement: nothing is stored and
// skipped.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats {

enum class FileType { kCsv, kJson, kXml, kXlsx, kFixedWidth, kX12 };
enum class Compression { kNone, kGzip, kZip };
// file.encoding; kUtf8 also when unset. A BOM, when present, wins over the setting for the UTF
// encodings (and is never part of the first record).
enum class Encoding { kUtf8, kWin1252, kIso88591, kUtf16Le, kMacRoman, kShiftJis, kGb18030 };

struct CsvFileOptions {
  char column_delimiter = ',';
  std::string row_delimiter;  // empty: auto-detect (CRLF, LF or CR, from the first row end)
  bool has_header_row = true;
  bool trim_spaces = false;
  std::size_t rows_to_skip = 0;
  bool disable_quote = false;  // disableQuoteAndStripEnclosingQuotes
  std::vector<std::string> key_columns;  // rows with equal key columns form one record
  // Writers:
  bool include_header = true;
  bool wrap_with_quotes = false;
  bool replace_tab_with_space = false;
  bool replace_newline_with_space = false;
  bool truncate_last_row_delimiter = false;
};

// One field of a fixed-width file definition.
struct FixedWidthField {
  std::string name;
  std::size_t start = 0;   // 1-based position of its first character
  std::size_t length = 0;  // characters
  enum class Type { kString, kNumber, kBoolean } type = Type::kString;
};

struct FileOptions {
  FileType type = FileType::kCsv;
  Encoding encoding = Encoding::kUtf8;
  Compression compression = Compression::kNone;
  CsvFileOptions csv;
  std::string resource_path;  // file.json.resourcePath / file.xml.resourcePath
  bool json_lines = false;    // JSON: one record per line instead of a document
  std::optional<std::string> sheet;  // XLSX: the sheet's name; none: the first sheet
  bool xlsx_has_header_row = true;
  std::vector<FixedWidthField> fixed_width;  // type kFixedWidth: the file definition's fields

  // Fixed-width writer: file.fileDefinition.rowDelimiter.
  std::string fixed_width_row_delimiter = "\n";
  // A record (a CSV row or group of rows, a JSON record, a fixed-width line) longer than this is
  // an error the reader cannot recover from: it bounds the memory a reader holds.
  std::size_t max_record_bytes = std::size_t{64} << 20;

  // Settings the file's reader or writer does not use, read here so that one parser serves the
  // FTP connector and the host:
  bool skip_delete = false;  // file.skipDelete: leave the file on the server after its records
  enum class Output { kRecords, kMetadata } output = Output::kRecords;  // file.output
  std::optional<std::size_t> batch_size;  // file.batchSize: export: files per run; import: records
  struct SortField {
    std::string field;
    bool descending = false;
  };
  std::vector<SortField> sort_by_fields;     // file.sortByFields
  std::vector<std::string> group_by_fields;  // file.groupByFields
  bool group_empty_values = false;           // file.groupEmptyValues
  std::string backup_path;                   // file.backupPath
  std::string file_name;                     // import file.fileName (a template)
  // Import: one file per run (kAll, the default), per page, or per record (skipAggregation).
  enum class Aggregation { kAll, kPage, kRecord } aggregation = Aggregation::kAll;
  bool skip_rename = false;  // import file.skipRename: write under the final name directly
};

// Reads the `file` object of an export or import; `where` prefixes every message ("export
// orders"). kInvalidConfig for anything wrong or not implemented (see above).
Result<FileOptions> read_file_options(const boost::json::object& file, std::string_view where);

// The reader of one file named `file_name` (used in every Origin and message) with `options`,
// handing records to `sink` (which must outlive it).
Result<std::unique_ptr<Reader>> make_reader(const FileOptions& options, std::string file_name,
                                            RecordSink& sink);
// The writer of one file with `options`, writing to `out` (which must outlive it).
Result<std::unique_ptr<Writer>> make_writer(const FileOptions& options, ByteSink& out);

}  // namespace sluice::support::formats
