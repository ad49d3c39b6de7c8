// Composes the byte layers of a file around its format (stream.hpp): reading, decompression
// (file.compressionFormat) then decoding (file.encoding) then the format's reader; writing, the
// format's writer then encoding then compression. make_reader()/make_writer() build theirs with
// these.
//
// A zip holds files: each file entry of a zip is read as a file of its own, named
// "<zip>/<entry>" ("orders.zip/2024/orders.csv"), through its own decoding and format readers
// (from a ReaderFactory). The overload that takes one format reader accepts a zip of one file
// only (directories aside): a second file entry is refused naming both, and a zip without a file
// is read as an empty file. Written, a zip holds one entry.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats {

// Builds the format reader of one file named `file` (the file itself, or a zip entry as above).
using ReaderFactory = std::function<Result<std::unique_ptr<Reader>>(std::string file)>;

// The reader of `file` (its name, for messages) with options.compression and options.encoding
// around the format readers `make_format` builds; an error from it is returned as it is.
Result<std::unique_ptr<Reader>> wrap_reader(const FileOptions& options, std::string file,
                                            ReaderFactory make_format);

// The same around one format reader (`format`, which the result owns).
Result<std::unique_ptr<Reader>> wrap_reader(const FileOptions& options, std::string file,
                                            std::unique_ptr<Reader> format);

// Builds the format writer that writes to `out`.
using WriterFactory = std::function<Result<std::unique_ptr<Writer>>(ByteSink& out)>;

// The writer of one file into `out` (which must outlive it): the format writer `make_format`
// builds, writing through options.encoding and options.compression. `entry` names the file
// inside a zip ("orders.csv"); unused otherwise. finish() finishes the format, then each layer.
Result<std::unique_ptr<Writer>> wrap_writer(const FileOptions& options, ByteSink& out,
                                            std::string entry, WriterFactory make_format);

}  // namespace sluice::support::formats
