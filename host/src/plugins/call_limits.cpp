#include "plugins/call_limits.hpp"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace sluice::host {

namespace {

constexpr CallKind kKinds[] = {CallKind::kConnectionOpen, CallKind::kConnectionPing,
                               CallKind::kExportOpen,     CallKind::kExportNextPage,
                               CallKind::kImportOpen,     CallKind::kImportSubmit,
                               CallKind::kClose};

// The positive whole number in environment variable `name`; nullopt when unset or empty.
Result<std::optional<uint64_t>> positive_from_environment(std::string_view name,
                                                          std::string_view unit, uint64_t max) {
  const char* raw = std::getenv(std::string(name).c_str());
  if (raw == nullptr || *raw == '\0') return std::optional<uint64_t>();
  const std::string_view text(raw);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > max) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("environment variable {} is '{}': it takes a whole number of "
                                  "{} from 1 to {}; set it to one, or unset it for the default",
                                  name, text, unit, max));
  }
  return std::optional<uint64_t>(value);
}

}  // namespace

std::string_view call_name(CallKind kind) noexcept {
  switch (kind) {
    case CallKind::kConnectionOpen:
      return "connection_open";
    case CallKind::kConnectionPing:
      return "connection_ping";
    case CallKind::kExportOpen:
      return "export_open";
    case CallKind::kExportNextPage:
      return "export_next_page";
    case CallKind::kImportOpen:
      return "import_open";
    case CallKind::kImportSubmit:
      return "import_submit";
    case CallKind::kClose:
      return "close";
  }
  return "call";
}

std::string_view deadline_variable(CallKind kind) noexcept {
  switch (kind) {
    case CallKind::kConnectionOpen:
      return "SLUICE_CALL_DEADLINE_CONNECT";
    case CallKind::kConnectionPing:
      return "SLUICE_CALL_DEADLINE_PING";
    case CallKind::kExportOpen:
      return "SLUICE_CALL_DEADLINE_OPEN_EXPORT";
    case CallKind::kExportNextPage:
      return "SLUICE_CALL_DEADLINE_NEXT_PAGE";
    case CallKind::kImportOpen:
      return "SLUICE_CALL_DEADLINE_OPEN_IMPORT";
    case CallKind::kImportSubmit:
      return "SLUICE_CALL_DEADLINE_SUBMIT";
    case CallKind::kClose:
      return "SLUICE_CALL_DEADLINE_CLOSE";
  }
  return "SLUICE_CALL_DEADLINE";
}

std::chrono::milliseconds CallLimits::deadline(CallKind kind) const noexcept {
  switch (kind) {
    case CallKind::kConnectionOpen:
      return connection_open;
    case CallKind::kConnectionPing:
      return connection_ping;
    case CallKind::kExportOpen:
      return export_open;
    case CallKind::kExportNextPage:
      return export_next_page;
    case CallKind::kImportOpen:
      return import_open;
    case CallKind::kImportSubmit:
      return import_submit;
    case CallKind::kClose:
      return close;
  }
  return close;
}

void CallLimits::set_deadline(CallKind kind, std::chrono::milliseconds deadline) noexcept {
  switch (kind) {
    case CallKind::kConnectionOpen:
      connection_open = deadline;
      break;
    case CallKind::kConnectionPing:
      connection_ping = deadline;
      break;
    case CallKind::kExportOpen:
      export_open = deadline;
      break;
    case CallKind::kExportNextPage:
      export_next_page = deadline;
      break;
    case CallKind::kImportOpen:
      import_open = deadline;
      break;
    case CallKind::kImportSubmit:
      import_submit = deadline;
      break;
    case CallKind::kClose:
      close = deadline;
      break;
  }
}

Result<CallLimits> call_limits_from_environment() {
  constexpr uint64_t kMaxSeconds = 7 * 24 * 3600;
  CallLimits limits;
  auto all = positive_from_environment("SLUICE_CALL_DEADLINE", "seconds", kMaxSeconds);
  if (!all) return all.error();
  for (CallKind kind : kKinds) {
    if (*all) limits.set_deadline(kind, std::chrono::seconds(**all));
    auto one = positive_from_environment(deadline_variable(kind), "seconds", kMaxSeconds);
    if (!one) return one.error();
    if (*one) limits.set_deadline(kind, std::chrono::seconds(**one));
  }
  auto page = positive_from_environment("SLUICE_PAGE_LIMIT_BYTES", "bytes", uint64_t{1} << 32);
  if (!page) return page.error();
  if (*page) limits.page_bytes = static_cast<size_t>(**page);
  return limits;
}

std::string duration_text(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return fmt::format("{} s", duration.count() / 1000);
  return fmt::format("{} ms", duration.count());
}

std::string size_text(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return fmt::format("{} MB", bytes >> 20);
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

}  // namespace sluice::host
