#include "text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace sluice::support::tmpl::detail {

namespace json = boost::json;

void append_js_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value < 0 ? "-Infinity" : "Infinity");
    return;
  }
  if (value == 0) {
    out.push_back('0');
    return;
  }
  // Below 1e15 (where every digit of the integer part is significant) JavaScript's fixed notation
  // is std::to_chars's shortest fixed form; checked against node over random doubles.
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-6 && magnitude < 1e15) {
    char fixed[400];
    auto [end, ec] = std::to_chars(fixed, fixed + sizeof fixed, value, std::chars_format::fixed);
    if (ec == std::errc()) {
      out.append(fixed, end);
      return;
    }
  }
  // Shortest round-trip digits in scientific form: d[.ddd]e[+-]x.
  char buffer[64];
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  if (ec != std::errc()) return;
  std::string_view sci(buffer, static_cast<size_t>(end - buffer));
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits.push_back(c);
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                  exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // the decimal point sits after n digits
  if (negative) out.push_back('-');
  if (k <= n && n <= 21) {
    out.append(digits);
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-n), '0');
    out.append(digits);
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out.append(std::to_string(std::abs(n - 1)));
  }
}

void append_json_number(std::string& out, const json::value& number) {
  constexpr int64_t kExact = int64_t{1} << 53;
  char buffer[32];
  if (number.is_int64()) {
    int64_t v = number.get_int64();
    if (v <= kExact && v >= -kExact) {
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
      out.append(buffer, end);
    } else {
      append_js_number(out, static_cast<double>(v));
    }
  } else if (number.is_uint64()) {
    uint64_t v = number.get_uint64();
    if (v <= static_cast<uint64_t>(kExact)) {
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
      out.append(buffer, end);
    } else {
      append_js_number(out, static_cast<double>(v));
    }
  } else {
    append_js_number(out, number.get_double());
  }
}

void append_js_string(std::string& out, const json::value* value) {
  if (value == nullptr) return;
  switch (value->kind()) {
    case json::kind::null:
      return;
    case json::kind::bool_:
      out.append(value->get_bool() ? "true" : "false");
      return;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      append_json_number(out, *value);
      return;
    case json::kind::string:
      out.append(value->get_string());
      return;
    case json::kind::array: {
      bool first = true;
      for (const json::value& item : value->get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_js_string(out, &item);
      }
      return;
    }
    case json::kind::object:
      out.append("[object Object]");
      return;
  }
}

bool js_truthy(const json::value* value) {
  if (value == nullptr) return false;
  switch (value->kind()) {
    case json::kind::null:
      return false;
    case json::kind::bool_:
      return value->get_bool();
    case json::kind::int64:
      return value->get_int64() != 0;
    case json::kind::uint64:
      return value->get_uint64() != 0;
    case json::kind::double_: {
      double d = value->get_double();
      return d != 0 && !std::isnan(d);
    }
    case json::kind::string:
      return !value->get_string().empty();
    case json::kind::array:
    case json::kind::object:
      return true;
  }
  return false;
}

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void append_html(std::string& out, std::string_view text) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* rep = nullptr;
    switch (text[i]) {
      case '&':
        rep = "&amp;";
        break;
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\'':
        rep = "&#x27;";
        break;
      case '`':
        rep = "&#x60;";
        break;
      case '=':
        rep = "&#x3D;";
        break;
      default:
        continue;
    }
    out.append(text, start, i - start);
    out.append(rep);
    start = i + 1;
  }
  out.append(text, start);
}

void append_xml(std::string& out, std::string_view text) {
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* rep = nullptr;
    switch (text[i]) {
      case '&':
        rep = "&amp;";
        break;
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\'':
        rep = "&apos;";
        break;
      default:
        continue;
    }
    out.append(text, start, i - start);
    out.append(rep);
    start = i + 1;
  }
  out.append(text, start);
}

// Whether any of the 8 bytes in `w` is a control character, '"' or '\\' (exact: the classic
// has-zero-byte / has-less-than tests answer "any", not which).
bool needs_json_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
  const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  const uint64_t control = (w - kOnes * 0x20) & ~w;
  return (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | control) & kHighs;
}

void append_json_content(std::string& out, std::string_view text) {
  size_t start = 0;
  size_t i = 0;
  // Most text needs no escape: skip it a word at a time.
  for (uint64_t w; i + 8 <= text.size(); i += 8) {
    std::memcpy(&w, text.data() + i, 8);
    if (needs_json_escape(w)) break;
  }
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text, start);
}

}  // namespace

void append_escaped(std::string& out, std::string_view text, Escape escape) {
  switch (escape) {
    case Escape::kNone:
      out.append(text);
      return;
    case Escape::kHtml:
      append_html(out, text);
      return;
    case Escape::kXml:
      append_xml(out, text);
      return;
    case Escape::kJson:
      append_json_content(out, text);
      return;
    case Escape::kUri:
      for (unsigned char c : text) {
        if (is_unreserved(c)) {
          out.push_back(static_cast<char>(c));
        } else {
          out.push_back('%');
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        }
      }
      return;
  }
}

void append_json_string_content(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t plain = 0;  // start of the run of characters that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(text.data() + plain, text.size() - plain);
}

}  // namespace sluice::support::tmpl::detail
