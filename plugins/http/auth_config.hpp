// How a connection document becomes a support::http::Auth for the auth types computed per
// request — digest, wsse, oauth1, jwtbearer (and legacy jwt) — and custom (their settings:
// auth_settings.hpp). basic and token stay in connection.cpp; token refresh, oauth
// and cookie live beside these in their own files.
#pragma once

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "auth_settings.hpp"
#include "sluice/result.hpp"
#include "sluice/support/http/auth.hpp"

namespace sluice::plugins::http {

// True for the http.auth.type values read_signed_auth reads.
bool is_signed_auth_type(const std::string& type);

// The Auth for http.auth.type `type` (digest, wsse, oauth1, jwtbearer, jwt, custom) of `doc`.
// kInvalidConfig naming the JSON path and what to do when a required setting is missing, a key
// does not parse or a signature method cannot be used with the key given.
Result<support::http::Auth> read_signed_auth(const std::string& type,
                                             const boost::json::object& doc);

}  // namespace sluice::plugins::http
