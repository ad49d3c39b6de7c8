// Hand-written because Debian 12 packages no C++ cron library; the calendar and the zones are
// Howard Hinnant's date/tz.h over the system's tzdata.
#include "serve/schedule/cron.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <sstream>
#include <vector>

// date::parse trips a false -Wmaybe-uninitialized in GCC 12 (date.h's from_stream, inlined).
// Clang has no such warning (and -Werror refuses an unknown one): GCC only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <date/date.h>
#include <date/tz.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace sluice::serve::schedule {
namespace {

constexpr std::string_view kForms =
    "accepted forms: *, N, N-M, */S, N-M/S, N/S, or a comma-separated list of them "
    "(e.g. 0,15,30-45/5)";

struct Field {
  std::string_view name;
  int min;
  int max;
  std::array<std::string_view, 12> names;  // names[i] is the value min + i (empty: none)
  bool question_mark;                      // "?" allowed (dayOfMonth, dayOfWeek)
};

constexpr Field kMinute{"minute", 0, 59, {}, false};
constexpr Field kHour{"hour", 0, 23, {}, false};
constexpr Field kDay{"dayOfMonth", 1, 31, {}, true};
constexpr Field kMonth{
    "month",
    1,
    12,
    {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"},
    false};
constexpr Field kWeekday{
    "dayOfWeek", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, true};

struct FieldError {
  std::string what;
};

std::string range_text(const Field& field) {
  std::string text = std::to_string(field.min) + "-" + std::to_string(field.max);
  if (field.name == kMonth.name) text += " or JAN-DEC";
  if (field.name == kWeekday.name) text += " (0 and 7 are Sunday) or SUN-SAT";
  return text;
}

// A value of `field`: a number in its range or one of its names.
std::optional<int> read_value(const Field& field, std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "a value is missing";
    return std::nullopt;
  }
  if (std::isalpha(static_cast<unsigned char>(text[0])) && !field.names[0].empty()) {
    std::string upper;
    for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (size_t i = 0; i < field.names.size(); ++i) {
      if (!field.names[i].empty() && field.names[i] == upper)
        return field.min + static_cast<int>(i);
    }
    error = "\"" + std::string(text) + "\" is not a " + std::string(field.name) + " (" +
            range_text(field) + ")";
    return std::nullopt;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    error = "\"" + std::string(text) + "\" is not a number";
    return std::nullopt;
  }
  if (value < field.min || value > field.max) {
    error = std::to_string(value) + " is outside " + range_text(field);
    return std::nullopt;
  }
  return value;
}

// Parses one field into `bits` (value v sets bit v; dayOfWeek 7 sets bit 0). Empty on success.
template <size_t N>
std::string read_field(const Field& field, std::string_view text, std::bitset<N>& bits) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = text.substr(start, comma - start);
    if (item.empty()) return "an empty list item";
    std::string_view base = item;
    int step = 1;
    if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
      base = item.substr(0, slash);
      const std::string_view step_text = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || ec != std::errc() || end != step_text.data() + step_text.size() ||
          step < 1 || step > field.max) {
        return "step \"" + std::string(step_text) + "\" in \"" + std::string(item) +
               "\" is not a number from 1 to " + std::to_string(field.max);
      }
    }
    int low = field.min;
    int high = field.max;
    std::string error;
    if (base == "*" || (base == "?" && field.question_mark)) {
      if (base == "?" && item != "?") return "\"?\" takes no step";
    } else if (base == "?") {
      return "\"?\" is only allowed in dayOfMonth and dayOfWeek";
    } else if (const size_t dash = base.find('-'); dash != std::string_view::npos) {
      const auto first = read_value(field, base.substr(0, dash), error);
      if (!first) return error;
      const auto last = read_value(field, base.substr(dash + 1), error);
      if (!last) return error;
      if (*first > *last) {
        return "range \"" + std::string(base) + "\" goes backwards; write it as two ranges";
      }
      low = *first;
      high = *last;
    } else {
      const auto value = read_value(field, base, error);
      if (!value) return error;
      low = *value;
      high = item.find('/') == std::string_view::npos ? *value : field.max;
    }
    for (int v = low; v <= high; v += step) bits.set(static_cast<size_t>(v % static_cast<int>(N)));
    start = comma + 1;
  }
  return {};
}

constexpr std::array<int, 13> kMaxDays{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// The instant a local time runs at: its first occurrence; a nonexistent one at the transition.
template <class Duration>
date::sys_time<Duration> resolve(const date::time_zone& zone, date::local_time<Duration> local) {
  const date::local_info info = zone.get_info(local);
  if (info.result == date::local_info::nonexistent) return info.second.begin;
  return date::sys_time<Duration>{local.time_since_epoch() - info.first.offset};
}

}  // namespace

Result<CronSchedule> parse_cron(std::string_view text) {
  const auto fail = [&](std::string message) {
    return make_error(Status::kInvalidConfig,
                      "schedule \"" + std::string(text) + "\": " + std::move(message));
  };
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5 && fields.size() != 6) {
    return fail("has " + std::to_string(fields.size()) +
                " fields; write 5 (minute hour dayOfMonth month dayOfWeek, e.g. \"0 2 * * *\") "
                "or integrator.io's 6 (? minute hour dayOfMonth month dayOfWeek, e.g. "
                "\"? 0 2 ? * *\")");
  }
  const size_t first = fields.size() - 5;
  const size_t total = fields.size();
  if (first == 1 && fields[0] != "?" && fields[0] != "0") {
    return fail("field 1 of 6 is \"" + std::string(fields[0]) +
                "\"; in integrator.io's form it is always \"?\" (? minute hour dayOfMonth month "
                "dayOfWeek)");
  }
  CronSchedule schedule;
  schedule.text = std::string(text);
  const auto check = [&](size_t index, const Field& field, std::string error) -> Result<void> {
    if (error.empty()) return {};
    return fail(std::string(field.name) + " (field " + std::to_string(first + index + 1) + " of " +
                std::to_string(total) + ", \"" + std::string(fields[first + index]) +
                "\"): " + error + "; " + std::string(kForms) + ", " + std::string(field.name) +
                " " + range_text(field));
  };
  if (auto r = check(0, kMinute, read_field(kMinute, fields[first], schedule.minutes)); !r)
    return r.error();
  if (auto r = check(1, kHour, read_field(kHour, fields[first + 1], schedule.hours)); !r)
    return r.error();
  if (auto r = check(2, kDay, read_field(kDay, fields[first + 2], schedule.days)); !r)
    return r.error();
  if (auto r = check(3, kMonth, read_field(kMonth, fields[first + 3], schedule.months)); !r)
    return r.error();
  if (auto r = check(4, kWeekday, read_field(kWeekday, fields[first + 4], schedule.weekdays)); !r)
    return r.error();
  const auto star = [](std::string_view field) { return field[0] == '*' || field[0] == '?'; };
  schedule.days_restricted = !star(fields[first + 2]);
  schedule.weekdays_restricted = !star(fields[first + 4]);
  if (!schedule.weekdays_restricted) {
    bool possible = false;
    for (int month = 1; month <= 12 && !possible; ++month) {
      if (!schedule.months[month]) continue;
      for (int day = 1; day <= kMaxDays[month] && !possible; ++day) possible = schedule.days[day];
    }
    if (!possible) {
      return fail("dayOfMonth \"" + std::string(fields[first + 2]) +
                  "\" never occurs in the months \"" + std::string(fields[first + 3]) +
                  "\" (February has 29 days at most, April, June, September and November 30); "
                  "the schedule would never run");
    }
  }
  return schedule;
}

Result<const date::time_zone*> find_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return make_error(Status::kInvalidConfig,
                      "time zone \"" + std::string(name) +
                          "\" is not an IANA time zone name of this system's tzdata; write one "
                          "such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\"");
  }
}

Result<Instant> next_run(const CronSchedule& schedule, const date::time_zone& zone,
                         std::chrono::system_clock::time_point after) {
  using namespace std::chrono;
  const auto local_after = zone.to_local(floor<seconds>(after));
  date::local_days day = floor<date::days>(local_after);
  constexpr int kSearchDays = 9 * 366;
  for (int i = 0; i <= kSearchDays; ++i, day += date::days{1}) {
    const date::year_month_day ymd{day};
    if (!schedule.months[static_cast<unsigned>(ymd.month())]) continue;
    const bool dom = schedule.days[static_cast<unsigned>(ymd.day())];
    const bool dow = schedule.weekdays[date::weekday{day}.c_encoding()];
    const bool either = schedule.days_restricted && schedule.weekdays_restricted;
    if (either ? !(dom || dow) : !(dom && dow)) continue;
    for (int h = 0; h < 24; ++h) {
      if (!schedule.hours[h]) continue;
      // Times more than a day before `after` cannot be after it, whatever the offsets.
      if (day + hours(h + 1) + days(1) < local_after) continue;
      for (int m = 0; m < 60; ++m) {
        if (!schedule.minutes[m]) continue;
        const Instant at = resolve(zone, date::local_seconds{day + hours(h) + minutes(m)});
        if (at > after) return at;
      }
    }
  }
  return make_error(Status::kInvalidConfig,
                    "schedule \"" + schedule.text + "\" never runs in the 9 years after " +
                        format_utc(floor<seconds>(after)) + "; check its dayOfMonth and month");
}

std::string format_utc(Instant instant) { return date::format("%FT%TZ", instant); }

std::string format_local(Instant instant, const date::time_zone& zone) {
  return date::format("%FT%T%Ez", date::zoned_seconds(&zone, instant));
}

Result<std::chrono::system_clock::time_point> parse_instant(std::string_view text,
                                                            const date::time_zone& zone) {
  using namespace std::chrono;
  const auto fail = [&] {
    return make_error(Status::kInvalidConfig,
                      "\"" + std::string(text) +
                          "\" is not an ISO 8601 time; write e.g. 2026-03-08T02:30:00Z, "
                          "2026-03-08T02:30:00+01:00 or 2026-03-08T02:30 (in the flow's zone)");
  };
  std::string body(text);
  for (char& c : body) {
    if (c == ' ') c = 'T';
  }
  bool utc = false;
  if (!body.empty() && (body.back() == 'Z' || body.back() == 'z')) {
    utc = true;
    body.pop_back();
  }
  const size_t t = body.find('T');
  const bool has_offset =
      t != std::string::npos && body.find_first_of("+-", t) != std::string::npos;
  if (utc && has_offset) return fail();
  const bool has_seconds =
      t != std::string::npos && body.find(':', body.find(':', t) + 1) != std::string::npos;
  std::string format = t == std::string::npos ? "%F" : has_seconds ? "%FT%T" : "%FT%R";
  if (has_offset) format += "%Ez";
  std::istringstream in(body);
  date::local_time<milliseconds> local;
  minutes offset{0};
  if (has_offset) {
    in >> date::parse(format, local, offset);
  } else {
    in >> date::parse(format, local);
  }
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return fail();
  if (utc || has_offset) {
    return time_point_cast<system_clock::duration>(
        date::sys_time<milliseconds>{local.time_since_epoch() - offset});
  }
  return time_point_cast<system_clock::duration>(resolve(zone, local));
}

}  // namespace sluice::serve::schedule
