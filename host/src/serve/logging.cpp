#include "serve/logging.hpp"

#include <chrono>
#include <ctime>
#include <ostream>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace sluice::serve {

namespace json = boost::json;

namespace {

std::string now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, ms.count());
}

// A plain-text value: as is when it has no space, quote or '=' (and is not empty), else quoted.
std::string plain_value(const json::value& value) {
  if (!value.is_string()) return json::serialize(value);
  const json::string& s = value.as_string();
  const bool bare = !s.empty() && s.find_first_of(" \"=\t\n\r") == json::string::npos;
  return bare ? std::string(s) : json::serialize(value);
}

}  // namespace

std::string_view level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string format_log_line(bool as_json, std::string_view ts, LogLevel level, std::string_view msg,
                            const json::object& fields) {
  if (as_json) {
    json::object line;
    line["ts"] = ts;
    line["level"] = level_name(level);
    line["msg"] = msg;
    line["fields"] = fields;
    return json::serialize(line);
  }
  std::string line = fmt::format("{} {} {}", ts, level_name(level), msg);
  for (const auto& field : fields) {
    line += fmt::format(" {}={}", std::string_view(field.key()), plain_value(field.value()));
  }
  return line;
}

void Logger::log(LogLevel level, std::string_view msg, const json::object& fields) {
  std::string line = format_log_line(json_, now_iso8601(), level, msg, fields);
  line += '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace sluice::serve
