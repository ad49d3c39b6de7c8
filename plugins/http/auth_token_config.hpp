// Reads the auth settings whose credentials are obtained at run time — http.auth.token with
// refreshRelativeURI, http.auth.oauth, http.auth.cookie — and the failure rule every auth type
// has (http.auth.failStatusCode, failPath, failValues), into the client's Auth.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"
#include "sluice/support/http/client.hpp"

namespace sluice::plugins::http {

// True when `type` (http.auth.type) with `doc` is configured here, not by connection.cpp's
// read_auth: oauth, cookie, and token with http.auth.token.refreshRelativeURI.
bool obtains_credentials(const boost::json::object& doc, const std::string& type);

// Sets options.auth.failure and options.auth.connection from `doc`, and for the types of
// obtains_credentials() the authenticator (support/http/auth_flows.hpp), which sends its token
// requests with the base URI, timeouts and retries already in `options`. Errors are
// kInvalidConfig naming the setting.
Result<void> configure_obtained_auth(const boost::json::object& doc, const std::string& type,
                                     support::http::ClientOptions& options);

}  // namespace sluice::plugins::http
