#include "runtime/record_json.hpp"

#include <charconv>
#include <cmath>

#include "text.hpp"  // sdk/support/template: JavaScript number text

namespace sluice::runtime {

namespace json = boost::json;

namespace {

void append_string(std::string& out, std::string_view text) {
  out += '"';
  support::tmpl::detail::append_json_string_content(out, text);
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

// The length of append_string's text for `text`.
size_t string_size(std::string_view text) noexcept {
  size_t n = 2 + text.size();
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    const bool short_escape =
        c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t';
    n += short_escape ? 1 : 5;  // \x or \u00XX in place of one byte
  }
  return n;
}

// The longest text append_double writes: -2.2250738585072014e-308 is 24 bytes.
constexpr size_t kDoubleBound = 25;

}  // namespace

size_t record_json_size_bound(const json::value& value) noexcept {
  switch (value.kind()) {
    case json::kind::null:
      return 4;
    case json::kind::bool_:
      return value.get_bool() ? 4 : 5;
    case json::kind::int64:
    case json::kind::uint64: {
      char buffer[24];
      auto [end, ec] = value.is_int64()
                           ? std::to_chars(buffer, buffer + sizeof buffer, value.get_int64())
                           : std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64());
      return static_cast<size_t>(end - buffer);
    }
    case json::kind::double_:
      return kDoubleBound;
    case json::kind::string:
      return string_size(value.get_string());
    case json::kind::array: {
      const json::array& items = value.get_array();
      size_t n = 2 + (items.empty() ? 0 : items.size() - 1);
      for (const auto& item : items) n += record_json_size_bound(item);
      return n;
    }
    case json::kind::object: {
      const json::object& fields = value.get_object();
      size_t n = 2 + (fields.empty() ? 0 : fields.size() - 1);
      for (const auto& [key, item] : fields)
        n += string_size(key) + 1 + record_json_size_bound(item);
      return n;
    }
  }
  return 0;
}

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
