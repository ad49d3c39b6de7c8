#include "plugins/connector_client.hpp"

#include <mutex>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

namespace sluice::host {

namespace {

sluice_str str(std::string_view text) { return sluice_str{text.data(), text.size()}; }

// What abandoned calls may still use, kept for the rest of the process: their plugins' code
// (mapped whatever happens to the registry that loaded it) and the objects the plugin created
// for them, which are never closed. Held by a global that is never destroyed, so nothing is
// unloaded at exit and nothing is reported as a leak.
struct Abandoned {
  std::mutex mutex;
  std::vector<boost::dll::shared_library> libraries;
  std::vector<const void*> handles;
  std::vector<std::shared_ptr<CallState>> calls;  // with the objects they may still return
};
Abandoned& abandoned() {
  static auto* instance = new Abandoned();
  return *instance;
}

void keep_loaded(const ConnectorHandle& connector) {
  if (connector.plugin == nullptr) return;
  try {
    std::lock_guard lock(abandoned().mutex);
    abandoned().libraries.push_back(connector.plugin->library);
  } catch (...) {
    // Loading it again failed: nothing more can be done for it.
  }
}

void keep_call(const std::shared_ptr<CallState>& state) {
  try {
    std::lock_guard lock(abandoned().mutex);
    abandoned().calls.push_back(state);
  } catch (...) {
  }
}

void keep_unclosed(const void* handle) {
  try {
    std::lock_guard lock(abandoned().mutex);
    abandoned().handles.push_back(handle);
  } catch (...) {
  }
}

// Runs one ABI function on `worker` under the deadline of its kind and turns its outcome into a
// Result: the call's result text, or an Error whose message names the plugin and the call.
Result<std::string> invoke(CallWorker& worker, const ConnectorHandle& connector,
                           const std::string& scope, const CallSettings& settings, CallKind kind,
                           const std::shared_ptr<CallState>& state,
                           std::function<sluice_status(CallState&)> fn) {
  const std::string_view operation = call_name(kind);
  const std::string& plugin_id = connector.plugin != nullptr ? connector.plugin->id : scope;
  const bool is_page = kind == CallKind::kExportNextPage;
  const size_t limit = is_page ? settings.limits.page_bytes : settings.limits.result_bytes;
  const std::chrono::milliseconds deadline = settings.limits.deadline(kind);
  state->call.log_scope = scope;
  state->call.result_limit = limit;
  switch (worker.run(state, std::move(fn), deadline, settings.cancelled)) {
    case CallWorker::Outcome::kAbandoned:
      return make_error(Status::kInternal,
                        fmt::format("{}: {} was not called: an earlier call into plugin '{}' did "
                                    "not return within its deadline",
                                    scope, operation, plugin_id));
    case CallWorker::Outcome::kDeadline: {
      settings.family_abandoned->store(true);
      keep_loaded(connector);
      keep_call(state);
      Error error = make_error(
          Status::kInternal,
          fmt::format("{}: plugin '{}' did not return from {} within {} (the deadline for that "
                      "call); the job stops and leaves the call running — if the application "
                      "behind it is only slow, raise the deadline with {}=SECONDS; if the "
                      "plugin hangs, report it to its author",
                      scope, plugin_id, operation, duration_text(deadline),
                      deadline_variable(kind)));
      error.details = {{"plugin", plugin_id},
                       {"call", operation},
                       {"deadlineMs", static_cast<int64_t>(deadline.count())}};
      return error;
    }
    case CallWorker::Outcome::kReturned:
      break;
  }
  sluice_call& call = state->call;
  if (state->threw) {
    return make_error(
        Status::kInternal,
        fmt::format("{}: plugin '{}' let an exception escape {} (a bug in the plugin; "
                    "report it to its author)",
                    scope, plugin_id, operation));
  }
  const sluice_status status = state->status;
  if (status == SLUICE_OK) {
    if (call.result_refused > 0) {
      Error error = make_error(
          Status::kInvalidConfig,
          is_page
              ? fmt::format("{}: plugin '{}' returned a page of {} bytes, more than the page "
                            "limit of {}; make the export fetch fewer records per page (a "
                            "smaller page size in its paging settings), or raise the limit "
                            "with SLUICE_PAGE_LIMIT_BYTES",
                            scope, plugin_id, call.result_refused, size_text(limit))
              : fmt::format("{}: plugin '{}' returned {} bytes from {}, more than the limit "
                            "of {} for a call result; lower the export's pageSize so that "
                            "each page holds fewer records",
                            scope, plugin_id, call.result_refused, operation, size_text(limit)));
      error.details = {{"plugin", plugin_id},
                       {"call", operation},
                       {"bytes", static_cast<uint64_t>(call.result_refused)},
                       {"limitBytes", static_cast<uint64_t>(limit)}};
      return error;
    }
    return std::move(call.result);
  }
  Error error;
  error.status = (status >= SLUICE_OK && status <= SLUICE_INTERNAL) ? static_cast<Status>(status)
                                                                    : Status::kInternal;
  error.message = call.error_message.empty()
                      ? fmt::format("{}: {} failed with status {} and no message", scope, operation,
                                    to_string(error.status))
                      : call.error_message;
  error.retry_after_ms = call.retry_after_ms;
  return error;
}

void close(const sluice_connector_api* api, sluice_connection* handle) {
  api->connection_close(handle);
}
void close(const sluice_connector_api* api, sluice_export* handle) { api->export_close(handle); }
void close(const sluice_connector_api* api, sluice_import* handle) { api->import_close(handle); }

}  // namespace

template <class Handle>
RemoteHandle<Handle>::~RemoteHandle() {
  if (worker_->abandoned()) {
    keep_unclosed(handle_);
    return;
  }
  if constexpr (std::is_same_v<Handle, sluice_connection>) {
    // An export or import of this connection may still be running in the plugin.
    if (settings_.family_abandoned->load()) {
      keep_unclosed(handle_);
      return;
    }
  }
  const sluice_connector_api* api = connector_.api;
  Handle* handle = handle_;
  try {
    auto state = std::make_shared<CallState>();
    // A close that throws is a plugin bug; the handle is gone either way.
    const auto outcome = worker_->run(
        state,
        [api, handle](CallState&) {
          close(api, handle);
          return SLUICE_OK;
        },
        settings_.limits.close, nullptr);
    if (outcome == CallWorker::Outcome::kDeadline) {
      settings_.family_abandoned->store(true);
      keep_loaded(connector_);
      keep_call(state);
      keep_unclosed(handle_);
    }
  } catch (...) {
    // No memory or no thread to close it on: close it here, without a deadline.
    try {
      close(api, handle);
    } catch (...) {
    }
  }
}

template class RemoteHandle<sluice_connection>;
template class RemoteHandle<sluice_export>;
template class RemoteHandle<sluice_import>;

Result<std::unique_ptr<RemoteConnection>> RemoteConnection::open(const ConnectorHandle& connector,
                                                                 std::string_view connection_json,
                                                                 std::string scope,
                                                                 const std::atomic<bool>* cancelled,
                                                                 const CallLimits& limits) {
  CallSettings settings;
  settings.cancelled = cancelled;
  settings.limits = limits;
  auto worker = std::make_unique<CallWorker>();
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(connection_json);
  const sluice_connector_api* api = connector.api;
  auto r = invoke(*worker, connector, scope, settings, CallKind::kConnectionOpen, state,
                  [api](CallState& s) {
                    return api->connection_open(&s.call, str(s.inputs[0]), &s.out_connection);
                  });
  if (!r) return r.error();
  if (state->out_connection == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: plugin '{}' reported success from connection_open "
                                  "but returned no connection",
                                  scope, connector.plugin->id));
  }
  return std::make_unique<RemoteConnection>(connector, state->out_connection, std::move(scope),
                                            std::move(settings), std::move(worker));
}

Result<std::string> RemoteConnection::ping() {
  auto state = std::make_shared<CallState>();
  const sluice_connector_api* api = connector_.api;
  sluice_connection* handle = handle_;
  return invoke(*worker_, connector_, scope_, settings_, CallKind::kConnectionPing, state,
                [api, handle](CallState& s) { return api->connection_ping(&s.call, handle); });
}

Result<std::unique_ptr<RemoteExport>> RemoteConnection::open_export(std::string_view export_json,
                                                                    std::string_view state_json,
                                                                    std::string scope) {
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(export_json);
  state->inputs.emplace_back(state_json);
  const sluice_connector_api* api = connector_.api;
  sluice_connection* handle = handle_;
  auto r = invoke(*worker_, connector_, scope, settings_, CallKind::kExportOpen, state,
                  [api, handle](CallState& s) {
                    return api->export_open(&s.call, handle, str(s.inputs[0]), str(s.inputs[1]),
                                            &s.out_export);
                  });
  if (!r) return r.error();
  if (state->out_export == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: export_open succeeded but returned no export", scope));
  }
  return std::make_unique<RemoteExport>(connector_, state->out_export, std::move(scope), settings_,
                                        std::make_unique<CallWorker>());
}

Result<std::unique_ptr<RemoteImport>> RemoteConnection::open_import(std::string_view import_json,
                                                                    std::string scope) {
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(import_json);
  const sluice_connector_api* api = connector_.api;
  sluice_connection* handle = handle_;
  auto r = invoke(*worker_, connector_, scope, settings_, CallKind::kImportOpen, state,
                  [api, handle](CallState& s) {
                    return api->import_open(&s.call, handle, str(s.inputs[0]), &s.out_import);
                  });
  if (!r) return r.error();
  if (state->out_import == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: import_open succeeded but returned no import", scope));
  }
  return std::make_unique<RemoteImport>(connector_, state->out_import, std::move(scope), settings_,
                                        std::make_unique<CallWorker>());
}

Result<std::string> RemoteExport::next_page() {
  auto state = std::make_shared<CallState>();
  const sluice_connector_api* api = connector_.api;
  sluice_export* handle = handle_;
  return invoke(*worker_, connector_, scope_, settings_, CallKind::kExportNextPage, state,
                [api, handle](CallState& s) { return api->export_next_page(&s.call, handle); });
}

Result<std::string> RemoteImport::submit(std::string page_json) {
  auto state = std::make_shared<CallState>();
  state->inputs.push_back(std::move(page_json));
  const sluice_connector_api* api = connector_.api;
  sluice_import* handle = handle_;
  return invoke(*worker_, connector_, scope_, settings_, CallKind::kImportSubmit, state,
                [api, handle](CallState& s) {
                  return api->import_submit(&s.call, handle, str(s.inputs[0]));
                });
}

}  // namespace sluice::host
