// What `sluice flow run` (cmd_flow.cpp) and `sluice flow test` (cmd_flow_test.cpp) share.
#pragma once

#include <cstddef>

#include "sluice/result.hpp"

namespace sluice::cli {

// SLUICE_RECORD_LIMIT_BYTES, read when called: the largest record at any step, default
// integrator.io's 5 MB (5242880 bytes). A value set but not a whole number from 1 to 2^32 is a
// kInvalidConfig Error naming the variable, its value and what it takes.
Result<size_t> record_limit_from_environment();

}  // namespace sluice::cli
