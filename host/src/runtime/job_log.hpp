// A job's log while it runs: every line a plugin logs during the job (sluice_host_api.log and
// warn), with its level and step, kept in memory until flush() writes it to the store, and handed
// to RunOptions::on_log as it arrives (so `sluice flow run -v` can print it live).
//
// Debug lines (an HTTP export's request/response/paging trace: three per page, up to 4 KB of
// body each) are kept, and handed to on_log, only when the run asks for them (`keep_debug`:
// `sluice flow run -v` or `--debug`); otherwise they are dropped as they arrive, before redaction
// (host::set_log_floor), so a 10,000-page export does not write ~40 MB of trace into the store.
// `sluice export preview` always shows them (it has its own sink).
//
// It also keeps the job's warnings (sluice_host_api.warn) and metrics (sluice_host_api.metric)
// for the job's "warnings" and "metrics" (store/store.hpp Job).
//
// While a JobLog lives it is the host's log, warn and metric sink (plugins/host_api.hpp);
// destroying it restores the sink before it. Construct and destroy it while no plugin call runs.
// log() may be called from any thread; flush() from one thread at a time. Texts arrive redacted
// (host_api does it).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <boost/json/array.hpp>

#include "plugins/host_api.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

class JobLog {
 public:
  JobLog(host::Store& store, std::string job_id,
         std::function<void(const host::JobLogLine&)> on_line, bool keep_debug = false);
  ~JobLog();
  JobLog(const JobLog&) = delete;
  JobLog& operator=(const JobLog&) = delete;

  void log(int32_t level, const std::string& step, std::string_view message);
  // Writes the lines logged since the last flush; returns why they could not be written.
  Result<void> flush();

  // At most this many distinct warnings (step and message) are kept; later ones only count in
  // the log.
  static constexpr size_t kMaxWarnings = 100;
  void warn(const std::string& step, std::string_view message);
  void metric(int32_t kind, std::string_view name, std::string_view labels, double value);
  // [{"step","message","count"}] in the order each first arrived.
  boost::json::array warnings() const;
  // [{"name","labels":{..},"kind":"counter"|"gauge","value"}] by name, then labels: counters
  // summed, gauges as last set.
  boost::json::array metrics() const;

 private:
  host::Store& store_;
  std::string job_id_;
  std::function<void(const host::JobLogLine&)> on_line_;
  host::LogSink previous_;
  host::WarnSink previous_warn_;
  host::MetricSink previous_metric_;
  bool keep_debug_;
  int32_t previous_floor_;
  mutable std::mutex mutex_;
  std::vector<host::JobLogLine> pending_;
  struct Warning {
    std::string step, message;
    int64_t count = 0;
  };
  std::vector<Warning> warnings_;
  // (name, labels JSON text, kind) -> value
  std::map<std::tuple<std::string, std::string, int32_t>, double> metrics_;
};

// "debug", "info", "warn", "error" for SLUICE_LOG_*.
const char* log_level_name(int32_t level) noexcept;

}  // namespace sluice::runtime
