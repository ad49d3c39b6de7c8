// The limits every script call runs under. A limit that is hit ends the call with an error that
// names the limit and its value (script_engine.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::script {

// The environment variables a user sets the limits with (runtime/script_runner.hpp reads them for
// each job), their largest values, and what a limit message tells the user to change.
inline constexpr const char kTimeLimitVariable[] = "SLUICE_SCRIPT_TIME_LIMIT_MS";
inline constexpr uint32_t kMaxTimeLimitMs = 3'600'000;
inline constexpr const char kHeapLimitVariable[] = "SLUICE_SCRIPT_HEAP_LIMIT_MB";
inline constexpr uint64_t kMaxHeapLimitMb = 65'536;

struct ScriptLimits {
  // Wall-clock budget of one call (and of the script's top-level code when it is loaded),
  // milliseconds. The call is interrupted when it is exceeded, whatever the script does.
  uint32_t call_time_limit_ms = 5000;
  // Maximum bytes of the JavaScript heap (SpiderMonkey's JSGC_MAX_BYTES). The heap belongs to
  // the calling thread: every engine used on one thread shares it, and the limit in force is the
  // one of the engine being called.
  uint64_t heap_limit_bytes = 256ull << 20;
  // Longest text one console.log/warn/error call passes to the log callback; longer messages are
  // cut and end with "… (cut, N bytes)".
  size_t console_message_limit = 16 << 10;
};

}  // namespace sluice::script
