#include "resources/printable.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "resources/resource_reader.hpp"

namespace sluice::host {

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      const size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + length > text.size() ||
          invalid_utf8_offset(text.substr(i, length)) != std::string_view::npos) {
        out += fmt::format("\\x{:02X}", c);
        ++i;
        continue;
      }
      const auto second = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xC2 && second <= 0x9F) {
        out += fmt::format("\\u{:04x}", second);  // C1 control, U+0080..U+009F
      } else {
        out.append(text.substr(i, length));
      }
      i += length;
      continue;
    }
    ++i;
  }
  return out;
}

std::string json_quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

}  // namespace sluice::host
