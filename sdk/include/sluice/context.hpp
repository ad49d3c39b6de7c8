// What a connector can ask of the host during one call: logging, warnings, metrics,
// cancellation, (for an export) the run it serves, and (since 1.2) the connection's state.
//
// Levels (sdk/README.md, "Logging"): every info, warn and error line a call logs in a job is
// stored in that job's log (`sluice jobs log JOB`) with its level and step, and debug lines too
// when the run keeps them (`sluice flow run -v` or `--debug`; `sluice export preview` and
// `sluice connection test` always show them); otherwise the host drops debug lines as they come.
// `sluice flow run` prints warn and error lines to stderr, and info and debug ones too with -v.
// Outside a job (ping, plugin test) debug and info go nowhere, warn and error to stderr.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/abi/plugin.h"

namespace sluice {

enum class LogLevel : int32_t {
  kDebug = SLUICE_LOG_DEBUG,
  kInfo = SLUICE_LOG_INFO,
  kWarn = SLUICE_LOG_WARN,
  kError = SLUICE_LOG_ERROR,
};

struct RunContext;

// Valid only during the connector call it is passed to; do not keep it. A unit test may build
// one with Context(nullptr, nullptr): every service then does nothing.
class Context {
 public:
  Context(const sluice_host_api* host, sluice_call* call, const RunContext* run = nullptr) noexcept
      : host_(host), call_(call), run_(run) {}

  void log(LogLevel level, std::string_view message) const noexcept;
  // since 1.1: a warning kept in the job's summary (and its log). In a 1.0 host, a warn log line.
  void warn(std::string_view message) const noexcept;
  // since 1.1: adds `value` to the counter `name` with `labels` (string values). Nothing in a
  // 1.0 host.
  void counter(std::string_view name, const boost::json::object& labels = {},
               double value = 1) const noexcept;
  // since 1.1: sets the gauge `name` with `labels` to `value`. Nothing in a 1.0 host.
  void gauge(std::string_view name, const boost::json::object& labels, double value) const noexcept;
  // True once the host asked the job to stop; return Status::kCancelled soon after.
  bool cancelled() const noexcept;
  // since 1.1: during export calls, the run the export serves; nullptr in other calls, and when
  // a 1.0 host opened the export.
  const RunContext* run() const noexcept { return run_; }

  // since 1.2: connection state (plugin.h's state_get/state_put). The host keeps one JSON
  // document per key for the connection the call serves, sealed at rest, between calls, jobs and
  // processes; every string in it is treated as a secret (never logged), so keep only secrets as
  // strings and expiries as numbers. May be called from any thread working for this call.
  //
  // True when the host keeps state (a 1.2 host, in a call of a connection).
  bool keeps_state() const noexcept;
  // The document stored under `key`; nullopt when there is none, when the host does not keep
  // state (a 1.1 host, a hook) or the store could not read it (the host logged why).
  std::optional<boost::json::value> load_state(std::string_view key) const noexcept;
  // Replaces the document under `key` (null deletes it). False when the host does not keep state
  // or could not store it (the host logged why): the plugin then keeps it in memory only.
  bool save_state(std::string_view key, const boost::json::value& value) const noexcept;

 private:
  void metric(int32_t kind, std::string_view name, const boost::json::object& labels,
              double value) const noexcept;

  const sluice_host_api* host_;
  sluice_call* call_;
  const RunContext* run_;
};

}  // namespace sluice
