// The HTTP connection's auth types whose credential is computed per request — digest, wsse,
// oauth1, jwtbearer (and legacy jwt) — and custom: their settings, with integrator.io's JSON
// names (reference/integratorio.md §3), and how a connection document becomes a
// support::http::Auth for them. basic and token stay in connection.cpp; token refresh, oauth
// and cookie live beside these in their own files.
#pragma once

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/schema.hpp"
#include "sluice/settings.hpp"
#include "sluice/support/http/auth.hpp"

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

// True for the http.auth.type values read_signed_auth reads.
bool is_signed_auth_type(const std::string& type);

// The Auth for http.auth.type `type` (digest, wsse, oauth1, jwtbearer, jwt, custom) of `doc`.
// kInvalidConfig naming the JSON path and what to do when a required setting is missing, a key
// does not parse or a signature method cannot be used with the key given.
Result<support::http::Auth> read_signed_auth(const std::string& type,
                                             const boost::json::object& doc);

}  // namespace sluice::plugins::http
