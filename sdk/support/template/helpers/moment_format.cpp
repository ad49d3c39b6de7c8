#include <array>
#include <cmath>
#include <cstdlib>

#include "js_value.hpp"
#include "sluice/support/template/moment.hpp"
#include "moment_tokens.hpp"

namespace sluice::support::tmpl::moment {

namespace {

using namespace std::chrono;
using date::days;
using detail::expansion;
using detail::kDays;
using detail::kMonths;
using detail::token_at;

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

}  // namespace sluice::support::tmpl::moment
