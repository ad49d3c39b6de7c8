// The host side of one plugin call: the sluice_call object a plugin receives, and the table of
// host services (sluice_host_api) whose functions copy what the plugin hands back.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "sluice/abi/plugin.h"

namespace sluice::host {
struct ConnectionStateAccess;
}

// The ABI declares sluice_call opaque; this is its only definition.
struct sluice_call {
  std::string result;
  std::string result_bytes;  // 1.1: set_result_bytes
  std::string error_message;
  std::string error_details;
  uint32_t retry_after_ms = 0;
  const std::atomic<bool>* cancelled = nullptr;  // null: never cancelled
  std::string log_scope;                         // e.g. "plugin http, export orders"
  // set_result refuses a text longer than this: it copies nothing and records the length in
  // `result_refused` instead.
  size_t result_limit = SIZE_MAX;
  size_t result_refused = 0;
  // 1.2: the state of the connection the call serves (state_get/state_put); null: none (a hook,
  // or a caller that keeps no state), and those calls answer SLUICE_UNSUPPORTED.
  const sluice::host::ConnectionStateAccess* connection_state = nullptr;
};

namespace sluice::host {

// Where plugin log lines go: level (SLUICE_LOG_*), scope, message. The default writes WARN and
// ERROR lines to stderr; tests and the CLI may replace it (not thread-safe to replace while
// calls run). Every message reaches the sink already passed through Redactor::process(), and so
// do the error message and details a plugin sets (set_error).
using LogSink =
    std::function<void(int32_t level, const std::string& scope, std::string_view message)>;
// Returns the sink it replaces.
LogSink set_log_sink(LogSink sink);
// Lines below `level` (SLUICE_LOG_*) are dropped as they arrive, before redaction and before the
// sink: what a job that keeps no debug lines sets (runtime/job_log.hpp). SLUICE_LOG_DEBUG (the
// default) passes every line. Returns the floor it replaces; safe to call while calls run.
int32_t set_log_floor(int32_t level) noexcept;

// Where plugin warnings (1.1 `warn`) and metrics (1.1 `metric`) go besides the log sink and the
// process-wide registry: the running job's (runtime/job_log.hpp). Texts arrive redacted. Empty
// by default; not thread-safe to replace while calls run. Each returns the sink it replaces.
using WarnSink = std::function<void(const std::string& scope, std::string_view message)>;
WarnSink set_warn_sink(WarnSink sink);
using MetricSink =
    std::function<void(int32_t kind, std::string_view name, std::string_view labels, double value)>;
MetricSink set_metric_sink(MetricSink sink);

// The metrics plugins reported (1.1 `metric`), by name followed by its labels JSON (redacted):
// counters summed, gauges as last set. Kept for the process, for `sluice serve` to expose.
std::map<std::string, double> metrics_snapshot();

// The table handed to every plugin's entry function; lives for the whole process. 1.1's `warn`
// goes to the log sink at SLUICE_LOG_WARN and to the warn sink; `metric` to the registry and the
// metric sink. 1.2's state_get/state_put go to the call's connection_state (a failure is logged
// at SLUICE_LOG_WARN naming the connection and the key, and returned as its status); a document
// over kMaxStateBytes is refused with SLUICE_INVALID_CONFIG.
inline constexpr size_t kMaxStateBytes = 64 * 1024;

const sluice_host_api* host_api() noexcept;

}  // namespace sluice::host
