#include "plugins/connector_client.hpp"

#include <mutex>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "plugins/call_observer.hpp"

namespace sluice::host {

namespace json = boost::json;

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
// Takes the family's lock (see the header) within `deadline`, polling for an abandoned family.
// Returns how long it waited, or an Error naming the call and the deadline.
Result<std::chrono::milliseconds> lock_family(const CallSettings& settings,
                                              std::chrono::milliseconds deadline,
                                              const std::string& scope, std::string_view operation,
                                              std::string_view plugin_id, CallKind kind) {
  const auto start = std::chrono::steady_clock::now();
  const auto waited = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  };
  while (!settings.family_lock->try_lock_for(std::chrono::milliseconds(50))) {
    if (settings.family_abandoned->load()) {
      return make_error(Status::kInternal,
                        fmt::format("{}: {} was not called: an earlier call on its connection "
                                    "into plugin '{}' did not return within its deadline",
                                    scope, operation, plugin_id));
    }
    if (waited() >= deadline) {
      Error error = make_error(
          Status::kInternal,
          fmt::format("{}: {} waited {} (the deadline for that call) for its connection, which "
                      "plugin '{}' does not declare thread-safe, while another call of it ran; "
                      "raise the deadline with {}=SECONDS, or make the other steps on that "
                      "connection faster",
                      scope, operation, duration_text(deadline), plugin_id,
                      deadline_variable(kind)));
      error.details = {{"plugin", plugin_id},
                       {"call", operation},
                       {"deadlineMs", static_cast<int64_t>(deadline.count())},
                       {"waitingForConnection", true}};
      return error;
    }
  }
  return waited();
}

CallObserver& call_observer() {
  static CallObserver observer;
  return observer;
}

Result<std::string> invoke_untimed(CallWorker& worker, const ConnectorHandle& connector,
                                   const std::string& scope, const CallSettings& settings,
                                   CallKind kind, const std::shared_ptr<CallState>& state,
                                   std::function<sluice_status(CallState&)> fn,
                                   std::string_view operation_name);

// invoke_untimed, reported to the call observer (call_observer.hpp) when there is one.
Result<std::string> invoke(CallWorker& worker, const ConnectorHandle& connector,
                           const std::string& scope, const CallSettings& settings, CallKind kind,
                           const std::shared_ptr<CallState>& state,
                           std::function<sluice_status(CallState&)> fn,
                           std::string_view operation_name = {}) {
  const CallObserver& observer = call_observer();
  if (!observer) {
    return invoke_untimed(worker, connector, scope, settings, kind, state, std::move(fn),
                          operation_name);
  }
  const auto start = std::chrono::steady_clock::now();
  Result<std::string> result = invoke_untimed(worker, connector, scope, settings, kind, state,
                                              std::move(fn), operation_name);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  observer(connector.plugin != nullptr ? std::string_view(connector.plugin->id) : scope,
           operation_name.empty() ? call_name(kind) : operation_name,
           result ? std::string_view("ok") : to_string(result.error().status), took.count());
  return result;
}

Result<std::string> invoke_untimed(CallWorker& worker, const ConnectorHandle& connector,
                                   const std::string& scope, const CallSettings& settings,
                                   CallKind kind, const std::shared_ptr<CallState>& state,
                                   std::function<sluice_status(CallState&)> fn,
                                   std::string_view operation_name) {
  const std::string_view operation = operation_name.empty() ? call_name(kind) : operation_name;
  const std::string& plugin_id = connector.plugin != nullptr ? connector.plugin->id : scope;
  const bool is_page = kind == CallKind::kExportNextPage && operation_name.empty();
  const size_t limit = is_page ? settings.limits.page_bytes : settings.limits.result_bytes;
  std::chrono::milliseconds deadline = settings.limits.deadline(kind);
  state->call.log_scope = scope;
  state->call.result_limit = limit;
  state->call.connection_state = settings.connection_state.get();
  std::unique_lock<std::timed_mutex> family;
  if (settings.family_lock) {
    auto waited = lock_family(settings, deadline, scope, operation, plugin_id, kind);
    if (!waited) return waited.error();
    family = std::unique_lock(*settings.family_lock, std::adopt_lock);
    deadline = std::max(std::chrono::milliseconds(1), deadline - *waited);
  }
  const CallWorker::Outcome outcome =
      worker.run(state, std::move(fn), deadline, settings.cancelled);
  if (outcome == CallWorker::Outcome::kDeadline && family) {
    // The call still runs in the plugin: the family stays locked for good.
    family.release();
  }
  family = {};
  switch (outcome) {
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
                      scope, plugin_id, operation, duration_text(settings.limits.deadline(kind)),
                      deadline_variable(kind)));
      error.details = {
          {"plugin", plugin_id},
          {"call", operation},
          {"deadlineMs", static_cast<int64_t>(settings.limits.deadline(kind).count())}};
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
  const bool online_proof =
      kind == CallKind::kConnectionPing &&
      (operation_name.empty() || operation_name == "connection_authorize_finish");
  if (status == SLUICE_OK && online_proof && settings.connection_state &&
      settings.connection_state->mark_online) {
    settings.connection_state->mark_online();
  }
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
  if (error.status == Status::kAuthFailed && settings.connection_state &&
      settings.connection_state->mark_offline) {
    settings.connection_state->mark_offline(error.message);
  }
  if (!call.error_details.empty()) {
    // Already redacted by set_error; a text that is not JSON is kept as a string.
    json::error_code ec;
    json::value details = json::parse(call.error_details, ec);
    error.details = ec ? json::value(call.error_details) : std::move(details);
  }
  return error;
}

void close(const sluice_connector_api* api, sluice_connection* handle) {
  api->connection_close(handle);
}
void close(const sluice_connector_api* api, sluice_export* handle) { api->export_close(handle); }
void close(const sluice_connector_api* api, sluice_import* handle) { api->import_close(handle); }
void close(const sluice_connector_api* api, sluice_lookup* handle) { api->lookup_close(handle); }
void close(const sluice_connector_api* api, sluice_listener* handle) {
  api->listener_close(handle);
}

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
    std::unique_lock<std::timed_mutex> family;
    if (settings_.family_lock) {
      family = std::unique_lock(*settings_.family_lock, std::defer_lock);
      if (!family.try_lock_for(settings_.limits.close)) {
        // Another call of the family never returned: leave this handle unclosed too.
        keep_unclosed(handle_);
        return;
      }
    }
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
      if (family) family.release();  // the close still runs in the plugin
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
template class RemoteHandle<sluice_lookup>;
template class RemoteHandle<sluice_listener>;

Result<std::unique_ptr<RemoteConnection>> RemoteConnection::open(
    const ConnectorHandle& connector, std::string_view connection_json, std::string scope,
    const std::atomic<bool>* cancelled, const CallLimits& limits,
    std::shared_ptr<const ConnectionStateAccess> connection_state) {
  CallSettings settings;
  settings.cancelled = cancelled;
  settings.limits = limits;
  settings.connection_state = std::move(connection_state);
  if (!connector.thread_safe_connection)
    settings.family_lock = std::make_shared<std::timed_mutex>();
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

Result<RemoteConnection::AuthorizationStart> RemoteConnection::authorize_start(
    std::string_view redirect_uri) {
  const sluice_connector_api* api = connector_.api;
  if (!SLUICE_HOST_HAS_CALL(api, connection_authorize_start) ||
      !SLUICE_HOST_HAS_CALL(api, connection_authorize_finish)) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: plugin '{}' has no interactive authorization (its "
                                  "connections obtain or hold their credentials without a user)",
                                  scope_, connector_.plugin->id));
  }
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(json::serialize(json::object{{"redirectUri", redirect_uri}}));
  sluice_connection* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope_, settings_, CallKind::kConnectionPing, state,
      [api, handle](CallState& s) {
        return api->connection_authorize_start(&s.call, handle, str(s.inputs[0]));
      },
      "connection_authorize_start");
  if (!r) return r.error();
  json::error_code ec;
  json::value result = json::parse(*r, ec);
  const json::object* object = ec ? nullptr : result.if_object();
  const json::value* url = object != nullptr ? object->if_contains("url") : nullptr;
  const json::value* expected = object != nullptr ? object->if_contains("state") : nullptr;
  if (url == nullptr || !url->is_string() || expected == nullptr || !expected->is_string()) {
    return make_error(Status::kInternal,
                      fmt::format("{}: plugin '{}' answered connection_authorize_start without "
                                  "the {{\"url\":string,\"state\":string}} it must return",
                                  scope_, connector_.plugin->id));
  }
  return AuthorizationStart{std::string(url->get_string()), std::string(expected->get_string())};
}

Result<std::string> RemoteConnection::authorize_finish(std::string_view redirect_uri,
                                                       std::string_view redirect_query) {
  const sluice_connector_api* api = connector_.api;
  if (!SLUICE_HOST_HAS_CALL(api, connection_authorize_finish)) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: plugin '{}' has no interactive authorization", scope_,
                                  connector_.plugin->id));
  }
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(
      json::serialize(json::object{{"redirectUri", redirect_uri}, {"query", redirect_query}}));
  sluice_connection* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope_, settings_, CallKind::kConnectionPing, state,
      [api, handle](CallState& s) {
        return api->connection_authorize_finish(&s.call, handle, str(s.inputs[0]));
      },
      "connection_authorize_finish");
  if (!r) return r.error();
  json::error_code ec;
  json::value result = json::parse(*r, ec);
  if (!ec && result.is_object()) {
    if (const json::value* message = result.get_object().if_contains("message");
        message != nullptr && message->is_string()) {
      return std::string(message->get_string());
    }
  }
  return std::string();
}

Result<std::unique_ptr<RemoteExport>> RemoteConnection::open_export(std::string_view export_json,
                                                                    std::string_view state_json,
                                                                    std::string scope,
                                                                    std::string_view run_json) {
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(export_json);
  state->inputs.emplace_back(state_json);
  state->inputs.emplace_back(run_json);
  const sluice_connector_api* api = connector_.api;
  sluice_connection* handle = handle_;
  const bool with_run = !run_json.empty() && SLUICE_HOST_HAS_CALL(api, export_open_run);
  auto r = invoke(*worker_, connector_, scope, settings_, CallKind::kExportOpen, state,
                  [api, handle, with_run](CallState& s) {
                    return with_run ? api->export_open_run(&s.call, handle, str(s.inputs[0]),
                                                           str(s.inputs[1]), str(s.inputs[2]),
                                                           &s.out_export)
                                    : api->export_open(&s.call, handle, str(s.inputs[0]),
                                                       str(s.inputs[1]), &s.out_export);
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
  std::lock_guard turn(turn_);
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

Result<void> RemoteExport::page_committed(std::string page_state_json) {
  const sluice_connector_api* api = connector_.api;
  if (!SLUICE_HOST_HAS_CALL(api, export_page_committed)) return {};
  std::lock_guard turn(turn_);
  auto state = std::make_shared<CallState>();
  state->inputs.push_back(std::move(page_state_json));
  sluice_export* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope_, settings_, CallKind::kExportNextPage, state,
      [api, handle](CallState& s) {
        return api->export_page_committed(&s.call, handle, str(s.inputs[0]));
      },
      "export_page_committed");
  if (!r) return r.error();
  return {};
}

Result<std::string> RemoteImport::finish() {
  const sluice_connector_api* api = connector_.api;
  if (!SLUICE_HOST_HAS_CALL(api, import_finish)) return std::string();
  auto state = std::make_shared<CallState>();
  sluice_import* handle = handle_;
  return invoke(
      *worker_, connector_, scope_, settings_, CallKind::kImportSubmit, state,
      [api, handle](CallState& s) { return api->import_finish(&s.call, handle); }, "import_finish");
}

Result<std::unique_ptr<RemoteLookup>> RemoteConnection::open_lookup(std::string_view export_json,
                                                                    std::string scope) {
  const sluice_connector_api* api = connector_.api;
  if (!connector_.can(SLUICE_CAP_LOOKUP) || !SLUICE_HOST_HAS_CALL(api, lookup_open) ||
      !SLUICE_HOST_HAS_CALL(api, lookup_page) || !SLUICE_HOST_HAS_CALL(api, lookup_close)) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: connector '{}' of plugin '{}' does not do lookups", scope,
                                  connector_.name, connector_.plugin->id));
  }
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(export_json);
  sluice_connection* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope, settings_, CallKind::kExportOpen, state,
      [api, handle](CallState& s) {
        return api->lookup_open(&s.call, handle, str(s.inputs[0]), &s.out_lookup);
      },
      "lookup_open");
  if (!r) return r.error();
  if (state->out_lookup == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: lookup_open succeeded but returned no lookup", scope));
  }
  return std::make_unique<RemoteLookup>(connector_, state->out_lookup, std::move(scope), settings_,
                                        std::make_unique<CallWorker>());
}

Result<std::unique_ptr<RemoteListener>> RemoteConnection::open_listener(
    std::string_view listener_json, std::string scope) {
  const sluice_connector_api* api = connector_.api;
  if (!connector_.can(SLUICE_CAP_LISTENER) || !SLUICE_HOST_HAS_CALL(api, listener_open) ||
      !SLUICE_HOST_HAS_CALL(api, listener_request) || !SLUICE_HOST_HAS_CALL(api, listener_close)) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: connector '{}' of plugin '{}' has no listener", scope,
                                  connector_.name, connector_.plugin->id));
  }
  auto state = std::make_shared<CallState>();
  state->inputs.emplace_back(listener_json);
  sluice_connection* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope, settings_, CallKind::kExportOpen, state,
      [api, handle](CallState& s) {
        return api->listener_open(&s.call, handle, str(s.inputs[0]), &s.out_listener);
      },
      "listener_open");
  if (!r) return r.error();
  if (state->out_listener == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: listener_open succeeded but returned no listener", scope));
  }
  return std::make_unique<RemoteListener>(connector_, state->out_listener, std::move(scope),
                                          settings_, std::make_unique<CallWorker>());
}

Result<std::string> RemoteLookup::lookup(std::string page_json) {
  auto state = std::make_shared<CallState>();
  state->inputs.push_back(std::move(page_json));
  const sluice_connector_api* api = connector_.api;
  sluice_lookup* handle = handle_;
  return invoke(
      *worker_, connector_, scope_, settings_, CallKind::kImportSubmit, state,
      [api, handle](CallState& s) { return api->lookup_page(&s.call, handle, str(s.inputs[0])); },
      "lookup_page");
}

Result<ListenerReply> RemoteListener::request(InboundRequest request) {
  auto state = std::make_shared<CallState>();
  state->inputs = {std::move(request.method), std::move(request.path), std::move(request.query),
                   std::move(request.headers_json), std::move(request.body)};
  sluice_http_request& r = state->request;
  r.struct_size = sizeof(sluice_http_request);
  r.method = str(state->inputs[0]);
  r.path = str(state->inputs[1]);
  r.query = str(state->inputs[2]);
  r.headers_json = str(state->inputs[3]);
  r.body = sluice_bytes{reinterpret_cast<const uint8_t*>(state->inputs[4].data()),
                        state->inputs[4].size()};
  const sluice_connector_api* api = connector_.api;
  sluice_listener* handle = handle_;
  auto r2 = invoke(
      *worker_, connector_, scope_, settings_, CallKind::kImportSubmit, state,
      [api, handle](CallState& s) { return api->listener_request(&s.call, handle, &s.request); },
      "listener_request");
  if (!r2) return r2.error();
  return ListenerReply{std::move(*r2), std::move(state->call.result_bytes)};
}

namespace {

sluice_status sink_write(void* context, sluice_bytes chunk) {
  auto* state = static_cast<CallState*>(context);
  std::lock_guard lock(state->chunk_mutex);
  if (!state->on_chunk || state->cancelled.load()) return SLUICE_CANCELLED;
  HostWait wait(*state);  // the deadline does not run while the host takes the chunk
  return state->on_chunk(chunk);
}

sluice_status source_read(void* context, uint8_t* buffer, size_t capacity, size_t* got) {
  auto* state = static_cast<CallState*>(context);
  *got = 0;
  std::lock_guard lock(state->chunk_mutex);
  if (!state->on_read || state->cancelled.load()) return SLUICE_CANCELLED;
  return state->on_read(buffer, capacity, got);
}

void clear_callbacks(CallState& state) {
  std::lock_guard lock(state.chunk_mutex);
  state.on_chunk = nullptr;
  state.on_read = nullptr;
}

}  // namespace

Result<std::string> RemoteExport::next_file(
    std::function<Result<void>(std::string_view)> on_chunk,
    std::function<Result<void>(std::string_view)> on_begin) {
  const sluice_connector_api* api = connector_.api;
  if (!connector_.can(SLUICE_CAP_FILE_TRANSFER) || !SLUICE_HOST_HAS_CALL(api, export_next_file)) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: connector '{}' of plugin '{}' does not transfer files",
                                  scope_, connector_.name, connector_.plugin->id));
  }
  std::lock_guard turn(turn_);
  auto state = std::make_shared<CallState>();
  // Runs on the plugin's thread, inside its write(): the result it has set so far is read there,
  // by the thread that set it.
  const sluice_call* call = &state->call;
  state->on_chunk = [on_chunk = std::move(on_chunk), on_begin = std::move(on_begin), call,
                     begun = false](sluice_bytes chunk) mutable {
    if (!begun) {
      begun = true;
      if (on_begin) {
        const bool has_result = call->result_refused == 0 && !call->result.empty();
        if (!on_begin(has_result ? std::string_view(call->result) : std::string_view())) {
          return SLUICE_CANCELLED;
        }
      }
    }
    auto r = on_chunk(std::string_view(reinterpret_cast<const char*>(chunk.ptr), chunk.len));
    return r ? SLUICE_OK : SLUICE_CANCELLED;
  };
  state->sink = sluice_byte_sink{state.get(), &sink_write};
  sluice_export* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope_, settings_, CallKind::kExportNextPage, state,
      [api, handle](CallState& s) { return api->export_next_file(&s.call, handle, &s.sink); },
      "export_next_file");
  clear_callbacks(*state);
  return r;
}

Result<std::string> RemoteImport::put_file(std::string meta_json,
                                           std::function<Result<size_t>(char*, size_t)> read) {
  const sluice_connector_api* api = connector_.api;
  if (!connector_.can(SLUICE_CAP_FILE_TRANSFER) || !SLUICE_HOST_HAS_CALL(api, import_put_file)) {
    return make_error(Status::kUnsupported,
                      fmt::format("{}: connector '{}' of plugin '{}' does not transfer files",
                                  scope_, connector_.name, connector_.plugin->id));
  }
  auto state = std::make_shared<CallState>();
  state->inputs.push_back(std::move(meta_json));
  state->on_read = [read = std::move(read)](uint8_t* buffer, size_t capacity, size_t* got) {
    auto r = read(reinterpret_cast<char*>(buffer), capacity);
    if (!r) return static_cast<sluice_status>(r.error().status);
    *got = *r;
    return SLUICE_OK;
  };
  state->source = sluice_byte_source{state.get(), &source_read};
  sluice_import* handle = handle_;
  auto r = invoke(
      *worker_, connector_, scope_, settings_, CallKind::kImportSubmit, state,
      [api, handle](CallState& s) {
        return api->import_put_file(&s.call, handle, str(s.inputs[0]), &s.source);
      },
      "import_put_file");
  clear_callbacks(*state);
  return r;
}

Result<std::string> call_hook(const HookHandle& hook, std::string input_json, std::string scope,
                              const CallLimits& limits) {
  ConnectorHandle owner;  // what invoke() reads: the plugin, for messages
  owner.name = hook.name;
  owner.plugin = hook.plugin;
  CallSettings settings;
  settings.limits = limits;
  auto state = std::make_shared<CallState>();
  state->inputs.push_back(std::move(input_json));
  auto invoke_fn = hook.invoke;
  CallWorker worker;
  auto r = invoke(
      worker, owner, scope, settings, CallKind::kImportSubmit, state,
      [invoke_fn](CallState& s) { return invoke_fn(&s.call, str(s.inputs[0])); }, "hook");
  if (worker.abandoned()) keep_loaded(owner);
  return r;
}

void set_call_observer(CallObserver observer) { call_observer() = std::move(observer); }

}  // namespace sluice::host
