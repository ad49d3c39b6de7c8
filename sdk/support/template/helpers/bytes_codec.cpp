#include "bytes_codec.hpp"

#include <algorithm>
#include <cctype>

#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::string unbase64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const int d = base64_digit(c);
    if (d < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> encode_bytes(std::string_view bytes, std::string_view encoding) {
  const std::string e = lower(encoding);
  if (e == "base64") return base64(bytes);
  if (e == "base64url") {
    std::string s = base64(bytes);
    s.erase(std::remove(s.begin(), s.end(), '='), s.end());
    for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return s;
  }
  if (e == "hex") {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out;
  }
  if (e == "utf8" || e == "utf-8") return utf8_encode(utf8_decode(bytes));
  if (e == "ascii" || e == "latin1" || e == "binary") {
    std::u32string points;
    for (unsigned char c : bytes) points.push_back(e == "ascii" ? (c & 0x7F) : c);
    return utf8_encode(points);
  }
  if (e == "ucs2" || e == "ucs-2" || e == "utf16le" || e == "utf-16le") {
    std::u32string points;
    for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
      char32_t unit = static_cast<unsigned char>(bytes[i]) |
                      (static_cast<char32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
      if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < bytes.size()) {
        const char32_t low = static_cast<unsigned char>(bytes[i + 2]) |
                             (static_cast<char32_t>(static_cast<unsigned char>(bytes[i + 3])) << 8);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          i += 2;
        }
      }
      points.push_back(unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit);
    }
    return utf8_encode(points);
  }
  return std::nullopt;
}

std::optional<std::string> decode_text(std::string_view text, std::string_view encoding) {
  const std::string e = lower(encoding);
  if (e == "base64" || e == "base64url") return unbase64(text);
  if (e == "hex") {
    std::string out;
    for (size_t i = 0; i + 1 < text.size(); i += 2) {
      const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
      if (hi < 0 || lo < 0) break;
      out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
  }
  if (e == "utf8" || e == "utf-8") return std::string(text);
  if (e == "ascii" || e == "latin1" || e == "binary") {
    std::string out;
    for (char32_t c : utf8_decode(text)) out.push_back(static_cast<char>(c & 0xFF));
    return out;
  }
  if (e == "ucs2" || e == "ucs-2" || e == "utf16le" || e == "utf-16le") {
    std::string out;
    auto unit = [&](char32_t u) {
      out.push_back(static_cast<char>(u & 0xFF));
      out.push_back(static_cast<char>((u >> 8) & 0xFF));
    };
    for (char32_t c : utf8_decode(text)) {
      if (c >= 0x10000) {
        unit(0xD800 + ((c - 0x10000) >> 10));
        unit(0xDC00 + ((c - 0x10000) & 0x3FF));
      } else {
        unit(c);
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace sluice::support::tmpl
