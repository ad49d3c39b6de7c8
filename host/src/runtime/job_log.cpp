#include "runtime/job_log.hpp"

#include "runtime/clock.hpp"

namespace sluice::runtime {

const char* log_level_name(int32_t level) noexcept {
  switch (level) {
    case SLUICE_LOG_DEBUG:
      return "debug";
    case SLUICE_LOG_INFO:
      return "info";
    case SLUICE_LOG_WARN:
      return "warn";
    default:
      return "error";
  }
}

JobLog::JobLog(host::Store& store, std::string job_id,
               std::function<void(const host::JobLogLine&)> on_line)
    : store_(store), job_id_(std::move(job_id)), on_line_(std::move(on_line)) {
  previous_ = host::set_log_sink([this](int32_t level, const std::string& scope,
                                        std::string_view message) { log(level, scope, message); });
}

JobLog::~JobLog() { host::set_log_sink(std::move(previous_)); }

void JobLog::log(int32_t level, const std::string& step, std::string_view message) {
  host::JobLogLine line{job_id_, now_iso8601(), log_level_name(level), step, std::string(message)};
  std::lock_guard lock(mutex_);
  if (on_line_) on_line_(line);
  pending_.push_back(std::move(line));
}

Result<void> JobLog::flush() {
  std::vector<host::JobLogLine> lines;
  {
    std::lock_guard lock(mutex_);
    lines.swap(pending_);
  }
  return store_.append_job_log(lines);
}

}  // namespace sluice::runtime
