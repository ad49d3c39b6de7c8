// Cron schedules of flows and page generators (docs/serve.md, "Schedules"): parsing and the next
// run time in an IANA time zone.
//
// Two forms are read:
//   - integrator.io's 6 fields "? minute hour dayOfMonth month dayOfWeek": the first field is
//     always "?" in integrator.io (no seconds; "0" is accepted too and means the same);
//   - standard 5-field cron "minute hour dayOfMonth month dayOfWeek".
// Each field is "*" (or "?" in dayOfMonth and dayOfWeek), a value, a range "N-M", a step "*/S",
// "N-M/S" or "N/S" (N to the field's maximum), or a comma-separated list of these. Months may be
// JAN..DEC, weekdays SUN..SAT (any case); weekday 0 and 7 are Sunday. As in Vixie cron, when both
// dayOfMonth and dayOfWeek are restricted (neither starts with "*" or "?") a day matches when
// either does; otherwise both must.
//
// Daylight saving time: schedules are in local wall-clock time. A local time that happens twice
// (clocks set back) runs once, at its first occurrence; a local time that does not exist (clocks
// set forward) runs at the first valid instant after it, the instant of the transition (several
// such times run once there).
//
// Thread safety: a CronSchedule is immutable after parsing; next_run may be called concurrently.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/result.hpp"

namespace date {
class time_zone;
}

namespace sluice::serve::schedule {

struct CronSchedule {
  std::string text;  // as written
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;              // 1..31
  std::bitset<13> months;            // 1..12
  std::bitset<7> weekdays;           // 0 (Sunday)..6
  bool days_restricted = false;      // dayOfMonth did not start with "*" or "?"
  bool weekdays_restricted = false;  // dayOfWeek did not start with "*" or "?"
};

// kInvalidConfig naming the field, what is wrong in it and the accepted forms.
Result<CronSchedule> parse_cron(std::string_view text);

// The IANA zone named `name` ("Europe/Berlin"; "UTC"), from the system's tzdata.
// kInvalidConfig when there is no such zone.
Result<const date::time_zone*> find_zone(std::string_view name);

using Instant = std::chrono::sys_seconds;

// The first run of `schedule` strictly after `after`, in `zone`. Searches the 9 years after
// `after` (long enough for "29 FEB" across a century that skips a leap year); kInvalidConfig
// when the schedule never runs in them ("30 2 *": February 30).
Result<Instant> next_run(const CronSchedule& schedule, const date::time_zone& zone,
                         std::chrono::system_clock::time_point after);

// "2026-03-08T07:00:00Z".
std::string format_utc(Instant instant);
// The local time with its offset: "2026-03-08T03:00:00-04:00".
std::string format_local(Instant instant, const date::time_zone& zone);
// Reads ISO 8601 "2026-03-08T02:30:00Z", with an offset ("+01:00"), fractions of a second, or
// without seconds; a time without Z or offset is a local time in `zone` (its earliest
// occurrence; a time that does not exist reads as the transition instant). kInvalidConfig when
// the text is not such a time.
Result<std::chrono::system_clock::time_point> parse_instant(std::string_view text,
                                                            const date::time_zone& zone);

}  // namespace sluice::serve::schedule
