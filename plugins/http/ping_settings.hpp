// The settings of an HTTP connection's test (http.ping) and of its TLS (http.disableStrictSSL,
// http.clientCertificates), with integrator.io's JSON names (reference/integratorio.md §3).
// Declarations only; ping.hpp and connection.cpp read them.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "sluice/schema.hpp"
#include "sluice/settings.hpp"

namespace sluice::plugins::http {

// Declared into the connection schema by ConnectionSettings, in form order.
struct PingSettings {
  explicit PingSettings(Schema& schema);
  Setting<std::string> relative_uri;
  Setting<std::string> method;
  Setting<std::string> body;
  Setting<std::string> success_path;
  Setting<boost::json::value> success_values;
  Setting<bool> allow_array_for_success_path;
  Setting<std::string> fail_path;
  Setting<boost::json::value> fail_values;
  Setting<std::string> error_path;
};

struct TlsSettings {
  explicit TlsSettings(Schema& schema);
  Setting<bool> disable_strict_ssl;
  Setting<std::string> cert;
  Setting<std::string> key;
  Setting<std::string> passphrase;
  Setting<std::string> ca;
  Setting<std::string> pfx;
};

}  // namespace sluice::plugins::http
