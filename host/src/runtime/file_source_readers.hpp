// The reader a file export's `file` settings ask for, as the FileSource's ReaderFactory
// (file_source.hpp): formats::read_file_options() and make_reader() (sluice/support/formats/
// file_options.hpp: every file type, compression and encoding), and the rest of those settings
// the file source acts on (file.output, file.sortByFields, file.groupByFields,
// file.groupEmptyValues).
//
// Sorting and grouping (record_sorter.hpp, docs/files.md "Sorting and grouping") happen per file,
// in the reader: with file.sortByFields the file's records are handed out only once the file is
// read to its end, in order (an external merge sort whose runs of at most `sort_run_bytes` go to
// a folder of its own under `temp_dir`); with file.groupByFields consecutive records (after the
// sort) with equal values in those fields are one record, the array of them, and pageSize counts
// those. A record the format cannot read (RecordSink::bad_record) is never sorted or grouped: it
// goes on at once, so it comes before the sorted records of its file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/file_source.hpp"
#include "runtime/record_sorter.hpp"

namespace sluice::runtime {

struct FileExportSettings {
  bool metadata = false;  // file.output "metadata"
  ReaderFactory make_reader;
};

// Reads the export's `file` object (`where` prefixes messages: "export orders"). kInvalidConfig or
// kUnsupported naming the JSON path, e.g. "export orders: $.file.decrypt: ... not supported yet".
// `temp_dir`: where sorting writes its runs (empty: $TMPDIR, else /tmp).
Result<FileExportSettings> read_file_export_settings(const boost::json::object& file,
                                                     std::string_view where,
                                                     std::filesystem::path temp_dir = {},
                                                     size_t sort_run_bytes = kSortRunBytes);

}  // namespace sluice::runtime
