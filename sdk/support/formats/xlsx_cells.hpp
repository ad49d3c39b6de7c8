// Cell values of the XLSX reader and writer (internal): Excel's _xHHHH_ escapes, cell references,
// number formats that are dates and date serial numbers as ISO 8601 text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::support::formats::xlsx {

// Replaces each _xHHHH_ (a UTF-16 code unit, as Excel escapes control characters) by the
// character, in UTF-8; _x005F_ is "_". Anything else is kept as it is.
std::string decode_escapes(std::string_view text);
// The reverse, for the writer: control characters other than TAB, LF and CR as _xHHHH_, and the
// "_" of a literal "_xHHHH_" as _x005F_.
std::string encode_escapes(std::string_view text);

// "C12" -> column 3 (1-based; 0 when `reference` has no valid column of at most XFD = 16384).
uint32_t column_of(std::string_view reference);
// 3 -> "C".
std::string column_name(uint32_t column);

enum class DateKind { kNone, kDate, kDateTime, kTime };

// What a number format shows: built-in format ids 14-22, 27-36, 45-47 and 50-58 are dates or
// times; a custom `code` is one when it has y, m, d, h or s outside quoted text, escapes and
// [...] sections ([h], [m], [s] count as times).
DateKind date_kind(uint32_t format_id, std::string_view code);

// A date serial number as ISO 8601 text: "2024-03-01", "2024-03-01T13:30:00(.250)",
// "13:30:00(.250)" (a kTime below one day; from one day on it is kDateTime). None for serials
// outside 0 .. 2958465 (9999-12-31).
std::optional<std::string> iso_date(double serial, DateKind kind, bool date1904);

}  // namespace sluice::support::formats::xlsx
