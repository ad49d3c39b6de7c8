// What `sluice flow run` (cmd_flow.cpp), `sluice flow test` (cmd_flow_test.cpp) and `sluice flow
// schedule` (cmd_flow_schedule.cpp) share.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sluice/result.hpp"

namespace sluice::cli {

// SLUICE_RECORD_LIMIT_BYTES, read when called: the largest record at any step, default
// integrator.io's 5 MB (5242880 bytes). A value set but not a whole number from 1 to 2^32 is a
// kInvalidConfig Error naming the variable, its value and what it takes.
Result<size_t> record_limit_from_environment();

// `sluice flow schedule ...` (cmd_flow_schedule.cpp); `args` are the words after "schedule".
struct Env;
using Args = std::vector<std::string>;
int cmd_flow_schedule(const Env& env, const Args& args);

}  // namespace sluice::cli
