#include "resources/resource_reader.hpp"

#include <fmt/format.h>
#include <boost/json/stream_parser.hpp>

namespace sluice::host {

namespace json = boost::json;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

TextPosition position_of(std::string_view text, size_t offset) {
  TextPosition p;
  const size_t end = std::min(offset, text.size());
  for (size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if (!is_continuation(c)) {
      ++p.column;
    }
  }
  return p;
}

size_t invalid_utf8_offset(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + 1 >= n || s[i + 1] < low || s[i + 1] > high) return i;
    for (size_t k = 2; k < length; ++k) {
      if (i + k >= n || !is_continuation(s[i + k])) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

Result<json::value> parse_resource_text(std::string_view text, std::string_view where) {
  if (const size_t bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
    const TextPosition p = position_of(text, bad);
    return make_error(
        Status::kInvalidConfig,
        fmt::format("{}: not valid UTF-8 at byte offset {} (line {}, column {}): "
                    "byte 0x{:02X}; save the file as UTF-8",
                    where, bad, p.line, p.column, static_cast<unsigned char>(text[bad])));
  }
  const size_t skip = text.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
  json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  json::stream_parser parser({}, options);
  json::error_code ec;
  const std::string_view body = text.substr(skip);
  size_t consumed = parser.write(body.data(), body.size(), ec);
  if (!ec) {
    parser.finish(ec);
    consumed = body.size();
  }
  if (ec) {
    const TextPosition p = position_of(body, consumed);
    return make_error(Status::kInvalidConfig, fmt::format("{}:{}:{}: not valid JSON: {}", where,
                                                          p.line, p.column, ec.message()));
  }
  return parser.release();
}

std::string describe_size(size_t bytes) {
  return fmt::format("{} bytes ({:.1f} MB)", bytes, static_cast<double>(bytes) / kMiB);
}

}  // namespace sluice::host
