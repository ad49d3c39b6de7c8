// XLSX spreadsheets (Office Open XML, internal to the formats component; make_reader/make_writer
// reach them through FileOptions.type kXlsx).
//
// Reader: one sheet (FileOptions.sheet by name, else the workbook's first) to one record per
// non-empty row.
//  - With xlsx_has_header_row (the default) the first non-empty row names the fields as the CSV
//    reader does: names trimmed, an empty one "Column<N>" (N the column's 1-based position), a
//    repeated one "_2", "_3", ... appended. Each later row is an object with every header field
//    in column order; a cell with no value is "". A value in a column right of the header is kept
//    under "Column<N>". Without a header row the keys are Column1 .. Column<N>, N the row's
//    last column with a value.
//  - Values: shared and inline strings (rich text runs joined, phonetic runs dropped, Excel's
//    _xHHHH_ escapes decoded) are strings; numbers are JSON numbers (integers when integral and
//    below 2^53 in magnitude); booleans are true/false; error values ("#N/A") and formula
//    strings are strings; a number whose cell has a date or time number format (built-in 14-22,
//    27-36, 45-47, 50-58, or a custom format with y/m/d/h/s outside quotes and brackets) is an
//    ISO 8601 string without a zone: "2024-03-01" (date formats), "2024-03-01T13:30:00"
//    (date and time), "13:30:00" (time formats, values below one day); milliseconds are added
//    (".250") only when not zero. The 1900 date system (with Excel's phantom 1900-02-29) and the
//    1904 one (workbookPr date1904) are honoured. Formulas give their cached value.
//  - Origin.line is the row's number in the sheet (1-based), Origin.column 0.
//  - A zip's directory sits at its end, so the bytes given to write() are spooled to an
//    unlinked temporary file (in $TMPDIR, else /tmp), at most `max_file_bytes`; finish() then
//    reads the parts with libarchive and parses the sheet with Expat as it is inflated, so only
//    one row and the shared strings (at most `max_shared_strings_bytes`) are in memory.
//  - Errors name the file: a file that is not a zip ("... is not an XLSX file ...", checked
//    from its first bytes), a damaged or truncated zip, a zip without a workbook, a missing
//    sheet (listing the sheets there are), a part that is not well-formed XML (with its line
//    and column) are the file's errors; a cell that cannot be read (a shared string index out
//    of range, a number that is not one) fails only its row (RecordSink::bad_record).
// Writer: one sheet ("Sheet1", or FileOptions.sheet) whose first row holds the field names (every
// key of every record, in the order first seen) and one row per record: strings as inline
// strings (control characters as _xHHHH_), numbers as numbers, booleans as booleans, null as an
// empty cell, objects and arrays as their JSON text. Rows are spooled to a temporary file until
// finish(), which writes the zip (deflated) to the ByteSink. A string longer than Excel's 32767
// characters, a record that is not an object or more than 16384 fields are that record's error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "sluice/result.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats {

struct XlsxLimits {
  uint64_t max_file_bytes = uint64_t{2} << 30;                    // spooled: 2 GiB
  std::size_t max_shared_strings_bytes = std::size_t{256} << 20;  // held in memory
  std::size_t max_part_bytes = std::size_t{16} << 20;             // workbook, relationships, styles
  std::size_t max_cell_bytes = std::size_t{1} << 20;
};

// A reader of the XLSX file `file_name`, reading the sheet and header setting of `options`,
// handing rows to `sink` (which must outlive it).
Result<std::unique_ptr<Reader>> make_xlsx_reader(const FileOptions& options, std::string file_name,
                                                 RecordSink& sink, XlsxLimits limits = {});
// A writer of one sheet to `out` (which must outlive it); kInvalidConfig for a sheet name Excel
// refuses (empty, over 31 characters, one of []:*?/\).
Result<std::unique_ptr<Writer>> make_xlsx_writer(const FileOptions& options, ByteSink& out);

}  // namespace sluice::support::formats
