// A CSV reader (RFC 4180: fields quoted with ", "" inside quotes for one quote, quoted fields
// holding delimiters and line breaks; rows ended by LF, CRLF or CR, whichever the first line
// break is) turning a document into records, with integrator.io's file.csv options. Parsed with
// libcsv (Debian's libcsv-dev) in strict mode.
//
//   id,name          =>  [{"id": "1", "name": "Ada"},
//   1,Ada                 {"id": "2", "name": "Grace, \"Amazing\""}]
//   2,"Grace, ""Amazing"""
//
// Every value is a string. Empty lines are skipped. A row with fewer fields than the header
// gets "" for the missing ones; a row with more fields is an error. Header names are always
// trimmed; an empty one becomes "Column<N>" (N its 1-based position), and a repeated one gets
// "_2", "_3", ... appended. Without a header row the keys are Column1, Column2, ...
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/array.hpp>

#include "sluice/result.hpp"

namespace sluice::support::formats {

struct CsvOptions {
  char column_delimiter = ',';   // file.csv.columnDelimiter
  bool has_header_row = true;    // file.csv.hasHeaderRow
  bool trim_spaces = false;      // file.csv.trimSpaces: strip spaces and tabs around each value
  std::size_t rows_to_skip = 0;  // file.csv.rowsToSkip: rows ignored before the header (or data)
  std::size_t max_bytes = std::size_t{64} << 20;  // longer documents are refused
};

// The records of `text`, one object per data row, read by the streaming CSV reader
// (make_reader with file.type csv; docs/files.md). The first malformed row fails the whole
// document: errors are kRemoteError naming the line and byte column, the row (1-based over the
// document's rows, skipped ones included) and the field, e.g. "CSV line 4, column 3 (row 3,
// field 2): a quote inside an unquoted field; quote the whole field and double the quote ("")".
Result<boost::json::array> csv_to_json(std::string_view text, const CsvOptions& options = {});

}  // namespace sluice::support::formats
