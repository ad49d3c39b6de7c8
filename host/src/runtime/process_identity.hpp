// Which process runs a job: its pid and its start time, so that a pid the kernel reused for
// another process after the job's process died is not taken for it.
#pragma once

#include <cstdint>
#include <optional>

namespace sluice::runtime {

struct ProcessIdentity {
  int64_t pid = 0;
  int64_t start_time = 0;  // clock ticks since boot (/proc/PID/stat field 22); 0 when unknown
};

// This process.
ProcessIdentity this_process();

// The start time of process `pid` (field 22 of /proc/PID/stat), or nullopt when there is no
// such process or its stat file cannot be read.
std::optional<int64_t> process_start_time(int64_t pid);

// True while the process `identity` names is running: a process with that pid exists and, when
// identity.start_time is known, it started at that time. A pid of 0 or less is never alive.
bool is_alive(const ProcessIdentity& identity);

}  // namespace sluice::runtime
