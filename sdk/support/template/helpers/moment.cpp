#include "moment.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "js_value.hpp"

namespace sluice::support::tmpl::moment {

namespace {

using namespace std::chrono;
using date::days;

constexpr std::array<const char*, 12> kMonths = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                              "Thursday", "Friday", "Saturday"};

std::string pad(long long value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (static_cast<int>(digits.size()) < width)
    digits.insert(0, static_cast<size_t>(width - static_cast<int>(digits.size())), '0');
  return (value < 0 ? "-" : "") + digits;
}

std::string ordinal(long long n) {
  const long long b = n % 10;
  const char* suffix = ((n % 100) / 10 == 1) ? "th"
                       : b == 1              ? "st"
                       : b == 2              ? "nd"
                       : b == 3              ? "rd"
                                             : "th";
  return std::to_string(n) + suffix;
}

std::string offset_text(seconds offset, bool colon) {
  const long long minutes = duration_cast<std::chrono::minutes>(offset).count();
  const long long a = std::llabs(minutes);
  return std::string(minutes < 0 ? "-" : "+") + pad(a / 60, 2) + (colon ? ":" : "") +
         pad(a % 60, 2);
}

// moment's week-of-year for a week starting on `dow` whose first week contains January `doy`
// (en: dow 0, doy 6, "the week with January 1st"; ISO: dow 1, doy 4).
int first_week_offset(int year, int dow, int doy) {
  const int fwd = 7 + dow - doy;
  const date::sys_days jan = date::year{year} / date::January / fwd;
  const int weekday = static_cast<int>(date::weekday{jan}.c_encoding());
  const int fwdlw = (7 + weekday - dow) % 7;
  return -fwdlw + fwd - 1;
}

int days_in_year(int year) { return date::year{year}.is_leap() ? 366 : 365; }

int weeks_in_year(int year, int dow, int doy) {
  return (days_in_year(year) - first_week_offset(year, dow, doy) +
          first_week_offset(year + 1, dow, doy)) /
         7;
}

std::pair<int, int> week_of_year(int year, int day_of_year, int dow, int doy) {  // {week, year}
  const int week =
      static_cast<int>(std::floor((day_of_year - first_week_offset(year, dow, doy) - 1) / 7.0)) + 1;
  if (week < 1) return {week + weeks_in_year(year - 1, dow, doy), year - 1};
  if (week > weeks_in_year(year, dow, doy)) return {week - weeks_in_year(year, dow, doy), year + 1};
  return {week, year};
}

const char* expansion(std::string_view token) {
  if (token == "LT") return "h:mm A";
  if (token == "LTS") return "h:mm:ss A";
  if (token == "L") return "MM/DD/YYYY";
  if (token == "l") return "M/D/YYYY";
  if (token == "LL") return "MMMM D, YYYY";
  if (token == "ll") return "MMM D, YYYY";
  if (token == "LLL") return "MMMM D, YYYY h:mm A";
  if (token == "lll") return "MMM D, YYYY h:mm A";
  if (token == "LLLL") return "dddd, MMMM D, YYYY h:mm A";
  if (token == "llll") return "ddd, MMM D, YYYY h:mm A";
  return nullptr;
}

constexpr std::array<const char*, 60> kTokens = {
    "YYYYYY", "YYYYY", "YYYY", "YY", "Qo",   "Q",    "MMMM", "MMM", "Mo",   "MM",  "M",  "DDDD",
    "DDDo",   "DDD",   "Do",   "DD", "D",    "dddd", "ddd",  "do",  "dd",   "d",   "e",  "E",
    "wo",     "ww",    "w",    "Wo", "WW",   "W",    "gggg", "gg",  "GGGG", "GG",  "A",  "a",
    "HH",     "H",     "hh",   "h",  "kk",   "k",    "mm",   "m",   "ss",   "s",   "ZZ", "Z",
    "X",      "x",     "LTS",  "LT", "LLLL", "LLL",  "LL",   "L",   "llll", "lll", "ll", "l"};

// The token at the start of `rest` ("" for none). Fractional seconds are S…S (1 to 9).
std::string_view token_at(std::string_view rest) {
  if (!rest.empty() && rest[0] == 'S') {
    size_t n = 0;
    while (n < rest.size() && n < 9 && rest[n] == 'S') ++n;
    return rest.substr(0, n);
  }
  for (const char* t : kTokens)
    if (rest.starts_with(t)) return rest.substr(0, std::string_view(t).size());
  return {};
}

struct Fields {
  int year, month, day, hour, minute, second, millis;
  int weekday;      // 0 = Sunday
  int day_of_year;  // 1-based
  seconds offset;
  long long epoch_ms;
};

Fields fields_of(Millis instant, const date::time_zone* zone) {
  Fields f{};
  date::local_time<milliseconds> local;
  if (zone == nullptr) {
    local = date::local_time<milliseconds>{instant.time_since_epoch()};
    f.offset = seconds{0};
  } else {
    const auto info = zone->get_info(date::floor<seconds>(instant));
    f.offset = info.offset;
    local = date::local_time<milliseconds>{instant.time_since_epoch() + info.offset};
  }
  const auto day = date::floor<days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> tod{local - day};
  f.year = static_cast<int>(ymd.year());
  f.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  f.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  f.hour = static_cast<int>(tod.hours().count());
  f.minute = static_cast<int>(tod.minutes().count());
  f.second = static_cast<int>(tod.seconds().count());
  f.millis = static_cast<int>(tod.subseconds().count());
  f.weekday = static_cast<int>(date::weekday{day}.c_encoding());
  const date::local_days jan1{ymd.year() / date::January / 1};
  f.day_of_year = static_cast<int>((day - jan1).count()) + 1;
  f.epoch_ms = instant.time_since_epoch().count();
  return f;
}

void format_token(std::string& out, std::string_view t, const Fields& f) {
  const int hour12 = f.hour % 12 == 0 ? 12 : f.hour % 12;
  const int quarter = (f.month - 1) / 3 + 1;
  const auto [locale_week, locale_year] = week_of_year(f.year, f.day_of_year, 0, 6);
  const auto [iso_week, iso_year] = week_of_year(f.year, f.day_of_year, 1, 4);
  const int iso_weekday = f.weekday == 0 ? 7 : f.weekday;
  if (t == "YYYYYY")
    out += (f.year < 0 ? "-" : "+") + pad(std::abs(f.year), 6);
  else if (t == "YYYYY")
    out += pad(f.year, 5);
  else if (t == "YYYY")
    out += f.year <= 9999 ? pad(f.year, 4) : "+" + std::to_string(f.year);
  else if (t == "YY")
    out += pad(std::abs(f.year) % 100, 2);
  else if (t == "Q")
    out += std::to_string(quarter);
  else if (t == "Qo")
    out += ordinal(quarter);
  else if (t == "M")
    out += std::to_string(f.month);
  else if (t == "Mo")
    out += ordinal(f.month);
  else if (t == "MM")
    out += pad(f.month, 2);
  else if (t == "MMM")
    out += std::string(kMonths[static_cast<size_t>(f.month - 1)]).substr(0, 3);
  else if (t == "MMMM")
    out += kMonths[static_cast<size_t>(f.month - 1)];
  else if (t == "D")
    out += std::to_string(f.day);
  else if (t == "Do")
    out += ordinal(f.day);
  else if (t == "DD")
    out += pad(f.day, 2);
  else if (t == "DDD")
    out += std::to_string(f.day_of_year);
  else if (t == "DDDo")
    out += ordinal(f.day_of_year);
  else if (t == "DDDD")
    out += pad(f.day_of_year, 3);
  else if (t == "d" || t == "e")
    out += std::to_string(f.weekday);
  else if (t == "do")
    out += ordinal(f.weekday);
  else if (t == "dd")
    out += std::string(kDays[static_cast<size_t>(f.weekday)]).substr(0, 2);
  else if (t == "ddd")
    out += std::string(kDays[static_cast<size_t>(f.weekday)]).substr(0, 3);
  else if (t == "dddd")
    out += kDays[static_cast<size_t>(f.weekday)];
  else if (t == "E")
    out += std::to_string(iso_weekday);
  else if (t == "w")
    out += std::to_string(locale_week);
  else if (t == "wo")
    out += ordinal(locale_week);
  else if (t == "ww")
    out += pad(locale_week, 2);
  else if (t == "W")
    out += std::to_string(iso_week);
  else if (t == "Wo")
    out += ordinal(iso_week);
  else if (t == "WW")
    out += pad(iso_week, 2);
  else if (t == "gg")
    out += pad(locale_year % 100, 2);
  else if (t == "gggg")
    out += pad(locale_year, 4);
  else if (t == "GG")
    out += pad(iso_year % 100, 2);
  else if (t == "GGGG")
    out += pad(iso_year, 4);
  else if (t == "A")
    out += f.hour < 12 ? "AM" : "PM";
  else if (t == "a")
    out += f.hour < 12 ? "am" : "pm";
  else if (t == "H")
    out += std::to_string(f.hour);
  else if (t == "HH")
    out += pad(f.hour, 2);
  else if (t == "h")
    out += std::to_string(hour12);
  else if (t == "hh")
    out += pad(hour12, 2);
  else if (t == "k")
    out += std::to_string(f.hour == 0 ? 24 : f.hour);
  else if (t == "kk")
    out += pad(f.hour == 0 ? 24 : f.hour, 2);
  else if (t == "m")
    out += std::to_string(f.minute);
  else if (t == "mm")
    out += pad(f.minute, 2);
  else if (t == "s")
    out += std::to_string(f.second);
  else if (t == "ss")
    out += pad(f.second, 2);
  else if (t[0] == 'S') {
    std::string digits = pad(f.millis, 3) + "000000";
    out += digits.substr(0, t.size());
  } else if (t == "Z")
    out += offset_text(f.offset, true);
  else if (t == "ZZ")
    out += offset_text(f.offset, false);
  else if (t == "X")
    out += js_number_to_string(std::floor(static_cast<double>(f.epoch_ms) / 1000.0));
  else if (t == "x")
    out += std::to_string(f.epoch_ms);
}

}  // namespace

Result<const date::time_zone*> zone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return make_error(Status::kInvalidConfig,
                      "the time zone \"" + std::string(name) +
                          "\" is not an IANA zone name (e.g. \"America/New_York\", \"UTC\")");
  }
}

std::string format(Millis instant, const date::time_zone* zone, std::string_view pattern) {
  if (pattern.empty()) pattern = "YYYY-MM-DDTHH:mm:ssZ";
  const Fields f = fields_of(instant, zone);
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '[') {
      const size_t close = pattern.find(']', i + 1);
      if (close != std::string_view::npos) {
        out += pattern.substr(i + 1, close - i - 1);
        i = close + 1;
        continue;
      }
    }
    const std::string_view t = token_at(pattern.substr(i));
    if (t.empty()) {
      out.push_back(pattern[i++]);
      continue;
    }
    if (const char* long_form = expansion(t))
      out += format(instant, zone, long_form);
    else
      format_token(out, t, f);
    i += t.size();
  }
  return out;
}

std::string iso(Millis instant, const date::time_zone* zone) {
  if (zone == nullptr) return format(instant, nullptr, "YYYY-MM-DDTHH:mm:ss.SSS[Z]");
  return format(instant, zone, "YYYY-MM-DDTHH:mm:ss.SSSZ");
}

namespace {

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
