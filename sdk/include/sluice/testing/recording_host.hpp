// A host for unit tests: a sluice_host_api table that records what a plugin hands back (results,
// errors, retry-after, log lines), and the Context a test passes to a Connector directly.
//
//   sluice::testing::RecordingHost host;
//   sluice::Context context = host.context();
//   auto connection = MyConnector().open_connection(context, doc);
//   EXPECT_EQ(host.logs().size(), 0u);
//
// Thread-safe: calls may run on several threads at once; each begin_call() is its own record.
// Records live as long as the host; pointers returned by begin_call() stay valid until then.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sluice/abi/plugin.h"
#include "sluice/context.hpp"

namespace sluice::testing {

struct LogLine {
  LogLevel level = LogLevel::kInfo;
  std::string message;
};

// What a plugin reported during one call.
struct CallRecord {
  std::string result;  // the last set_result text
  bool has_result = false;
  std::string error_message;  // the last set_error message ("" when none)
  std::string error_details;  // its details JSON ("" when none)
  bool has_error = false;
  uint32_t retry_after_ms = 0;
};

class RecordingHost {
 public:
  RecordingHost();
  RecordingHost(const RecordingHost&) = delete;
  RecordingHost& operator=(const RecordingHost&) = delete;

  // The table to hand to a plugin's entry function; valid for the life of this host.
  const sluice_host_api* api() const noexcept { return &api_; }

  // A fresh call record, and the sluice_call* a plugin function receives for it.
  sluice_call* begin_call();
  // The record behind `call` (one returned by begin_call() of this host).
  const CallRecord& record(sluice_call* call) const;

  // A Context for calling a Connector, ExportReader or ImportWriter directly (no ABI), backed by
  // a fresh call record: its log lines land in logs(), cancellation follows cancel().
  Context context() { return Context(&api_, begin_call()); }

  // Every log line of every call, in order.
  std::vector<LogLine> logs() const;
  // since 1.2: makes the table offer state_get/state_put (off by default, as a 1.1 host), kept
  // in memory by key for every call of this host; state() is what is stored, as JSON texts.
  void keep_state() noexcept;
  std::map<std::string, std::string> state() const;
  // Replaces (or with "null" removes) the document under `key`, as a plugin's earlier run would.
  void set_state(const std::string& key, const std::string& json);

  // From now on every call's is_cancelled() answers true.
  void cancel() noexcept { cancelled_.store(true); }
  bool cancelled() const noexcept { return cancelled_.load(); }

 private:
  struct Call {
    RecordingHost* host;
    CallRecord record;
  };
  static Call* unwrap(sluice_call* call) noexcept;
  static void log(sluice_call* call, int32_t level, sluice_str message);
  static int32_t is_cancelled(sluice_call* call);
  static void set_result(sluice_call* call, sluice_str json);
  static void set_error(sluice_call* call, sluice_str message, sluice_str details);
  static void set_retry_after(sluice_call* call, uint32_t milliseconds);
  static sluice_status state_get(sluice_call* call, sluice_str key, void* receive_context,
                                 void (*receive)(void*, sluice_str));
  static sluice_status state_put(sluice_call* call, sluice_str key, sluice_str json);

  sluice_host_api api_{};
  mutable std::mutex mutex_;
  std::deque<Call> calls_;
  std::vector<LogLine> logs_;
  std::map<std::string, std::string> state_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace sluice::testing
