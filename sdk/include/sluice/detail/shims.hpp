// Internal to the SDK: the noexcept functions behind each connector's sluice_connector_api.
// The work lives in non-template functions (shims.cpp); the templates only bind a connector
// type to its single instance, so each connector adds a handful of tiny functions.
#pragma once

#include <initializer_list>
#include <type_traits>

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
  uint32_t capabilities;    // SLUICE_CAP_* derived from the overrides (plus file_transfer)
  uint32_t requires_minor;  // the ABI minor the overrides need
};

// Records the host's services and builds the descriptor (once; later calls return the same one).
// The descriptor's abi_minor is the highest minor any connector requires (derived from its
// overrides, or ConnectorInfo::requires_minor), not the SDK's own. Returns nullptr, after logging
// nothing, if the host table is smaller than the 1.0 one or describing fails.
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
// since 1.1
sluice_status export_open_run(Connector& connector, sluice_call* call,
                              sluice_connection* connection, sluice_str export_json,
                              sluice_str state_json, sluice_str run_json,
                              sluice_export** out) noexcept;
sluice_status export_page_committed(sluice_call* call, sluice_export* exp,
                                    sluice_str state_json) noexcept;
sluice_status import_finish(sluice_call* call, sluice_import* imp) noexcept;
sluice_status lookup_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str export_json, sluice_lookup** out) noexcept;
sluice_status lookup_page(sluice_call* call, sluice_lookup* lookup, sluice_str page_json) noexcept;
void lookup_close(sluice_lookup* lookup) noexcept;
sluice_status listener_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                            sluice_str listener_json, sluice_listener** out) noexcept;
sluice_status listener_request(sluice_call* call, sluice_listener* listener,
                               const sluice_http_request* request) noexcept;
void listener_close(sluice_listener* listener) noexcept;
sluice_status export_next_file(sluice_call* call, sluice_export* exp,
                               const sluice_byte_sink* sink) noexcept;
sluice_status import_put_file(sluice_call* call, sluice_import* imp, sluice_str meta_json,
                              const sluice_byte_source* source) noexcept;
// since 1.2
sluice_status connection_authorize_start(sluice_call* call, sluice_connection* connection,
                                         sluice_str request_json) noexcept;
sluice_status connection_authorize_finish(sluice_call* call, sluice_connection* connection,
                                          sluice_str redirect_json) noexcept;

// Whether C (or a base between it and Connector) overrides Connector::F: the type of &C::F names
// the class that declares F.
#define SLUICE_DETAIL_OVERRIDES(C, F) \
  (!std::is_same_v<decltype(&C::F), decltype(&::sluice::Connector::F)>)

template <class C>
constexpr uint32_t derived_capabilities() {
  return (SLUICE_DETAIL_OVERRIDES(C, open_export) ? SLUICE_CAP_EXPORT : 0u) |
         (SLUICE_DETAIL_OVERRIDES(C, open_import) ? SLUICE_CAP_IMPORT : 0u) |
         (SLUICE_DETAIL_OVERRIDES(C, open_lookup) ? SLUICE_CAP_LOOKUP : 0u) |
         (SLUICE_DETAIL_OVERRIDES(C, open_listener) ? SLUICE_CAP_LISTENER : 0u);
}

// The minor a connector needs from what it overrides: lookups and listeners are 1.1 calls.
template <class C>
constexpr uint32_t derived_minor() {
  return (SLUICE_DETAIL_OVERRIDES(C, open_lookup) || SLUICE_DETAIL_OVERRIDES(C, open_listener))
             ? 1u
             : 0u;
}

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
  static sluice_status open_export_run(sluice_call* call, sluice_connection* connection,
                                       sluice_str export_json, sluice_str state_json,
                                       sluice_str run_json, sluice_export** out) noexcept {
    return export_open_run(connector_instance<C>(), call, connection, export_json, state_json,
                           run_json, out);
  }
  static sluice_status open_lookup(sluice_call* call, sluice_connection* connection,
                                   sluice_str export_json, sluice_lookup** out) noexcept {
    return lookup_open(connector_instance<C>(), call, connection, export_json, out);
  }
  static sluice_status open_listener(sluice_call* call, sluice_connection* connection,
                                     sluice_str listener_json, sluice_listener** out) noexcept {
    return listener_open(connector_instance<C>(), call, connection, listener_json, out);
  }
  static constexpr bool kLookups = SLUICE_DETAIL_OVERRIDES(C, open_lookup);
  static constexpr bool kListeners = SLUICE_DETAIL_OVERRIDES(C, open_listener);
  static constexpr sluice_connector_api kApi = {
      sizeof(sluice_connector_api),
      &open_connection,
      &connection_ping,
      &connection_close,
      &open_export,
      &export_next_page,
      &export_close,
      &open_import,
      &import_submit,
      &import_close,
      // since 1.1
      &open_export_run,
      &export_page_committed,
      &import_finish,
      kLookups ? &open_lookup : nullptr,
      kLookups ? &lookup_page : nullptr,
      kLookups ? &lookup_close : nullptr,
      kListeners ? &open_listener : nullptr,
      kListeners ? &listener_request : nullptr,
      kListeners ? &listener_close : nullptr,
      &export_next_file,
      &import_put_file,
      // since 1.2
      &connection_authorize_start,
      &connection_authorize_finish,
  };
};

template <class... C>
const sluice_plugin_descriptor* plugin_entry(const sluice_host_api* host,
                                             const PluginMeta& meta) noexcept {
  try {
    return describe_plugin(host, meta,
                           {ConnectorSlot{&connector_instance<C>(), &Shims<C>::kApi,
                                          derived_capabilities<C>(), derived_minor<C>()}...});
  } catch (...) {
    return nullptr;
  }
}

}  // namespace sluice::detail
