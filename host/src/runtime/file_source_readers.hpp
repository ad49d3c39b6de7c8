// The reader a file export's `file` settings ask for, as the FileSource's ReaderFactory
// (file_source.hpp): formats::read_file_options() and make_reader() (sluice/support/formats/
// file_options.hpp: every file type, compression and encoding), and the rest of those settings
// the file source acts on (file.output). file.sortByFields and file.groupByFields are refused
// (kUnsupported): pages stream as the file is read.
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/file_source.hpp"

namespace sluice::runtime {

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
