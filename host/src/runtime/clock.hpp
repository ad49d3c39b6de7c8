// Timestamps and ids for jobs and errors.
#pragma once

#include <string>

namespace sluice::runtime {

// UTC now as ISO 8601 with milliseconds: 2026-11-27T20:15:00.123Z.
std::string now_iso8601();
// 24 random lowercase hex digits (the shape of integrator.io's ids).
std::string new_id();

}  // namespace sluice::runtime
