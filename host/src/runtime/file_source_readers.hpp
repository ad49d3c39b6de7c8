// The reader a file export's `file` settings ask for, as the FileSource's ReaderFactory
// (file_source.hpp), and the rest of those settings the file source acts on.
//
// Interim, until formats::make_reader (sluice/support/formats/file_options.hpp) is in the tree:
// then file_reader_factory is read_file_options() + make_reader(), nothing else changes. Until
// then it reads, buffering the file (at most kMaxBufferedFileBytes):
//   file.type "csv": formats::csv_to_json with file.csv.{columnDelimiter, hasHeaderRow,
//     trimSpaces, rowsToSkip};
//   file.type "json": a document (its records at file.json.resourcePath, a dotted path, or the
//     document itself: an array's elements, else the one value), or with file.json.jsonLines
//     (Sluice's, as in file_options.hpp) one record per non-empty line (a line that is not JSON
//     is a bad record naming the file and line).
// Anything else is refused (kUnsupported, naming the JSON path).
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/file_source.hpp"

namespace sluice::runtime {

inline constexpr size_t kMaxBufferedFileBytes = size_t{64} << 20;

struct FileExportSettings {
  bool metadata = false;  // file.output "metadata"
  ReaderFactory make_reader;
};

// Reads the export's `file` object (`where` prefixes messages: "export orders"). kInvalidConfig or
// kUnsupported naming the JSON path, e.g. "export orders: $.file.sortByFields: sorting the records
// of a file is not supported yet; remove it".
Result<FileExportSettings> read_file_export_settings(const boost::json::object& file,
                                                     std::string_view where);

}  // namespace sluice::runtime
