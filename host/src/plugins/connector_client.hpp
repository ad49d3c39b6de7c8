// Host-side calls into a connector through the C ABI, as C++ objects that own what the plugin
// created (closing it on destruction) and turn statuses into Error values. A plugin that lets an
// exception escape its C function is caught here and reported as Status::kInternal.
//
// Each object may be used by one thread at a time.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "plugins/loaded_plugin.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

// Owns one object a plugin created (a connection, export or import) and closes it exactly once.
template <class Handle>
class RemoteHandle {
 public:
  RemoteHandle(const ConnectorHandle& connector, Handle* handle, std::string scope,
               const std::atomic<bool>* cancelled) noexcept
      : connector_(connector), handle_(handle), scope_(std::move(scope)), cancelled_(cancelled) {}
  ~RemoteHandle();
  RemoteHandle(const RemoteHandle&) = delete;
  RemoteHandle& operator=(const RemoteHandle&) = delete;

  const ConnectorHandle& connector() const noexcept { return connector_; }

 protected:
  const ConnectorHandle& connector_;
  Handle* handle_;
  std::string scope_;  // names the resource in logs and errors, e.g. "export orders"
  const std::atomic<bool>* cancelled_;
};

class RemoteExport : public RemoteHandle<sluice_export> {
 public:
  using RemoteHandle::RemoteHandle;
  // The page as JSON text: {"records":[...],"done":bool,"state":...}.
  Result<std::string> next_page();
};

class RemoteImport : public RemoteHandle<sluice_import> {
 public:
  using RemoteHandle::RemoteHandle;
  // `page_json` is a JSON array of records; returns a JSON array with one result per record.
  Result<std::string> submit(std::string_view page_json);
};

class RemoteConnection : public RemoteHandle<sluice_connection> {
 public:
  // `connection_json` has its secrets revealed; `scope` names it in logs ("connection X").
  static Result<std::unique_ptr<RemoteConnection>> open(const ConnectorHandle& connector,
                                                        std::string_view connection_json,
                                                        std::string scope,
                                                        const std::atomic<bool>* cancelled);
  using RemoteHandle::RemoteHandle;

  // On success, the plugin's optional message (may be empty).
  Result<std::string> ping();
  Result<std::unique_ptr<RemoteExport>> open_export(std::string_view export_json,
                                                    std::string_view state_json, std::string scope);
  Result<std::unique_ptr<RemoteImport>> open_import(std::string_view import_json,
                                                    std::string scope);
};

}  // namespace sluice::host
