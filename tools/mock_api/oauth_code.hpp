// The OAuth 2.0 authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636), as an
// authorization server does it, for `sluice connection authorize` tests:
//
//   GET /api/auth/oauth/authorize   the authorization endpoint. With response_type=code,
//       client_id=sluice-client, a redirect_uri on http://127.0.0.1 or http://[::1], a
//       code_challenge and code_challenge_method=S256 it answers 302 to
//       redirect_uri?code=auth-code-N&state=STATE (state copied as sent), the code bound to the
//       challenge and the redirect URI and good once; ?deny=1 redirects with
//       error=access_denied instead. Anything else is 400 {"error":..,"error_description":..}
//       (RFC 6749 §4.1.2.1: a bad redirect_uri or client is not redirected to).
//   the token endpoint's grant_type=authorization_code (oauth.cpp) asks check_code(): the code
//       must be one issued and unused, redirect_uri the same, and base64url(SHA-256(
//       code_verifier)) — computed here with OpenSSL, not the plugin's code — equal to the
//       challenge.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <map>
#include <optional>
#include <string>

#include "sink.hpp"

namespace sluice::tools::mock_api {

Reply authorize_endpoint(const Poco::URI::QueryParameters& query);

// nullopt when `form` (the token request's fields) redeems a code properly; else the 400 reply
// (invalid_grant) saying why. Spends the code either way once it is known.
std::optional<Reply> check_code(const std::map<std::string, std::string>& form);

}  // namespace sluice::tools::mock_api
