// The file.compressionFormat layer of a reader and a writer (stream.hpp: decompression, then
// decoding, then the format): gzip (zlib) and zip.
//
// gzip: a file of one or more gzip members (as `cat a.gz b.gz` makes) is their concatenated
// data; the writer writes one member. zip: read as a stream, from the local headers in file
// order, without the central directory at the end (so a zip arriving in chunks is never held
// whole): each entry that is a file, in order, is a file of its own, read by its own reader
// (directories are skipped). Entries stored (method 0) or deflated (8), with or without a data
// descriptor after a deflated entry's data, zip64 sizes included; each entry's CRC-32 and size
// are checked. Encrypted entries, other methods and stored entries whose size only follows the
// data are refused with a message naming the entry. The zip writer (libarchive) writes one
// deflated entry.
//
// libarchive reads zips only by pulling bytes through a callback, which a Reader that is pushed
// chunks cannot serve without a thread or without holding the whole file, so the zip reader
// parses the local headers itself and inflates with zlib; the writer, which libarchive drives by
// pushing bytes out, uses libarchive.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.hpp"
#include "sluice/support/formats/stream.hpp"
#include "wrap_sink.hpp"

namespace sluice::support::formats {

// A Reader that un-gzips the bytes of `file` (its name, for messages) into `inner`, which it
// owns. Data that is not gzip or is corrupt fails write() with kRemoteError naming the file and
// the byte offset; finish() fails with kRemoteError ("... is truncated") when the file ends
// inside a member or is empty, else it calls inner's finish().
std::unique_ptr<Reader> make_gunzip_reader(std::unique_ptr<Reader> inner, std::string file);

// A ByteFilter that gzips what it is given into `out` (which must outlive it); finish() writes
// the end of the member.
std::unique_ptr<ByteFilter> make_gzip_sink(ByteSink& out);

// Opens the reader of one entry of a zip: `entry` is its path inside the zip ("dir/a.csv").
using ZipEntryOpener = std::function<Result<std::unique_ptr<Reader>>(std::string_view entry)>;

// A Reader that unzips `file` (its name, for messages): at each file entry's local header it
// calls `open_entry` and writes the entry's data to the reader it returns, finishing it at the
// entry's end; an error from `open_entry` or the entry's reader stops the zip with that error.
// A zip that is not one or is corrupt fails write() with kRemoteError naming the file, the entry
// and the byte offset; finish() fails with kRemoteError ("... is truncated") when the file ends
// before the central directory.
std::unique_ptr<Reader> make_unzip_reader(std::string file, ZipEntryOpener open_entry);

// A ByteFilter that writes a zip of one entry named `entry` (a relative path, e.g.
// "orders.csv"), deflated, whose data is what it is given, into `out` (which must outlive it);
// finish() writes the entry's end and the central directory.
std::unique_ptr<ByteFilter> make_zip_sink(std::string entry, ByteSink& out);

}  // namespace sluice::support::formats
