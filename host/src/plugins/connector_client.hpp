// Host-side calls into a connector through the C ABI, as C++ objects that own what the plugin
// created (closing it on destruction) and turn statuses into Error values. A plugin that lets an
// exception escape its C function is caught here and reported as Status::kInternal.
//
// Every call runs on a thread of the handle's own (CallWorker) under the deadline CallLimits
// gives its kind. A call that outlives it fails with Status::kInternal naming the plugin, the
// call and the deadline; the handle is then abandoned: the call is left running, nothing calls
// into the handle again, and neither it nor (for an export or import) the connection it came
// from is closed. Its plugin stays loaded for the rest of the process, which should then exit
// once the job is recorded. The job's cancellation reaches the plugin's is_cancelled during a
// call, and a call left behind is told it is cancelled.
//
// A result text over its limit (CallLimits::page_bytes for a page, result_bytes otherwise) is
// refused before the host copies it, with Status::kInvalidConfig.
//
// Threading (the contract of sluice/abi/plugin.h): each object may be used by one thread at a
// time. A connection and the handles opened from it form a family; unless the connector declares
// its connections thread-safe, every call of the family (closes included) takes the family's
// lock first, so no two of them run in the plugin at once, whichever threads make them. Waiting
// for the lock counts against the deadline of the call that waits: a call that cannot get it
// within its deadline fails naming the deadline, the same as a call that outlives it, but leaves
// nothing running (the handle is not abandoned). Once a call of the family is abandoned its
// lock is never released, and every later call of the family fails at once.
//
// Calls added in ABI 1.1 are made only when the plugin's function table covers them and fills
// them (SLUICE_HOST_HAS_CALL); otherwise each wrapper says what it does instead.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "plugins/call_limits.hpp"
#include "plugins/call_worker.hpp"
#include "plugins/connection_state.hpp"
#include "plugins/loaded_plugin.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

// What a connection shares with the exports and imports opened from it.
struct CallSettings {
  const std::atomic<bool>* cancelled = nullptr;  // the job's; may be null
  CallLimits limits;
  // Set when any handle of the family is abandoned: the connection is then not closed.
  std::shared_ptr<std::atomic<bool>> family_abandoned = std::make_shared<std::atomic<bool>>(false);
  // The family's lock; null when the connector declares its connections thread-safe.
  std::shared_ptr<std::timed_mutex> family_lock;
  // 1.2: the connection's state and online status; null: none kept (state_get/state_put answer
  // SLUICE_UNSUPPORTED). Every call of the family that fails with Status::kAuthFailed marks the
  // connection offline through it; a ping or an authorize_finish that succeeds marks it online.
  std::shared_ptr<const ConnectionStateAccess> connection_state;
};

// Owns one object a plugin created (a connection, export or import) and closes it exactly once
// (unless abandoned, see above).
template <class Handle>
class RemoteHandle {
 public:
  RemoteHandle(const ConnectorHandle& connector, Handle* handle, std::string scope,
               CallSettings settings, std::unique_ptr<CallWorker> worker) noexcept
      : connector_(connector),
        handle_(handle),
        scope_(std::move(scope)),
        settings_(std::move(settings)),
        worker_(std::move(worker)) {}
  ~RemoteHandle();
  RemoteHandle(const RemoteHandle&) = delete;
  RemoteHandle& operator=(const RemoteHandle&) = delete;

  const ConnectorHandle& connector() const noexcept { return connector_; }
  // True once a call outlived its deadline.
  bool abandoned() const noexcept { return worker_->abandoned(); }

 protected:
  const ConnectorHandle& connector_;
  Handle* handle_;
  std::string scope_;  // names the resource in logs and errors, e.g. "export orders"
  CallSettings settings_;
  std::unique_ptr<CallWorker> worker_;
};

// next_page and page_committed may be called from two threads (the runtime's producer and its
// main thread); they take turns on the export (plugin.h: calls on one handle never overlap).
class RemoteExport : public RemoteHandle<sluice_export> {
 public:
  using RemoteHandle::RemoteHandle;
  // The page as JSON text: {"records":[...],"done":bool,"state":...}, at most page_bytes long.
  Result<std::string> next_page();
  // 1.1: tells the plugin the page whose state is `page_state_json` is durably processed. Does
  // nothing (successfully) for a plugin without export_page_committed. Deadline: next_page's.
  Result<void> page_committed(std::string page_state_json);
  // 1.1 (file transfer): the export's next file, handed to `on_chunk` a chunk at a time on the
  // call's thread (a failure from it stops the plugin: SLUICE_CANCELLED); returns the plugin's
  // {"name","size","done"}. Deadline: next_page's, as an inactivity deadline: the call fails
  // (and is abandoned) once the plugin has gone that long without handing over a chunk or
  // returning, counted from the start of the call or the return of the last on_chunk. Time spent
  // inside on_chunk (the host's backpressure: a full page queue behind slow imports) does not
  // count, so a big file feeding a slow import is not taken for a stuck plugin.
  // `on_begin`, if given, is called once, just before the first chunk is handed over, with the
  // result the plugin has set by then (plugin.h: a plugin names its file before its bytes so
  // that the host can name the file's first pages) — empty when it set none; a failure from it
  // stops the plugin as on_chunk's does.
  Result<std::string> next_file(
      std::function<Result<void>(std::string_view)> on_chunk,
      std::function<Result<void>(std::string_view result_so_far)> on_begin = {});

 private:
  std::mutex turn_;
};

class RemoteImport : public RemoteHandle<sluice_import> {
 public:
  using RemoteHandle::RemoteHandle;
  // `page_json` is a JSON array of records (kept until the call is over, even an abandoned
  // one); returns a JSON array with one result per record.
  Result<std::string> submit(std::string page_json);
  // 1.1: the end of a run that did not fail; the plugin's optional result text. Does nothing
  // (successfully, "") for a plugin without import_finish. Deadline: submit's.
  Result<std::string> finish();
  // 1.1 (file transfer): the plugin reads one file through `read` (copy up to N bytes into the
  // buffer, return how many; 0 at the end) on the call's thread. Returns one import_submit
  // result entry. Deadline: submit's.
  Result<std::string> put_file(std::string meta_json,
                               std::function<Result<size_t>(char*, size_t)> read);
};

// 1.1: an export with isLookup: true, opened as a processor.
class RemoteLookup : public RemoteHandle<sluice_lookup> {
 public:
  using RemoteHandle::RemoteHandle;
  // `page_json` is a JSON array of records; returns a JSON array with one entry per record,
  // {"data":[...]} or {"errors":[...]}. Deadline: submit's.
  Result<std::string> lookup(std::string page_json);
};

// 1.1: one inbound HTTP request for a listener; the host keeps the texts for the call.
struct InboundRequest {
  std::string method, path, query;
  std::string headers_json;  // {"name":["value",...]} with lower-case names
  std::string body;          // bytes
};

struct ListenerReply {
  std::string json;  // {"response":{"statusCode":..,"headers":{..}},"records":[...]?}
  std::string body;  // the response body bytes (set_result_bytes), may be empty
};

// 1.1: a listener (webhook, AS2 inbound).
class RemoteListener : public RemoteHandle<sluice_listener> {
 public:
  using RemoteHandle::RemoteHandle;
  // Deadline: submit's.
  Result<ListenerReply> request(InboundRequest request);
};

class RemoteConnection : public RemoteHandle<sluice_connection> {
 public:
  // `connection_json` has its secrets revealed; `scope` names it in logs ("connection X").
  // `cancelled` (may be null) is the job's cancellation flag; it must outlive the connection
  // and everything opened from it.
  // `connection_state` (1.2, may be null) is what its calls may reach of the connection's
  // stored state (see CallSettings).
  static Result<std::unique_ptr<RemoteConnection>> open(
      const ConnectorHandle& connector, std::string_view connection_json, std::string scope,
      const std::atomic<bool>* cancelled, const CallLimits& limits = {},
      std::shared_ptr<const ConnectionStateAccess> connection_state = nullptr);
  using RemoteHandle::RemoteHandle;

  // On success, the plugin's optional message (may be empty).
  Result<std::string> ping();

  // 1.2: interactive authorization (plugin.h's connection_authorize_start/finish), each under
  // the ping deadline. kUnsupported naming the connector when the plugin lacks them.
  struct AuthorizationStart {
    std::string url;    // what the user visits
    std::string state;  // what the redirect must carry
  };
  Result<AuthorizationStart> authorize_start(std::string_view redirect_uri);
  // The plugin's message saying what it obtained.
  Result<std::string> authorize_finish(std::string_view redirect_uri,
                                       std::string_view redirect_query);
  // `run_json` (1.1, may be empty) is the run context of plugin.h's export_open_run, used when
  // the plugin has that call; otherwise export_open is called without it.
  Result<std::unique_ptr<RemoteExport>> open_export(std::string_view export_json,
                                                    std::string_view state_json, std::string scope,
                                                    std::string_view run_json = {});
  Result<std::unique_ptr<RemoteImport>> open_import(std::string_view import_json,
                                                    std::string scope);
  // 1.1: kUnsupported naming the connector when it has no lookups (no SLUICE_CAP_LOOKUP or no
  // lookup_open). Deadline: open_export's.
  Result<std::unique_ptr<RemoteLookup>> open_lookup(std::string_view export_json,
                                                    std::string scope);
  // 1.1: the same for listeners. Deadline: open_export's.
  Result<std::unique_ptr<RemoteListener>> open_listener(std::string_view listener_json,
                                                        std::string scope);
};

// 1.1: runs a native hook on `input_json` under the submit deadline; its result text (what the
// JavaScript hook would return). `scope` names it in logs and errors ("hook preMap dropTests").
Result<std::string> call_hook(const HookHandle& hook, std::string input_json, std::string scope,
                              const CallLimits& limits = {});

}  // namespace sluice::host
