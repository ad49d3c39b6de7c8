// The settings of the HTTP connection's auth types computed per request (digest, wsse, oauth1,
// jwtbearer, jwt) and of custom, with integrator.io's JSON names (reference/integratorio.md §3).
// Declarations only (no dependency on the HTTP engine), so that whatever builds the connection
// schema alone can include them; auth_config.hpp reads them.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "sluice/schema.hpp"
#include "sluice/settings.hpp"

namespace sluice::plugins::http {

// Declared into the connection schema by ConnectionSettings, in form order.
struct SignedAuthSettings {
  explicit SignedAuthSettings(Schema& schema);
  Setting<std::string> oauth1_consumer_key;
  Setting<std::string> oauth1_consumer_secret;
  Setting<std::string> oauth1_access_token;
  Setting<std::string> oauth1_token_secret;
  Setting<std::string> oauth1_signature_method;
  Setting<std::string> oauth1_private_key;
  Setting<std::string> oauth1_realm;
  Setting<std::string> jwt_signature_method;
  Setting<boost::json::value> jwt_payload;
  Setting<boost::json::value> jwt_headers;
  Setting<std::string> jwt_secret;
  Setting<bool> jwt_secret_base64;
  Setting<std::string> jwt_private_key;
  Setting<std::string> jwt_token;
  Setting<boost::json::value> encrypted;
  Setting<boost::json::value> unencrypted;
};

}  // namespace sluice::plugins::http
