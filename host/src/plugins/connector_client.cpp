#include "plugins/connector_client.hpp"

#include <fmt/format.h>

#include "plugins/host_api.hpp"

namespace sluice::host {

namespace {

sluice_str str(std::string_view text) { return sluice_str{text.data(), text.size()}; }

// Runs one ABI function with a fresh sluice_call and turns its outcome into a Result.
template <class Fn>
Result<std::string> invoke(const ConnectorHandle& connector, const std::string& scope,
                           const std::atomic<bool>* cancelled, const char* operation, Fn&& fn) {
  sluice_call call;
  call.cancelled = cancelled;
  call.log_scope = scope;
  sluice_status status = SLUICE_INTERNAL;
  try {
    status = fn(&call);
  } catch (...) {
    return make_error(
        Status::kInternal,
        fmt::format("{}: plugin '{}' let an exception escape {} (a bug in the plugin; "
                    "report it to its author)",
                    scope, connector.plugin->id, operation));
  }
  if (status == SLUICE_OK) return std::move(call.result);
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
  try {
    close(connector_.api, handle_);
  } catch (...) {
    // A close that throws is a plugin bug; the handle is gone either way.
  }
}

template class RemoteHandle<sluice_connection>;
template class RemoteHandle<sluice_export>;
template class RemoteHandle<sluice_import>;

Result<std::unique_ptr<RemoteConnection>> RemoteConnection::open(
    const ConnectorHandle& connector, std::string_view connection_json, std::string scope,
    const std::atomic<bool>* cancelled) {
  sluice_connection* handle = nullptr;
  auto r = invoke(connector, scope, cancelled, "connection_open", [&](sluice_call* call) {
    return connector.api->connection_open(call, str(connection_json), &handle);
  });
  if (!r) return r.error();
  if (handle == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: plugin '{}' reported success from connection_open "
                                  "but returned no connection",
                                  scope, connector.plugin->id));
  }
  return std::make_unique<RemoteConnection>(connector, handle, std::move(scope), cancelled);
}

Result<std::string> RemoteConnection::ping() {
  return invoke(connector_, scope_, cancelled_, "connection_ping",
                [&](sluice_call* call) { return connector_.api->connection_ping(call, handle_); });
}

Result<std::unique_ptr<RemoteExport>> RemoteConnection::open_export(std::string_view export_json,
                                                                    std::string_view state_json,
                                                                    std::string scope) {
  sluice_export* handle = nullptr;
  auto r = invoke(connector_, scope, cancelled_, "export_open", [&](sluice_call* call) {
    return connector_.api->export_open(call, handle_, str(export_json), str(state_json), &handle);
  });
  if (!r) return r.error();
  if (handle == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: export_open succeeded but returned no export", scope));
  }
  return std::make_unique<RemoteExport>(connector_, handle, std::move(scope), cancelled_);
}

Result<std::unique_ptr<RemoteImport>> RemoteConnection::open_import(std::string_view import_json,
                                                                    std::string scope) {
  sluice_import* handle = nullptr;
  auto r = invoke(connector_, scope, cancelled_, "import_open", [&](sluice_call* call) {
    return connector_.api->import_open(call, handle_, str(import_json), &handle);
  });
  if (!r) return r.error();
  if (handle == nullptr) {
    return make_error(Status::kInternal,
                      fmt::format("{}: import_open succeeded but returned no import", scope));
  }
  return std::make_unique<RemoteImport>(connector_, handle, std::move(scope), cancelled_);
}

Result<std::string> RemoteExport::next_page() {
  return invoke(connector_, scope_, cancelled_, "export_next_page",
                [&](sluice_call* call) { return connector_.api->export_next_page(call, handle_); });
}

Result<std::string> RemoteImport::submit(std::string_view page_json) {
  return invoke(connector_, scope_, cancelled_, "import_submit", [&](sluice_call* call) {
    return connector_.api->import_submit(call, handle_, str(page_json));
  });
}

}  // namespace sluice::host
