// moment.js date formats: formatting and parsing with its tokens, in IANA time zones.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "sluice/result.hpp"

namespace sluice::support::tmpl::moment {

using Millis = date::sys_time<std::chrono::milliseconds>;

// The instants handled: within this many milliseconds of 1970 (about ±28,000 years), so that
// calendar arithmetic stays inside the date library's years.
inline constexpr long long kMaxMillis = 900'000'000'000'000;

// The zone named `name` (IANA, e.g. "America/New_York", "US/Central", "UTC"); nullptr for UTC
// when `name` is empty. An Error names the zone when it does not exist.
Result<const date::time_zone*> zone(std::string_view name);

// `instant` in `zone` (nullptr: UTC) written with moment.js tokens (YYYY MM DD HH mm ss SSS Z ZZ
// X x A a Do dddd ddd MMMM MMM Q w W gg GG LT L LL … and [literal] text). An empty format is
// moment's default, YYYY-MM-DDTHH:mm:ssZ.
std::string format(Millis instant, const date::time_zone* zone, std::string_view pattern);

// moment.js's toISOString in UTC (YYYY-MM-DDTHH:mm:ss.SSSZ with a literal Z), or with the zone's
// offset when `zone` is not null.
std::string iso(Millis instant, const date::time_zone* zone);

// Reads `text` as moment(text) does: ISO 8601 (a time without offset is UTC), else the forms
// JavaScript's Date reads (RFC 2822, "Mon Nov 21 2019 20:00:00 GMT+0000", "03/10/1990").
std::optional<Millis> parse_auto(std::string_view text);

// Reads `text` with a moment.js format (forgiving, as moment's non-strict parsing is: separators
// need not match). A missing year is `default_year`; no offset token means UTC.
std::optional<Millis> parse_with(std::string_view text, std::string_view pattern, int default_year);

}  // namespace sluice::support::tmpl::moment
