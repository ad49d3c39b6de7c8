// Internal to the SDK: the noexcept functions behind each connector's sluice_connector_api.
// The work lives in non-template functions (shims.cpp); the templates only bind a connector
// type to its single instance, so each connector adds a handful of tiny functions.
#pragma once

#include <initializer_list>

#include "sluice/abi/plugin.h"
#include "sluice/connector.hpp"

namespace sluice::detail {

struct PluginMeta {
  const char* id;
  const char* version;
  const char* description;
  const char* build_info;
};

struct ConnectorSlot {
  Connector* connector;
  const sluice_connector_api* api;
};

// Records the host's services and builds the descriptor (once; later calls return the same one).
// Returns nullptr, after logging nothing, if the host table is too old or describing fails.
const sluice_plugin_descriptor* describe_plugin(
    const sluice_host_api* host, const PluginMeta& meta,
    std::initializer_list<ConnectorSlot> slots) noexcept;

sluice_status connection_open(Connector& connector, sluice_call* call, sluice_str json,
                              sluice_connection** out) noexcept;
sluice_status connection_ping(sluice_call* call, sluice_connection* connection) noexcept;
void connection_close(sluice_connection* connection) noexcept;
sluice_status export_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str export_json, sluice_str state_json,
                          sluice_export** out) noexcept;
sluice_status export_next_page(sluice_call* call, sluice_export* exp) noexcept;
void export_close(sluice_export* exp) noexcept;
sluice_status import_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str import_json, sluice_import** out) noexcept;
sluice_status import_submit(sluice_call* call, sluice_import* imp, sluice_str page_json) noexcept;
void import_close(sluice_import* imp) noexcept;

template <class C>
C& connector_instance() {
  static C instance;
  return instance;
}

template <class C>
struct Shims {
  static sluice_status open_connection(sluice_call* call, sluice_str json,
                                       sluice_connection** out) noexcept {
    return connection_open(connector_instance<C>(), call, json, out);
  }
  static sluice_status open_export(sluice_call* call, sluice_connection* connection,
                                   sluice_str export_json, sluice_str state_json,
                                   sluice_export** out) noexcept {
    return export_open(connector_instance<C>(), call, connection, export_json, state_json, out);
  }
  static sluice_status open_import(sluice_call* call, sluice_connection* connection,
                                   sluice_str import_json, sluice_import** out) noexcept {
    return import_open(connector_instance<C>(), call, connection, import_json, out);
  }
  static constexpr sluice_connector_api kApi = {sizeof(sluice_connector_api),
                                                &open_connection,
                                                &connection_ping,
                                                &connection_close,
                                                &open_export,
                                                &export_next_page,
                                                &export_close,
                                                &open_import,
                                                &import_submit,
                                                &import_close};
};

template <class... C>
const sluice_plugin_descriptor* plugin_entry(const sluice_host_api* host,
                                             const PluginMeta& meta) noexcept {
  try {
    return describe_plugin(host, meta,
                           {ConnectorSlot{&connector_instance<C>(), &Shims<C>::kApi}...});
  } catch (...) {
    return nullptr;
  }
}

}  // namespace sluice::detail
