#include <cctype>
#include <string>

#include <boost/json/parse.hpp>

#include "bytes_codec.hpp"
#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace json = boost::json;

namespace {

// encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded (UTF-8).
std::string encode_uri_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' ||
        c == '\'' || c == '(' || c == ')') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Well-formed UTF-8: no stray continuation bytes, no overlong forms, no surrogates, at most
// U+10FFFF.
bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const int extra = c < 0x80         ? 0
                      : (c >> 5) == 6  ? 1
                      : (c >> 4) == 14 ? 2
                      : (c >> 3) == 30 ? 3
                                       : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= text.size() + (extra == 0 ? 1 : 0))
      return false;
    char32_t point = extra == 0   ? c
                     : extra == 1 ? (c & 0x1F)
                     : extra == 2 ? (c & 0x0F)
                                  : (c & 0x07);
    for (int k = 1; k <= extra; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((next & 0xC0) != 0x80) return false;
      point = (point << 6) | (next & 0x3F);
    }
    static constexpr char32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (point < kMinimum[extra] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
      return false;
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// decodeURIComponent; nullopt where JavaScript throws URIError (a bad escape or bad UTF-8).
std::optional<std::string> decode_uri_component(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || hex(text[i + 1]) < 0 || hex(text[i + 2]) < 0) return std::nullopt;
    out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
    i += 2;
  }
  if (!valid_utf8(out)) return std::nullopt;
  return out;
}

std::string html_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

struct Entity {
  const char* name;
  char32_t point;
};
constexpr Entity kEntities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},     {"nbsp", 0xA0},     {"iexcl", 0xA1},   {"cent", 0xA2},
    {"pound", 0xA3},    {"curren", 0xA4},   {"yen", 0xA5},     {"brvbar", 0xA6},
    {"sect", 0xA7},     {"uml", 0xA8},      {"copy", 0xA9},    {"ordf", 0xAA},
    {"laquo", 0xAB},    {"not", 0xAC},      {"shy", 0xAD},     {"reg", 0xAE},
    {"macr", 0xAF},     {"deg", 0xB0},      {"plusmn", 0xB1},  {"sup2", 0xB2},
    {"sup3", 0xB3},     {"acute", 0xB4},    {"micro", 0xB5},   {"para", 0xB6},
    {"middot", 0xB7},   {"cedil", 0xB8},    {"sup1", 0xB9},    {"ordm", 0xBA},
    {"raquo", 0xBB},    {"frac14", 0xBC},   {"frac12", 0xBD},  {"frac34", 0xBE},
    {"iquest", 0xBF},   {"Agrave", 0xC0},   {"Aacute", 0xC1},  {"Acirc", 0xC2},
    {"Atilde", 0xC3},   {"Auml", 0xC4},     {"Aring", 0xC5},   {"AElig", 0xC6},
    {"Ccedil", 0xC7},   {"Egrave", 0xC8},   {"Eacute", 0xC9},  {"Ecirc", 0xCA},
    {"Euml", 0xCB},     {"Igrave", 0xCC},   {"Iacute", 0xCD},  {"Icirc", 0xCE},
    {"Iuml", 0xCF},     {"ETH", 0xD0},      {"Ntilde", 0xD1},  {"Ograve", 0xD2},
    {"Oacute", 0xD3},   {"Ocirc", 0xD4},    {"Otilde", 0xD5},  {"Ouml", 0xD6},
    {"times", 0xD7},    {"Oslash", 0xD8},   {"Ugrave", 0xD9},  {"Uacute", 0xDA},
    {"Ucirc", 0xDB},    {"Uuml", 0xDC},     {"Yacute", 0xDD},  {"THORN", 0xDE},
    {"szlig", 0xDF},    {"agrave", 0xE0},   {"aacute", 0xE1},  {"acirc", 0xE2},
    {"atilde", 0xE3},   {"auml", 0xE4},     {"aring", 0xE5},   {"aelig", 0xE6},
    {"ccedil", 0xE7},   {"egrave", 0xE8},   {"eacute", 0xE9},  {"ecirc", 0xEA},
    {"euml", 0xEB},     {"igrave", 0xEC},   {"iacute", 0xED},  {"icirc", 0xEE},
    {"iuml", 0xEF},     {"eth", 0xF0},      {"ntilde", 0xF1},  {"ograve", 0xF2},
    {"oacute", 0xF3},   {"ocirc", 0xF4},    {"otilde", 0xF5},  {"ouml", 0xF6},
    {"divide", 0xF7},   {"oslash", 0xF8},   {"ugrave", 0xF9},  {"uacute", 0xFA},
    {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},  {"thorn", 0xFE},
    {"yuml", 0xFF},     {"OElig", 0x152},   {"oelig", 0x153},  {"Scaron", 0x160},
    {"scaron", 0x161},  {"Yuml", 0x178},    {"fnof", 0x192},   {"circ", 0x2C6},
    {"tilde", 0x2DC},   {"ensp", 0x2002},   {"emsp", 0x2003},  {"thinsp", 0x2009},
    {"zwnj", 0x200C},   {"zwj", 0x200D},    {"lrm", 0x200E},   {"rlm", 0x200F},
    {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"bdquo", 0x201E},
    {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},  {"hellip", 0x2026},
    {"permil", 0x2030}, {"prime", 0x2032},  {"Prime", 0x2033}, {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"euro", 0x20AC},   {"trade", 0x2122}, {"larr", 0x2190},
    {"uarr", 0x2191},   {"rarr", 0x2192},   {"darr", 0x2193},  {"harr", 0x2194},
    {"minus", 0x2212},  {"le", 0x2264},     {"ge", 0x2265},    {"ne", 0x2260},
};

std::string html_decode(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '&') {
      const size_t semi = text.find(';', i + 1);
      if (semi != std::string_view::npos && semi - i <= 32) {
        const std::string_view name = text.substr(i + 1, semi - i - 1);
        std::optional<char32_t> point;
        if (name.size() > 1 && name[0] == '#') {
          const bool is_hex = name[1] == 'x' || name[1] == 'X';
          const std::string digits(name.substr(is_hex ? 2 : 1));
          if (!digits.empty() &&
              digits.find_first_not_of(is_hex ? "0123456789abcdefABCDEF" : "0123456789") ==
                  std::string::npos &&
              digits.size() <= 8) {
            const unsigned long v = std::stoul(digits, nullptr, is_hex ? 16 : 10);
            point = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                        ? char32_t{0xFFFD}
                        : static_cast<char32_t>(v);
          }
        } else {
          for (const auto& e : kEntities)
            if (name == e.name) point = e.point;
        }
        if (point) {
          out += utf8_encode(std::u32string(1, *point));
          i = semi + 1;
          continue;
        }
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::string string_arg(const HelperCall& c, size_t index, std::string_view fallback) {
  const Value& v = arg(c, index);
  if (v.undefined || v.json.is_null()) return std::string(fallback);
  std::string s = to_js_string(v);
  return s.empty() ? std::string(fallback) : s;
}

}  // namespace

void add_encoding_helpers(HelperTable& t) {
  // {{base64Encode text [format]}}: the UTF-8 bytes of text, written as format (default base64).
  t["base64Encode"] = [](const HelperCall& c) -> Result<Value> {
    const std::string format = string_arg(c, 1, "base64");
    auto out = encode_bytes(to_js_string(arg(c, 0)), format);
    if (!out)
      return helper_error(
          "the format \"" + format +
          "\" is not one of base64, hex, utf8, ascii, latin1, binary, ucs2, utf16le");
    return make_string(std::move(*out));
  };
  // {{base64Decode base64 [format]}}: the decoded bytes, written as format (default utf8).
  t["base64Decode"] = [](const HelperCall& c) -> Result<Value> {
    const std::string format = string_arg(c, 1, "utf8");
    auto out = encode_bytes(*decode_text(to_js_string(arg(c, 0)), "base64"), format);
    if (!out)
      return helper_error(
          "the format \"" + format +
          "\" is not one of utf8, ascii, hex, base64, binary, latin1, ucs2, utf16le");
    return make_string(std::move(*out));
  };
  t["encodeURI"] = [](const HelperCall& c) -> Result<Value> {
    return make_string(encode_uri_component(to_js_string(arg(c, 0))));
  };
  t["decodeURI"] = [](const HelperCall& c) -> Result<Value> {
    const std::string text = to_js_string(arg(c, 0));
    auto out = decode_uri_component(text);
    return make_string(out ? std::move(*out) : text);
  };
  t["htmlEncode"] = [](const HelperCall& c) -> Result<Value> {
    return make_string(html_encode(to_js_string(arg(c, 0))));
  };
  t["htmlDecode"] = [](const HelperCall& c) -> Result<Value> {
    return make_string(html_decode(to_js_string(arg(c, 0))));
  };
  // A string's JSON escaping without the quotes; other values print as they are.
  t["jsonEncode"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    if (!v.undefined && v.json.is_string()) return make_string(js_json_escape(v.json.get_string()));
    if (v.undefined) return Value::make_undefined();
    if (v.json.is_array() || v.json.is_object()) return make_string("[object Object]");
    return v;
  };
  t["jsonParse"] = [](const HelperCall& c) -> Result<Value> {
    const std::string text = to_js_string(arg(c, 0));
    boost::system::error_code ec;
    json::value parsed = json::parse(text, ec);
    if (ec) {
      std::string shown = text.size() > 60 ? text.substr(0, 60) + "..." : text;
      return helper_error("the text is not valid JSON (" + ec.message() + "): " + shown);
    }
    return make_value(std::move(parsed));
  };
  const Helper serialize = [](const HelperCall& c) -> Result<Value> {
    auto text = js_json_stringify(arg(c, 0));
    if (!text) return Value::make_undefined();
    return make_string(std::move(*text));
  };
  t["jsonSerialize"] = serialize;
  t["jsonStringify"] = serialize;
  // Removes a leading "scheme:" before "//", keeping the "//".
  t["stripProtocol"] = [](const HelperCall& c) -> Result<Value> {
    const std::string url = to_js_string(arg(c, 0));
    size_t i = 0;
    if (!url.empty() && std::isalpha(static_cast<unsigned char>(url[0]))) {
      i = 1;
      while (i < url.size() && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '+' ||
                                url[i] == '-' || url[i] == '.'))
        ++i;
      if (url.compare(i, 3, "://") == 0) return make_string(url.substr(i + 1));
    }
    return make_string(url);
  };
  t["stripQuerystring"] = [](const HelperCall& c) -> Result<Value> {
    const std::string url = to_js_string(arg(c, 0));
    return make_string(url.substr(0, url.find('?')));
  };
}

}  // namespace sluice::support::tmpl
