// Timestamps and ids for jobs and errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::runtime {

// UTC now as ISO 8601 with milliseconds: 2026-11-27T20:15:00.123Z.
std::string now_iso8601();
// Milliseconds since the epoch as now_iso8601() writes them.
std::string iso8601_from_ms(int64_t ms);
// Milliseconds since the epoch of an ISO 8601 date-time: "2026-01-02T03:04:05Z", with optional
// ".sss" and a "Z" or "+hh:mm"/"-hh:mm" offset, or a date alone ("2026-01-02", midnight UTC).
// nullopt for anything else.
std::optional<int64_t> ms_from_iso8601(std::string_view text);
// 24 random lowercase hex digits (the shape of integrator.io's ids).
std::string new_id();

}  // namespace sluice::runtime
