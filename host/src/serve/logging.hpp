// The log of `sluice serve`: one line per event on a stream (stderr by default), either plain
// text ("2026-12-02T01:02:03.456Z info listening addr=127.0.0.1:8480") or, in JSON mode, one
// JSON object per line: {"ts": ISO 8601 UTC with milliseconds, "level", "msg", "fields": {...}}.
// Request lines carry the fields method, path, route, status and ms.
//
// Thread safety: every function may be called from any thread; lines never interleave.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

namespace sluice::serve {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
std::string_view level_name(LogLevel level) noexcept;  // "debug", "info", "warn", "error"

class Logger {
 public:
  // `out` must outlive the logger. json: one JSON object per line, else plain text.
  Logger(std::ostream& out, bool json) : out_(out), json_(json) {}

  // Writes one line and flushes it. `fields` are written in order (plain: key=value, a value
  // with a space or quote in JSON string form).
  void log(LogLevel level, std::string_view msg, const boost::json::object& fields = {});
  void info(std::string_view msg, const boost::json::object& fields = {}) {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, const boost::json::object& fields = {}) {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, const boost::json::object& fields = {}) {
    log(LogLevel::kError, msg, fields);
  }

  bool json() const { return json_; }

 private:
  std::ostream& out_;
  const bool json_;
  std::mutex mutex_;
};

// Formats one line as Logger does, without the newline (for tests; `ts` given).
std::string format_log_line(bool json, std::string_view ts, LogLevel level, std::string_view msg,
                            const boost::json::object& fields);

}  // namespace sluice::serve
