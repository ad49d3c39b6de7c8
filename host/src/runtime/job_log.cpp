#include "runtime/job_log.hpp"

#include <boost/json/parse.hpp>

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
               std::function<void(const host::JobLogLine&)> on_line, bool keep_debug)
    : store_(store),
      job_id_(std::move(job_id)),
      on_line_(std::move(on_line)),
      keep_debug_(keep_debug),
      previous_floor_(host::set_log_floor(keep_debug ? SLUICE_LOG_DEBUG : SLUICE_LOG_INFO)) {
  previous_ = host::set_log_sink([this](int32_t level, const std::string& scope,
                                        std::string_view message) { log(level, scope, message); });
  previous_warn_ = host::set_warn_sink(
      [this](const std::string& scope, std::string_view message) { warn(scope, message); });
  previous_metric_ =
      host::set_metric_sink([this](int32_t kind, std::string_view name, std::string_view labels,
                                   double value) { metric(kind, name, labels, value); });
}

JobLog::~JobLog() {
  host::set_log_floor(previous_floor_);
  host::set_metric_sink(std::move(previous_metric_));
  host::set_warn_sink(std::move(previous_warn_));
  host::set_log_sink(std::move(previous_));
}

void JobLog::warn(const std::string& step, std::string_view message) {
  std::lock_guard lock(mutex_);
  for (Warning& w : warnings_) {
    if (w.step == step && w.message == message) {
      ++w.count;
      return;
    }
  }
  if (warnings_.size() < kMaxWarnings) warnings_.push_back({step, std::string(message), 1});
}

void JobLog::metric(int32_t kind, std::string_view name, std::string_view labels, double value) {
  std::lock_guard lock(mutex_);
  double& slot = metrics_[{std::string(name), std::string(labels), kind}];
  slot = kind == SLUICE_METRIC_GAUGE ? value : slot + value;
}

boost::json::array JobLog::warnings() const {
  std::lock_guard lock(mutex_);
  boost::json::array out;
  for (const Warning& w : warnings_) {
    out.push_back(
        boost::json::object{{"step", w.step}, {"message", w.message}, {"count", w.count}});
  }
  return out;
}

boost::json::array JobLog::metrics() const {
  std::lock_guard lock(mutex_);
  boost::json::array out;
  for (const auto& [key, value] : metrics_) {
    const auto& [name, labels, kind] = key;
    boost::system::error_code ec;
    boost::json::value parsed =
        labels.empty() ? boost::json::object() : boost::json::parse(labels, ec);
    if (ec) parsed = labels;  // not JSON: kept as the text the plugin sent
    out.push_back(boost::json::object{{"name", name},
                                      {"labels", std::move(parsed)},
                                      {"kind", kind == SLUICE_METRIC_GAUGE ? "gauge" : "counter"},
                                      {"value", value}});
  }
  return out;
}

void JobLog::log(int32_t level, const std::string& step, std::string_view message) {
  if (level < SLUICE_LOG_INFO && !keep_debug_) return;
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
