// What a connector can ask of the host during one call: logging, warnings, metrics,
// cancellation, and (for an export) the run it serves.
//
// Levels (sdk/README.md, "Logging"): every line a call logs in a job is stored in that job's
// log (`sluice jobs log JOB`) with its level and step; `sluice flow run` prints warn and error
// lines to stderr, and info and debug ones too with -v. Outside a job (ping, plugin test) debug
// and info go nowhere, warn and error to stderr.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

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

 private:
  void metric(int32_t kind, std::string_view name, const boost::json::object& labels,
              double value) const noexcept;

  const sluice_host_api* host_;
  sluice_call* call_;
  const RunContext* run_;
};

}  // namespace sluice
