#include "cli/job_summary.hpp"

#include <fmt/format.h>

namespace sluice::cli {

namespace {

std::string visible(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string text_field(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? visible(v->get_string()) : std::string();
}

}  // namespace

std::string format_warnings(const host::Job& job) {
  if (job.warnings.empty()) return {};
  std::string out = "  warnings:\n";
  for (const boost::json::value& w : job.warnings) {
    const boost::json::object* o = w.if_object();
    if (o == nullptr) continue;
    const boost::json::value* count = o->if_contains("count");
    const int64_t n = count != nullptr && count->is_int64() ? count->get_int64() : 1;
    out += fmt::format("    {}x [{}] {}\n", n, text_field(*o, "step"), text_field(*o, "message"));
  }
  return out;
}

}  // namespace sluice::cli
