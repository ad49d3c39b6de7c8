#include "runtime/process_identity.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace sluice::runtime {

ProcessIdentity this_process() {
  const int64_t pid = ::getpid();
  return {pid, process_start_time(pid).value_or(0)};
}

std::optional<int64_t> process_start_time(int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Field 2, the command name, is in parentheses and may hold spaces and ')': the fields after
  // it start after the last ')'. Field 3 comes first there, so field 22 is the 20th after it.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  size_t at = close + 1;
  for (int field = 3; field < 22; ++field) {
    at = stat.find(' ', at + 1);
    if (at == std::string::npos) return std::nullopt;
  }
  const size_t begin = at + 1;
  int64_t start = 0;
  const auto [end, error] = std::from_chars(stat.data() + begin, stat.data() + stat.size(), start);
  if (error != std::errc() || end == stat.data() + begin) return std::nullopt;
  return start;
}

bool is_alive(const ProcessIdentity& identity) {
  if (identity.pid <= 0) return false;
  if (::kill(static_cast<pid_t>(identity.pid), 0) != 0 && errno != EPERM) return false;
  if (identity.start_time == 0) return true;  // recorded without a start time: pid only
  const auto start = process_start_time(identity.pid);
  // Gone between kill() and the read, or a pid now used by another process.
  return start && *start == identity.start_time;
}

}  // namespace sluice::runtime
