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

class RemoteExport {
 public:
  RemoteExport(const ConnectorHandle& connector, sluice_export* handle, std::string scope,
               const std::atomic<bool>* cancelled);
  ~RemoteExport();
  RemoteExport(const RemoteExport&) = delete;
  RemoteExport& operator=(const RemoteExport&) = delete;

  // The page as JSON text: {"records":[...],"done":bool,"state":...}.
  Result<std::string> next_page();

 private:
  const ConnectorHandle& connector_;
  sluice_export* handle_;
  std::string scope_;
  const std::atomic<bool>* cancelled_;
};

class RemoteImport {
 public:
  RemoteImport(const ConnectorHandle& connector, sluice_import* handle, std::string scope,
               const std::atomic<bool>* cancelled);
  ~RemoteImport();
  RemoteImport(const RemoteImport&) = delete;
  RemoteImport& operator=(const RemoteImport&) = delete;

  // `page_json` is a JSON array of records; returns a JSON array with one result per record.
  Result<std::string> submit(std::string_view page_json);

 private:
  const ConnectorHandle& connector_;
  sluice_import* handle_;
  std::string scope_;
  const std::atomic<bool>* cancelled_;
};

class RemoteConnection {
 public:
  // `connection_json` has its secrets revealed; `scope` names it in logs ("connection X").
  static Result<std::unique_ptr<RemoteConnection>> open(const ConnectorHandle& connector,
                                                        std::string_view connection_json,
                                                        std::string scope,
                                                        const std::atomic<bool>* cancelled);
  ~RemoteConnection();
  RemoteConnection(const RemoteConnection&) = delete;
  RemoteConnection& operator=(const RemoteConnection&) = delete;

  // On success, the plugin's optional message (may be empty).
  Result<std::string> ping();
  Result<std::unique_ptr<RemoteExport>> open_export(std::string_view export_json,
                                                    std::string_view state_json, std::string scope);
  Result<std::unique_ptr<RemoteImport>> open_import(std::string_view import_json, std::string scope);

  const ConnectorHandle& connector() const noexcept { return connector_; }

 private:
  RemoteConnection(const ConnectorHandle& connector, sluice_connection* handle, std::string scope,
                   const std::atomic<bool>* cancelled);
  const ConnectorHandle& connector_;
  sluice_connection* handle_;
  std::string scope_;
  const std::atomic<bool>* cancelled_;
};

}  // namespace sluice::host
