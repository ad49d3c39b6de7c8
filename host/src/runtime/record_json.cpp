#include "runtime/record_json.hpp"

#include <charconv>
#include <cmath>

#include "text.hpp"  // sdk/support/template: JavaScript number text

namespace sluice::runtime {

namespace json = boost::json;

namespace {

void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t plain = 0;  // start of the run of characters that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

template <class T>
void append_number(std::string& out, T value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void append_double(std::string& out, double value) {
  // JSON has no NaN or infinity; JSON.stringify writes null for them.
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  // Number.prototype.toString, as JSON.stringify writes numbers: the template engine's one
  // implementation (744.12, 1e+21, 5e-7, 0 for -0).
  support::tmpl::detail::append_js_number(out, value);
}

}  // namespace

void append_record_json(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
      append_number(out, value.get_int64());
      break;
    case json::kind::uint64:
      append_number(out, value.get_uint64());
      break;
    case json::kind::double_:
      append_double(out, value.get_double());
      break;
    case json::kind::string:
      append_string(out, value.get_string());
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_record_json(out, item);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.get_object()) {
        if (!first) out += ',';
        first = false;
        append_string(out, key);
        out += ':';
        append_record_json(out, item);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace sluice::runtime
