// A job's log while it runs: every line a plugin logs during the job (sluice_host_api.log and
// warn), with its level and step, kept in memory until flush() writes it to the store, and handed
// to RunOptions::on_log as it arrives (so `sluice flow run -v` can print it live).
//
// While a JobLog lives it is the host's log sink (plugins/host_api.hpp); destroying it restores
// the sink before it. Construct and destroy it while no plugin call runs. log() may be called
// from any thread; flush() from one thread at a time. Texts arrive redacted (host_api does it).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/host_api.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

class JobLog {
 public:
  JobLog(host::Store& store, std::string job_id,
         std::function<void(const host::JobLogLine&)> on_line);
  ~JobLog();
  JobLog(const JobLog&) = delete;
  JobLog& operator=(const JobLog&) = delete;

  void log(int32_t level, const std::string& step, std::string_view message);
  // Writes the lines logged since the last flush; returns why they could not be written.
  Result<void> flush();

 private:
  host::Store& store_;
  std::string job_id_;
  std::function<void(const host::JobLogLine&)> on_line_;
  host::LogSink previous_;
  std::mutex mutex_;
  std::vector<host::JobLogLine> pending_;
};

// "debug", "info", "warn", "error" for SLUICE_LOG_*.
const char* log_level_name(int32_t level) noexcept;

}  // namespace sluice::runtime
