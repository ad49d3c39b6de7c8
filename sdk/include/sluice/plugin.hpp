// SLUICE_PLUGIN(id, version, description, ConnectorTypes...) — put it once in one .cpp of a
// plugin. It defines the ABI entry symbol and, for every connector type, noexcept shims that
// translate the C ABI into calls on a default-constructed instance of that type:
//
//   SLUICE_PLUGIN("http", "1.0.0", "Universal HTTP connector",
//   sluice::plugins::http::HttpConnector)
//
// Each connector type must derive from sluice::Connector and be default-constructible.
#pragma once

#include "sluice/abi/plugin.h"
#include "sluice/connector.hpp"
#include "sluice/detail/shims.hpp"
#include "sluice/hooks.hpp"
#include "sluice/version.hpp"

#ifndef SLUICE_PLUGIN_BUILD_TYPE
#define SLUICE_PLUGIN_BUILD_TYPE "unknown"
#endif

#define SLUICE_PLUGIN(ID, VERSION, DESCRIPTION, ...)                                           \
  extern "C" SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(         \
      const sluice_host_api* host) {                                                           \
    return ::sluice::detail::plugin_entry<__VA_ARGS__>(                                        \
        host, ::sluice::detail::PluginMeta{ID, VERSION, DESCRIPTION,                           \
                                           "gcc " __VERSION__ ", " SLUICE_PLUGIN_BUILD_TYPE}); \
  }
