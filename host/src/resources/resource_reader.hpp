// Turning the bytes of a resource file into JSON: UTF-8 checked (a BOM is accepted and
// skipped), comments and trailing commas allowed, and every failure placed at a line and
// column (1-based; the column counts characters) so the user can find it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::host {

inline constexpr size_t kMiB = size_t{1024} * 1024;

struct ReadLimits {
  size_t max_document_bytes = 5 * kMiB;  // one resource, as serialized JSON
  size_t max_file_bytes = 64 * kMiB;     // one file (or standard input), read whole
};

struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};

// The line and column of byte `offset` of `text` (an offset past the end is placed at the end).
TextPosition position_of(std::string_view text, size_t offset);

// The offset of the first byte of `text` that is not part of well-formed UTF-8 (overlong
// forms, surrogates and code points above U+10FFFF are not), or npos when all of it is.
size_t invalid_utf8_offset(std::string_view text);

// Parses `text` as one JSON value. On failure the message reads
//   "<where>:<line>:<column>: not valid JSON: <what>" or
//   "<where>: not valid UTF-8 at byte offset N (line L, column C); save it as UTF-8"
// with offsets, lines and columns in the text as given (a BOM counts).
Result<boost::json::value> parse_resource_text(std::string_view text, std::string_view where);

// "6291456 bytes (6.0 MB)".
std::string describe_size(size_t bytes);

}  // namespace sluice::host
