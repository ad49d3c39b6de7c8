// The file.encoding layer of a reader and a writer (stream.hpp: decompression, then decoding,
// then the format), converted with glibc's iconv:
//
//   setting   iconv name    setting   iconv name
//   utf8      UTF-8         utf-16le  UTF-16LE
//   win1252   WINDOWS-1252  macroman  MACINTOSH
//   iso88591  ISO-8859-1    shiftjis  SHIFT_JIS
//                           gb18030   GB18030
//
// Reading: a byte order mark at the start of the file is honoured and stripped when the setting
// is a UTF one (utf8, utf-16le): EF BB BF is UTF-8, FF FE UTF-16LE, FE FF UTF-16BE, whatever the
// setting says; with the other settings the first bytes are text in that encoding. Writing: no
// BOM is written.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/formats/stream.hpp"
#include "wrap_sink.hpp"

namespace sluice::support::formats {

// "utf8", "win1252", ... as file.encoding spells it.
std::string_view encoding_name(Encoding encoding);

// A Reader that converts the bytes of `file` (its name, for messages) from `encoding` to UTF-8
// and writes them to `inner`, which it owns: converted, in chunks of at most 64 KiB; UTF-8
// (checked, not converted), in the chunks it came in. A character split across chunks of the
// input is whole in the output. An invalid byte sequence fails write() or
// finish() with kRemoteError naming the file, the byte offset (0-based, from the file's first
// byte) and the encoding, and saying to set file.encoding; finish() also fails when the file
// ends inside a character. finish() calls inner's finish() when the file decoded completely.
std::unique_ptr<Reader> make_decoding_reader(Encoding encoding, std::unique_ptr<Reader> inner,
                                             std::string file);

// A ByteFilter that converts UTF-8 to `encoding` and writes it to `out` (which must outlive
// it). A character that `encoding` cannot hold fails write() with kInvalidConfig naming it
// (U+20AC "€") and the encoding; invalid UTF-8 is kInternal (a writer bug). finish() fails when
// the last write ended inside a character. For utf8 the bytes pass through unchecked.
std::unique_ptr<ByteFilter> make_encoding_sink(Encoding encoding, ByteSink& out);

}  // namespace sluice::support::formats
