// The warnings part of `sluice flow run`'s summary (cmd_flow.cpp).
#pragma once

#include <string>

#include "store/store.hpp"

namespace sluice::cli {

// "" when `job` has no warnings; otherwise "  warnings:\n" and one line per distinct warning,
// in the order each first arrived: "    <count>x [<step>] <message>\n". Control characters in
// the step and message are printed as visible escapes (\n, \xNN), so a plugin cannot forge lines.
std::string format_warnings(const host::Job& job);

}  // namespace sluice::cli
