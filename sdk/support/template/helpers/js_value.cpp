#include "js_value.hpp"

#include "../text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace sluice::support::tmpl {

namespace json = boost::json;

// One implementation of JavaScript's printing and truthiness, the engine's (text.hpp), checked
// against node by the differential suite; the helpers' names delegate to it.
std::string js_number_to_string(double number) {
  std::string out;
  detail::append_js_number(out, number);
  return out;
}

std::string to_js_string(const json::value& value) {
  std::string out;
  detail::append_js_string(out, &value);
  return out;
}

std::string to_js_string(const Value& value) {
  if (value.undefined) return "";
  return to_js_string(value.json);
}

namespace {

bool js_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 ||
         c == 0xFEFF || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

double string_to_number(std::string_view text) {
  std::u32string points = utf8_decode(text);
  size_t b = 0, e = points.size();
  while (b < e && js_space(points[b])) ++b;
  while (e > b && js_space(points[e - 1])) --e;
  std::string s;
  for (size_t i = b; i < e; ++i) {
    if (points[i] > 0x7F) return std::numeric_limits<double>::quiet_NaN();
    s.push_back(static_cast<char>(points[i]));
  }
  if (s.empty()) return 0;
  if (s == "Infinity" || s == "+Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s.size() > 2 && s[0] == '0' &&
      (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
    const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    double result = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      const char c = s[i];
      int digit = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : 99;
      if (digit >= base) return std::numeric_limits<double>::quiet_NaN();
      result = result * base + digit;
    }
    return result;
  }
  // StrDecimalLiteral: [+-] digits [. digits] [e [+-] digits], at least one digit in the mantissa.
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  size_t mantissa_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return std::numeric_limits<double>::quiet_NaN();
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exponent_digits;
    if (exponent_digits == 0) return std::numeric_limits<double>::quiet_NaN();
  }
  if (i != s.size()) return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

double to_js_number(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return 0;
    case json::kind::bool_:
      return value.get_bool() ? 1 : 0;
    case json::kind::int64:
      return static_cast<double>(value.get_int64());
    case json::kind::uint64:
      return static_cast<double>(value.get_uint64());
    case json::kind::double_:
      return value.get_double();
    case json::kind::string:
      return string_to_number(value.get_string());
    case json::kind::array:
      return string_to_number(to_js_string(value));
    case json::kind::object:
      return std::numeric_limits<double>::quiet_NaN();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double to_js_number(const Value& value) {
  if (value.undefined) return std::numeric_limits<double>::quiet_NaN();
  return to_js_number(value.json);
}

bool js_truthy(const json::value& value) { return detail::js_truthy(&value); }

bool js_truthy(const Value& value) { return !value.undefined && js_truthy(value.json); }

std::string_view js_type_of(const Value& value) {
  if (value.undefined) return "undefined";
  switch (value.json.kind()) {
    case json::kind::null:
      return "object";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "undefined";
}

bool js_strict_equals(const Value& a, const Value& b) {
  if (a.undefined || b.undefined) return a.undefined && b.undefined;
  const auto type_a = js_type_of(a), type_b = js_type_of(b);
  if (type_a != type_b) return false;
  if (a.json.is_null() || b.json.is_null()) return a.json.is_null() && b.json.is_null();
  if (type_a == "number") return to_js_number(a) == to_js_number(b);
  if (type_a == "string") return a.json.get_string() == b.json.get_string();
  if (type_a == "boolean") return a.json.get_bool() == b.json.get_bool();
  return false;
}

bool js_loose_equals(const Value& a, const Value& b) {
  const bool nullish_a = a.undefined || a.json.is_null();
  const bool nullish_b = b.undefined || b.json.is_null();
  if (nullish_a || nullish_b) return nullish_a && nullish_b;
  const auto type_a = js_type_of(a), type_b = js_type_of(b);
  if (type_a == type_b) return js_strict_equals(a, b);
  const bool object_a = a.json.is_array() || a.json.is_object();
  const bool object_b = b.json.is_array() || b.json.is_object();
  if (object_a && object_b) return false;
  // An object against a primitive compares through its string; a boolean converts to a number;
  // a string against a number converts to a number.
  Value pa = object_a ? make_string(to_js_string(a)) : a;
  Value pb = object_b ? make_string(to_js_string(b)) : b;
  if (pa.json.is_string() && pb.json.is_string())
    return pa.json.get_string() == pb.json.get_string();
  return to_js_number(pa) == to_js_number(pb);
}

bool js_less(const Value& a, const Value& b, bool or_equal) {
  auto primitive = [](const Value& v) {
    return (!v.undefined && (v.json.is_array() || v.json.is_object()))
               ? make_string(to_js_string(v))
               : v;
  };
  const Value pa = primitive(a), pb = primitive(b);
  if (!pa.undefined && !pb.undefined && pa.json.is_string() && pb.json.is_string()) {
    const auto x = utf8_decode(pa.json.get_string()), y = utf8_decode(pb.json.get_string());
    return or_equal ? x <= y : x < y;
  }
  const double x = to_js_number(pa), y = to_js_number(pb);
  return or_equal ? x <= y : x < y;
}

std::string js_json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  detail::append_json_string_content(out, text);
  return out;
}

std::string js_json_stringify(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: {
      const double number = to_js_number(value);
      return std::isfinite(number) ? js_number_to_string(number) : "null";
    }
    case json::kind::string:
      return "\"" + js_json_escape(value.get_string()) + "\"";
    case json::kind::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        out += js_json_stringify(element);
      }
      return out + "]";
    }
    case json::kind::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        out += "\"" + js_json_escape(member.key()) + "\":" + js_json_stringify(member.value());
      }
      return out + "}";
    }
  }
  return "null";
}

std::optional<std::string> js_json_stringify(const Value& value) {
  if (value.undefined) return std::nullopt;
  return js_json_stringify(value.json);
}

Value make_value(json::value json) { return Value{std::move(json), false, false}; }
Value make_string(std::string text) {
  return Value{json::value(json::string_view(text)), false, false};
}
Value make_bool(bool value) { return make_value(json::value(value)); }
Value make_number(double number) {
  if (std::isfinite(number) && number == std::trunc(number) && std::fabs(number) < 9.0e15 &&
      !(number == 0 && std::signbit(number)))
    return make_value(json::value(static_cast<int64_t>(number)));
  return make_value(json::value(number));
}

const Value& arg(const HelperCall& call, size_t index) {
  static const Value kUndefined = Value::make_undefined();
  return index < call.args.size() ? call.args[index] : kUndefined;
}

Error helper_error(std::string message) {
  return make_error(Status::kInvalidConfig, std::move(message));
}

Result<Value> block_or_bool(const HelperCall& call, bool condition) {
  if (call.block == nullptr) return make_bool(condition);
  const auto& section = condition ? call.block->fn : call.block->inverse;
  if (!section) return Value::safe_string("");
  auto text = section(call.self, json::object(), {});
  if (!text) return text.error();
  return Value::safe_string(std::move(*text));
}

const json::value* find_path(const json::value& root, std::string_view path) {
  const json::value* current = &root;
  size_t i = 0;
  while (i < path.size()) {
    std::string key;
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) return nullptr;
      key = std::string(path.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const size_t stop = path.find_first_of(".[", i);
      key = std::string(path.substr(i, stop == std::string_view::npos ? stop : stop - i));
      i = stop == std::string_view::npos ? path.size() : stop;
    }
    if (current->is_object()) {
      const auto* next = current->get_object().if_contains(key);
      if (next == nullptr) return nullptr;
      current = next;
    } else if (current->is_array()) {
      size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size() || index >= current->get_array().size())
        return nullptr;
      current = &current->get_array()[index];
    } else {
      return nullptr;
    }
  }
  return current;
}

std::u32string utf8_decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= text.size()) {
      if (extra != 0) {
        out.push_back(0xFFFD);
        ++i;
        continue;
      }
    }
    char32_t point = extra == 0   ? c
                     : extra == 1 ? (c & 0x1F)
                     : extra == 2 ? (c & 0x0F)
                                  : (c & 0x07);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((next & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      point = (point << 6) | (next & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(point);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

std::string utf8_encode(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

size_t js_length(std::string_view text) {
  size_t length = 0;
  for (char32_t c : utf8_decode(text)) length += c >= 0x10000 ? 2 : 1;
  return length;
}

}  // namespace sluice::support::tmpl
