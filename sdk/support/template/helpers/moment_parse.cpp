#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "sluice/support/template/moment.hpp"
#include "moment_tokens.hpp"

namespace sluice::support::tmpl::moment {

namespace {

using namespace std::chrono;
using detail::expansion;
using detail::kDays;
using detail::kMonths;
using detail::token_at;

struct Parts {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  std::optional<int> offset_minutes;
  std::optional<long long> epoch_ms;
  std::optional<bool> pm;
};

std::optional<Millis> assemble(const Parts& p) {
  if (p.epoch_ms) {
    if (*p.epoch_ms > kMaxMillis || *p.epoch_ms < -kMaxMillis) return std::nullopt;
    return Millis{milliseconds{*p.epoch_ms}};
  }
  if (p.year < -20000 || p.year > 20000 || p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31)
    return std::nullopt;
  int hour = p.hour;
  if (p.pm) {
    if (hour > 12) return std::nullopt;
    if (*p.pm && hour < 12) hour += 12;
    if (!*p.pm && hour == 12) hour = 0;
  }
  const date::year_month_day ymd{date::year{p.year}, date::month{static_cast<unsigned>(p.month)},
                                 date::day{static_cast<unsigned>(p.day)}};
  if (!ymd.ok() || p.month < 1 || p.month > 12 || hour > 24 || p.minute > 59 || p.second > 59 ||
      (hour == 24 && (p.minute || p.second || p.millis)))
    return std::nullopt;
  Millis t = date::sys_days{ymd} + hours{hour} + minutes{p.minute} + seconds{p.second} +
             milliseconds{p.millis};
  if (p.offset_minutes) t -= minutes{*p.offset_minutes};
  return t;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max digits at `i`; false when there is none.
bool read_number(std::string_view s, size_t& i, size_t max, int& out) {
  size_t n = 0;
  long long v = 0;
  while (i + n < s.size() && n < max && digit(s[i + n])) v = v * 10 + (s[i + n] - '0'), ++n;
  if (n == 0) return false;
  out = static_cast<int>(v);
  i += n;
  return true;
}

// ±hh[:mm] or ±hhmm or Z at `i`.
bool read_offset(std::string_view s, size_t& i, std::optional<int>& out) {
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    out = 0;
    ++i;
    return true;
  }
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return false;
  const int sign = s[i] == '-' ? -1 : 1;
  size_t j = i + 1;
  int h = 0, m = 0;
  size_t start = j;
  if (!read_number(s, j, 2, h) || j - start != 2) return false;
  if (j < s.size() && s[j] == ':') ++j;
  start = j;
  if (j < s.size() && digit(s[j]) && (!read_number(s, j, 2, m) || j - start != 2)) return false;
  out = sign * (h * 60 + m);
  i = j;
  return true;
}

int month_named(std::string_view word) {
  if (word.size() < 3) return 0;
  for (size_t m = 0; m < 12; ++m) {
    const std::string_view name = kMonths[m];
    bool match = word.size() <= name.size();
    for (size_t k = 0; match && k < word.size(); ++k)
      match = std::tolower(static_cast<unsigned char>(word[k])) ==
              std::tolower(static_cast<unsigned char>(name[k]));
    if (match) return static_cast<int>(m) + 1;
  }
  return 0;
}

std::optional<Millis> parse_iso(std::string_view s) {
  Parts p;
  size_t i = 0;
  size_t start = i;
  if (!read_number(s, i, 4, p.year) || i - start != 4) return std::nullopt;
  if (i < s.size() && s[i] == '-') {
    ++i;
    start = i;
    if (!read_number(s, i, 2, p.month) || i - start != 2) return std::nullopt;
    if (i < s.size() && s[i] == '-') {
      ++i;
      start = i;
      if (!read_number(s, i, 2, p.day) || i - start != 2) return std::nullopt;
    }
  } else if (i + 4 <= s.size() && digit(s[i])) {
    start = i;
    if (!read_number(s, i, 2, p.month) || !read_number(s, i, 2, p.day) || i - start != 4)
      return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    start = i;
    if (!read_number(s, i, 2, p.hour) || i - start != 2) return std::nullopt;
    const bool extended = i < s.size() && s[i] == ':';
    if (extended) ++i;
    start = i;
    if (i < s.size() && digit(s[i])) {
      if (!read_number(s, i, 2, p.minute) || i - start != 2) return std::nullopt;
      if (extended ? (i < s.size() && s[i] == ':') : (i < s.size() && digit(s[i]))) {
        if (extended) ++i;
        start = i;
        if (!read_number(s, i, 2, p.second) || i - start != 2) return std::nullopt;
        if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
          ++i;
          int scale = 100;
          if (i >= s.size() || !digit(s[i])) return std::nullopt;
          while (i < s.size() && digit(s[i])) {
            p.millis += (s[i] - '0') * scale;
            scale /= 10;
            ++i;
          }
        }
      }
    }
    while (i < s.size() && s[i] == ' ') ++i;
    if (i < s.size() && !read_offset(s, i, p.offset_minutes)) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return assemble(p);
}

// The forms JavaScript's Date reads besides ISO: words (month and day names, AM/PM, GMT/UTC/Z),
// numbers, hh:mm[:ss] times, ±hhmm offsets, M/D/YYYY, and (comments).
std::optional<Millis> parse_legacy(std::string_view s) {
  Parts p;
  std::vector<int> numbers;
  bool have_time = false, have_month_name = false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '(') {
      const size_t close = s.find(')', i);
      if (close == std::string_view::npos) return std::nullopt;
      i = close + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      std::string word(s.substr(i, j - i));
      for (auto& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      i = j;
      if (word == "am" || word == "pm") {
        p.pm = word == "pm";
      } else if (word == "gmt" || word == "utc" || word == "ut" || word == "z") {
        p.offset_minutes = 0;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
          if (!read_offset(s, i, p.offset_minutes)) return std::nullopt;
        }
      } else if (const int m = month_named(word)) {
        p.month = m;
        have_month_name = true;
      } else {
        bool day_name = false;
        for (const char* d : kDays) {
          std::string name(d);
          for (auto& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          day_name = day_name || (word.size() >= 3 && name.starts_with(word));
        }
        if (!day_name && word != "t") return std::nullopt;
      }
    } else if (digit(c)) {
      int first = 0;
      read_number(s, i, 9, first);
      if (i < s.size() && s[i] == ':') {
        if (have_time) return std::nullopt;
        have_time = true;
        p.hour = first;
        ++i;
        if (!read_number(s, i, 2, p.minute)) return std::nullopt;
        if (i < s.size() && s[i] == ':') {
          ++i;
          if (!read_number(s, i, 2, p.second)) return std::nullopt;
          if (i < s.size() && s[i] == '.') {
            ++i;
            int scale = 100;
            while (i < s.size() && digit(s[i])) p.millis += (s[i++] - '0') * scale, scale /= 10;
          }
        }
      } else if (i < s.size() && (s[i] == '/' || s[i] == '-') && numbers.empty() &&
                 !have_month_name) {
        const char sep = s[i];
        int b = 0, y = 0;
        ++i;
        if (!read_number(s, i, 2, b) || i >= s.size() || s[i] != sep) return std::nullopt;
        ++i;
        if (!read_number(s, i, 4, y)) return std::nullopt;
        p.month = first;
        p.day = b;
        p.year = y < 50 ? 2000 + y : y < 100 ? 1900 + y : y;
        numbers.push_back(-1);
        numbers.push_back(-1);
      } else {
        numbers.push_back(first);
      }
    } else if ((c == '+' || c == '-') && (have_time || p.offset_minutes)) {
      if (!read_offset(s, i, p.offset_minutes)) return std::nullopt;
    } else if (c == ' ' || c == ',' || c == '.' || c == '-' || c == '/') {
      ++i;
    } else {
      return std::nullopt;
    }
  }
  if (have_month_name) {
    // Day and year in either order: the number above 31 (or the second one) is the year.
    if (numbers.size() != 2) return std::nullopt;
    const bool year_first = numbers[0] > 31;
    p.day = year_first ? numbers[1] : numbers[0];
    p.year = year_first ? numbers[0] : numbers[1];
  } else if (numbers.size() != 2) {
    return std::nullopt;
  }
  if (!p.offset_minutes) p.offset_minutes = 0;  // the host's zone, which is UTC here
  return assemble(p);
}

}  // namespace

std::optional<Millis> parse_auto(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (auto t = parse_iso(text)) return t;
  return parse_legacy(text);
}

std::optional<Millis> parse_with(std::string_view s, std::string_view pattern_in,
                                 int default_year) {
  // Long forms (L, LL, LT …) become their tokens first.
  std::string expanded;
  for (size_t k = 0; k < pattern_in.size();) {
    if (pattern_in[k] == '[') {
      const size_t close = pattern_in.find(']', k + 1);
      if (close != std::string_view::npos) {
        expanded += pattern_in.substr(k, close - k + 1);
        k = close + 1;
        continue;
      }
    }
    const std::string_view t = token_at(pattern_in.substr(k));
    if (t.empty()) {
      expanded.push_back(pattern_in[k++]);
      continue;
    }
    const char* long_form = expansion(t);
    expanded += long_form ? std::string_view(long_form) : t;
    k += t.size();
  }
  const std::string_view pattern = expanded;
  Parts p;
  p.year = default_year;
  size_t i = 0, f = 0;
  bool any = false;
  auto skip_to_digit = [&] {
    while (i < s.size() && !digit(s[i]) && s[i] != '-' && s[i] != '+') ++i;
  };
  while (f < pattern.size()) {
    if (pattern[f] == '[') {
      const size_t close = pattern.find(']', f + 1);
      if (close != std::string_view::npos) {
        const std::string_view literal = pattern.substr(f + 1, close - f - 1);
        if (s.substr(i).starts_with(literal)) i += literal.size();
        f = close + 1;
        continue;
      }
    }
    std::string_view t = token_at(pattern.substr(f));
    if (t.empty()) {
      if (i < s.size() && s[i] == pattern[f]) ++i;
      ++f;
      continue;
    }
    f += t.size();
    int v = 0;
    bool ok = true;
    if (t == "YYYY" || t == "YYYYY" || t == "YYYYYY") {
      skip_to_digit();
      int sign = 1;
      if (i < s.size() && (s[i] == '-' || s[i] == '+')) sign = s[i++] == '-' ? -1 : 1;
      ok = read_number(s, i, t.size() == 4 ? 4 : 6, v);
      p.year = sign * v;
    } else if (t == "YY" || t == "gg" || t == "GG") {
      skip_to_digit();
      ok = read_number(s, i, 2, v);
      p.year = v > 68 ? 1900 + v : 2000 + v;
    } else if (t == "gggg" || t == "GGGG") {
      skip_to_digit();
      ok = read_number(s, i, 4, p.year);
    } else if (t == "M" || t == "MM" || t == "Mo") {
      skip_to_digit();
      ok = read_number(s, i, 2, p.month);
    } else if (t == "MMM" || t == "MMMM") {
      while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
      size_t j = i;
      while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
      p.month = month_named(s.substr(i, j - i));
      ok = p.month != 0;
      i = j;
    } else if (t == "D" || t == "DD" || t == "Do") {
      skip_to_digit();
      ok = read_number(s, i, 2, p.day);
      if (t == "Do")
        while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    } else if (t == "H" || t == "HH" || t == "h" || t == "hh" || t == "k" || t == "kk") {
      skip_to_digit();
      ok = read_number(s, i, 2, p.hour);
    } else if (t == "m" || t == "mm") {
      skip_to_digit();
      ok = read_number(s, i, 2, p.minute);
    } else if (t == "s" || t == "ss") {
      skip_to_digit();
      ok = read_number(s, i, 2, p.second);
    } else if (t[0] == 'S') {
      skip_to_digit();
      int scale = 100, n = 0;
      p.millis = 0;
      while (i < s.size() && digit(s[i]) && n < 9) {
        p.millis += (s[i] - '0') * scale;
        scale /= 10;
        ++i, ++n;
      }
      ok = n > 0;
    } else if (t == "A" || t == "a") {
      while (i < s.size() && s[i] == ' ') ++i;
      if (i + 1 < s.size() && (s[i + 1] == 'm' || s[i + 1] == 'M')) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
        ok = c == 'a' || c == 'p';
        p.pm = c == 'p';
        i += 2;
      } else {
        ok = false;
      }
    } else if (t == "Z" || t == "ZZ") {
      while (i < s.size() && s[i] == ' ') ++i;
      ok = read_offset(s, i, p.offset_minutes);
    } else if (t == "X" || t == "x") {
      while (i < s.size() && !digit(s[i]) && s[i] != '-') ++i;
      size_t j = i;
      if (j < s.size() && s[j] == '-') ++j;
      while (j < s.size() && (digit(s[j]) || (t == "X" && s[j] == '.'))) ++j;
      const double number = std::strtod(std::string(s.substr(i, j - i)).c_str(), nullptr);
      ok = j > i;
      const double ms = t == "X" ? number * 1000 : number;
      ok = ok && std::fabs(ms) <= static_cast<double>(kMaxMillis);
      p.epoch_ms = ok ? static_cast<long long>(std::llround(ms)) : 0;
      i = j;
    } else {
      // Day names, week numbers, quarters: read and ignored, as moment does for formatting-only
      // tokens.
      while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
    }
    if (!ok) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return assemble(p);
}

}  // namespace sluice::support::tmpl::moment
