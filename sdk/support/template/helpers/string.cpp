#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace json = boost::json;

namespace {

using u32 = std::u32string;

bool is_word(char32_t c) {  // JavaScript's \w
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_alnum(char32_t c) { return is_word(c) && c != '_'; }
bool is_upper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 ||
         c == 0xFEFF || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}
char32_t upper(char32_t c) { return is_lower(c) ? c - 32 : c; }
char32_t lower(char32_t c) { return is_upper(c) ? c + 32 : c; }

// ASCII text changes case byte by byte, without decoding (upper and lower change only a-z, A-Z).
bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

u32 text_of(const HelperCall& c, size_t index) { return utf8_decode(to_js_string(arg(c, index))); }
Value result(const u32& text) { return make_string(utf8_encode(text)); }

u32 trim(u32 s, bool left, bool right) {
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && is_space(s[b])) ++b;
  if (right)
    while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// handlebars-helpers' chop: trims, then strips separators ([-_.\W\s]) from both ends.
u32 chop(const u32& s) {
  u32 t = trim(s, true, true);
  size_t b = 0, e = t.size();
  while (b < e && !is_alnum(t[b])) ++b;
  while (e > b && !is_alnum(t[e - 1])) --e;
  return t.substr(b, e - b);
}

// handlebars-helpers' changecase: lowercases the chopped text, and replaces each run of separators
// and the word character after it with `join(that character)`.
template <class Join>
u32 change_case(const u32& s, Join join) {
  if (s.size() == 1) return u32(1, lower(s[0]));
  u32 t = chop(s);
  for (auto& ch : t) ch = lower(ch);
  u32 out;
  size_t i = 0;
  while (i < t.size()) {
    if (is_alnum(t[i])) {
      out.push_back(t[i++]);
      continue;
    }
    while (i < t.size() && !is_alnum(t[i])) ++i;
    if (i < t.size()) out += join(t[i++]);
  }
  return out;
}

// The words of an identifier-like text: runs of letters and digits, split where a lower-case
// letter or digit meets an upper-case one ("getUserProfile") and before the last capital of a
// run of capitals followed by a lower-case letter ("XMLHttp" → "XML", "Http").
std::vector<u32> words(const u32& s) {
  std::vector<u32> out;
  u32 current;
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (!is_alnum(c) && c < 0x80) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty() && is_upper(c)) {
      const char32_t prev = current.back();
      const bool next_lower = i + 1 < s.size() && is_lower(s[i + 1]);
      if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) {
        out.push_back(std::move(current));
        current.clear();
      }
    }
    current.push_back(c);
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

u32 join_words(const u32& s, char32_t separator) {
  u32 out;
  for (const auto& w : words(s)) {
    if (!out.empty()) out.push_back(separator);
    for (char32_t c : w) out.push_back(lower(c));
  }
  return out;
}

// String.prototype.split(separator).join(replacement) — replaces every occurrence; an empty
// separator puts the replacement between characters.
u32 replace_all(const u32& s, const u32& from, const u32& to) {
  u32 out;
  if (from.empty()) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (i > 0) out += to;
      out.push_back(s[i]);
    }
    return out;
  }
  size_t pos = 0;
  while (true) {
    const size_t hit = s.find(from, pos);
    if (hit == u32::npos) break;
    out += s.substr(pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  return out + s.substr(pos);
}

u32 replace_first(const u32& s, const u32& from, const u32& to) {
  const size_t hit = s.find(from);
  if (hit == u32::npos) return s;
  return s.substr(0, hit) + to + s.substr(hit + from.size());
}

// padStart / padEnd with a repeated, truncated filler; a bad length leaves the text unchanged.
Result<Value> pad(const HelperCall& c, bool left) {
  const u32 text = text_of(c, 0);
  const double length = std::floor(to_js_number(arg(c, 1)));
  if (std::isnan(length) || length <= 0) return result(text);
  if (length > 999999)
    return helper_error("the length must be at most 999999, got " + to_js_string(arg(c, 1)));
  const u32 filler = arg(c, 2).undefined ? U" " : text_of(c, 2);
  const size_t target = static_cast<size_t>(length);
  if (text.size() >= target || filler.empty()) return result(text);
  u32 padding;
  while (padding.size() < target - text.size()) padding += filler;
  padding.resize(target - text.size());
  return result(left ? padding + text : text + padding);
}

// String.prototype.substring(start, end).
u32 substring(const u32& s, double start, double end) {
  auto clamp = [&](double v) {
    if (std::isnan(v)) return size_t{0};
    return static_cast<size_t>(
        std::min(static_cast<double>(s.size()), std::max(0.0, std::trunc(v))));
  };
  size_t a = clamp(start), b = clamp(end);
  if (a > b) std::swap(a, b);
  return s.substr(a, b - a);
}

}  // namespace

void add_string_helpers(HelperTable& t) {
  t["lowercase"] = [](const HelperCall& c) -> Result<Value> {
    std::string ascii = to_js_string(arg(c, 0));
    if (is_ascii(ascii)) {
      for (char& ch : ascii) ch = static_cast<char>(lower(static_cast<unsigned char>(ch)));
      return make_string(std::move(ascii));
    }
    u32 s = utf8_decode(ascii);
    for (auto& ch : s) ch = lower(ch);
    return result(s);
  };
  t["uppercase"] = [](const HelperCall& c) -> Result<Value> {
    std::string ascii = to_js_string(arg(c, 0));
    if (is_ascii(ascii)) {
      for (char& ch : ascii) ch = static_cast<char>(upper(static_cast<unsigned char>(ch)));
      return make_string(std::move(ascii));
    }
    u32 s = utf8_decode(ascii);
    for (auto& ch : s) ch = upper(ch);
    return result(s);
  };
  t["capitalize"] = [](const HelperCall& c) -> Result<Value> {
    u32 s = text_of(c, 0);
    if (!s.empty()) s[0] = upper(s[0]);
    return result(s);
  };
  t["capitalizeAll"] = [](const HelperCall& c) -> Result<Value> {
    // Each run matching \w\S* starts with a capital.
    u32 s = text_of(c, 0);
    bool in_word = false;
    for (auto& ch : s) {
      if (is_space(ch)) {
        in_word = false;
      } else if (!in_word && is_word(ch)) {
        ch = upper(ch);
        in_word = true;
      }
    }
    return result(s);
  };
  t["camelcase"] = [](const HelperCall& c) -> Result<Value> {
    return result(change_case(text_of(c, 0), [](char32_t ch) { return u32(1, upper(ch)); }));
  };
  t["pascalcase"] = [](const HelperCall& c) -> Result<Value> {
    u32 s = change_case(text_of(c, 0), [](char32_t ch) { return u32(1, upper(ch)); });
    if (!s.empty()) s[0] = upper(s[0]);
    return result(s);
  };
  t["dashcase"] = [](const HelperCall& c) -> Result<Value> {
    return result(join_words(text_of(c, 0), '-'));
  };
  t["dotcase"] = [](const HelperCall& c) -> Result<Value> {
    return result(join_words(text_of(c, 0), '.'));
  };
  t["snakecase"] = [](const HelperCall& c) -> Result<Value> {
    return result(join_words(text_of(c, 0), '_'));
  };
  t["pathcase"] = [](const HelperCall& c) -> Result<Value> {
    return result(join_words(text_of(c, 0), '/'));
  };
  t["chop"] = [](const HelperCall& c) -> Result<Value> { return result(chop(text_of(c, 0))); };
  t["sentence"] = [](const HelperCall& c) -> Result<Value> {
    // Each sentence (a non-space, then anything up to and including . ? or !) starts with a
    // capital; the rest is lower case.
    const u32 s = text_of(c, 0);
    u32 out;
    size_t i = 0;
    while (i < s.size()) {
      if (is_space(s[i])) {
        out.push_back(s[i++]);
        continue;
      }
      out.push_back(upper(s[i++]));
      while (i < s.size() && s[i] != '.' && s[i] != '?' && s[i] != '!')
        out.push_back(lower(s[i++]));
      while (i < s.size() && (s[i] == '.' || s[i] == '?' || s[i] == '!')) out.push_back(s[i++]);
    }
    return result(out);
  };
  t["trim"] = [](const HelperCall& c) -> Result<Value> {
    return result(trim(text_of(c, 0), true, true));
  };
  t["trimLeft"] = [](const HelperCall& c) -> Result<Value> {
    return result(trim(text_of(c, 0), true, false));
  };
  t["trimRight"] = [](const HelperCall& c) -> Result<Value> {
    return result(trim(text_of(c, 0), false, true));
  };
  t["padLeft"] = [](const HelperCall& c) { return pad(c, true); };
  t["padRight"] = [](const HelperCall& c) { return pad(c, false); };
  t["occurrences"] = [](const HelperCall& c) -> Result<Value> {
    const u32 s = text_of(c, 0), needle = text_of(c, 1);
    if (needle.empty()) return make_number(0);
    size_t count = 0, pos = 0;
    while ((pos = s.find(needle, pos)) != u32::npos) ++count, pos += needle.size();
    return make_number(static_cast<double>(count));
  };
  t["removefirst"] = [](const HelperCall& c) -> Result<Value> {
    return result(replace_first(text_of(c, 0), text_of(c, 1), U""));
  };
  t["replace"] = [](const HelperCall& c) -> Result<Value> {
    return result(replace_all(text_of(c, 0), text_of(c, 1), text_of(c, 2)));
  };
  t["replacefirst"] = [](const HelperCall& c) -> Result<Value> {
    return result(replace_first(text_of(c, 0), text_of(c, 1), text_of(c, 2)));
  };
  t["reverse"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    if (!v.undefined && v.json.is_array()) {
      json::array out(v.json.get_array().rbegin(), v.json.get_array().rend());
      return make_value(json::value(std::move(out)));
    }
    u32 s = text_of(c, 0);
    std::reverse(s.begin(), s.end());
    return result(s);
  };
  t["sanitize"] = [](const HelperCall& c) -> Result<Value> {
    // Drops every <...> tag; the text between tags stays as it is.
    const u32 s = text_of(c, 0);
    u32 out;
    size_t i = 0;
    while (i < s.size()) {
      if (s[i] == '<') {
        const size_t close = s.find('>', i + 1);
        if (close != u32::npos && close > i + 1) {
          i = close + 1;
          continue;
        }
      }
      out.push_back(s[i++]);
    }
    return result(trim(out, true, true));
  };
  // {{split text delimiter [index]}}: the piece at index (default 0), as Celigo documents it.
  t["split"] = [](const HelperCall& c) -> Result<Value> {
    const u32 s = text_of(c, 0), delimiter = text_of(c, 1);
    std::vector<u32> pieces;
    if (delimiter.empty()) {
      for (char32_t ch : s) pieces.emplace_back(1, ch);
    } else {
      size_t pos = 0;
      while (true) {
        const size_t hit = s.find(delimiter, pos);
        if (hit == u32::npos) break;
        pieces.push_back(s.substr(pos, hit - pos));
        pos = hit + delimiter.size();
      }
      pieces.push_back(s.substr(pos));
    }
    const double index = arg(c, 2).undefined ? 0 : std::trunc(to_js_number(arg(c, 2)));
    if (std::isnan(index) || index < 0 || index >= static_cast<double>(pieces.size()))
      return make_string("");
    return result(pieces[static_cast<size_t>(index)]);
  };
  t["substring"] = [](const HelperCall& c) -> Result<Value> {
    const u32 s = text_of(c, 0);
    const double end =
        arg(c, 2).undefined ? static_cast<double>(s.size()) : to_js_number(arg(c, 2));
    return result(substring(s, to_js_number(arg(c, 1)), end));
  };
  t["truncateWords"] = [](const HelperCall& c) -> Result<Value> {
    const u32 s = text_of(c, 0);
    const double limit = to_js_number(arg(c, 1));
    if (arg(c, 1).undefined || std::isnan(limit) || limit < 0) return make_string("");
    const u32 suffix =
        (!arg(c, 2).undefined && arg(c, 2).json.is_string()) ? text_of(c, 2) : U"\u2026";
    std::vector<u32> pieces;  // split on single spaces and tabs, as handlebars-helpers does
    u32 current;
    for (char32_t ch : s) {
      if (ch == ' ' || ch == '\t') {
        pieces.push_back(std::move(current));
        current.clear();
      } else {
        current.push_back(ch);
      }
    }
    pieces.push_back(std::move(current));
    if (std::floor(limit) >= static_cast<double>(pieces.size())) return result(s);
    const size_t keep = static_cast<size_t>(std::floor(limit));
    u32 out;
    for (size_t i = 0; i < keep; ++i) {
      if (i > 0) out.push_back(' ');
      out += pieces[i];
    }
    return result(trim(out, true, true) + suffix);
  };
  // {{join delimiter a b ...}} (Celigo): the values (arrays flattened) joined by the delimiter.
  // {{join array delimiter}} (handlebars-helpers) is accepted as well.
  t["join"] = [](const HelperCall& c) -> Result<Value> {
    if (c.args.size() == 2 && !c.args[0].undefined && c.args[0].json.is_array() &&
        !c.args[1].undefined && c.args[1].json.is_string()) {
      std::string out;
      bool first = true;
      for (const auto& element : c.args[0].json.get_array()) {
        if (!first) out += c.args[1].json.get_string();
        first = false;
        out += to_js_string(element);
      }
      return make_string(std::move(out));
    }
    const std::string delimiter = to_js_string(arg(c, 0));
    std::string out;
    bool first = true;
    auto add = [&](const std::string& piece) {
      if (!first) out += delimiter;
      first = false;
      out += piece;
    };
    for (size_t i = 1; i < c.args.size(); ++i) {
      const Value& v = c.args[i];
      if (!v.undefined && v.json.is_array()) {
        for (const auto& element : v.json.get_array()) add(to_js_string(element));
      } else {
        add(to_js_string(v));
      }
    }
    return make_string(std::move(out));
  };
}

}  // namespace sluice::support::tmpl
