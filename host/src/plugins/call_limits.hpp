// How long the host waits for each kind of plugin call, and how much text it accepts back from
// one. A call that outlives its deadline fails the step (see connector_client.hpp); a result
// over its size limit is refused before the host copies it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "sluice/result.hpp"

namespace sluice::host {

// The kinds of plugin call, each with its own deadline.
enum class CallKind {
  kConnectionOpen,
  kConnectionPing,
  kExportOpen,
  kExportNextPage,
  kImportOpen,
  kImportSubmit,
  kClose,
};

// The ABI function a call kind stands for, e.g. "export_next_page" (close: "close").
std::string_view call_name(CallKind kind) noexcept;

// The environment variable that sets a kind's deadline, e.g. "SLUICE_CALL_DEADLINE_NEXT_PAGE".
std::string_view deadline_variable(CallKind kind) noexcept;

struct CallLimits {
  std::chrono::milliseconds connection_open{std::chrono::seconds(60)};
  std::chrono::milliseconds connection_ping{std::chrono::seconds(60)};
  std::chrono::milliseconds export_open{std::chrono::seconds(60)};
  std::chrono::milliseconds export_next_page{std::chrono::seconds(300)};
  std::chrono::milliseconds import_open{std::chrono::seconds(60)};
  std::chrono::milliseconds import_submit{std::chrono::seconds(300)};
  std::chrono::milliseconds close{std::chrono::seconds(30)};
  // The largest page (export_next_page result text) accepted from a plugin: 5 MB.
  size_t page_bytes = size_t{5} << 20;
  // The largest result text of any other call (one import result per record, a ping message):
  // 16 MB.
  size_t result_bytes = size_t{16} << 20;

  std::chrono::milliseconds deadline(CallKind kind) const noexcept;
  void set_deadline(CallKind kind, std::chrono::milliseconds deadline) noexcept;
};

// The defaults, changed by the environment: SLUICE_CALL_DEADLINE (seconds, every call kind),
// then SLUICE_CALL_DEADLINE_<KIND> for one kind (CONNECT, PING, OPEN_EXPORT, NEXT_PAGE,
// OPEN_IMPORT, SUBMIT, CLOSE), and SLUICE_PAGE_LIMIT_BYTES. Each is a positive whole number; any
// other value is a kInvalidConfig error naming the variable, what it holds and what it takes.
Result<CallLimits> call_limits_from_environment();

// "300 s", "1500 ms"; "5 MB", "256 KB", "1000 bytes": how messages state a limit.
std::string duration_text(std::chrono::milliseconds duration);
std::string size_text(size_t bytes);

}  // namespace sluice::host
