// /api/auth/...: the mock acting as real token servers do, for the HTTP connector's auth tests.
//
//   GET  /api/auth/oauth/authorize  the authorization endpoint (oauth_code.hpp)
//   POST /api/auth/oauth/token   RFC 6749 token endpoint: grant_type client_credentials,
//                                password (demo / demo-pass), refresh_token or
//                                authorization_code (with PKCE, oauth_code.hpp). The client
//                                (sluice-client / client-secret) authenticates by Basic header
//                                or client_id/client_secret in the body, never both (400
//                                invalid_request); a wrong one is 401 invalid_client.
//   POST /api/auth/refresh       a token refresh endpoint: a JSON or urlencoded body with
//                                refresh_token; answers {"data":{"token":..,"refresh":..}}
//   POST /api/auth/login         cookie login: JSON {"username":"demo","password":"demo-pass"}
//                                answers 200 with Set-Cookie session=... and theme=dark
//   GET  /api/auth/resource      accepts only a live token (Authorization: Bearer, or the
//                                access_token query parameter) or session cookie: 200
//                                {"ok":true,"via":..}; else 401 with WWW-Authenticate, or with
//                                ?soft=1 a 200 {"status":"error","error":{"code":"invalid_token"}};
//                                ?deny=1 refuses every credential
//
// Issued credentials are access-token-N, refresh-token-N, session-N (N counts from 1 per kind).
// The refresh token "seed-refresh-token" is always accepted. On the three issuing endpoints
// ?uses=N makes the credential expire after N accepted API calls (deterministic, no clocks) and
// ?expires_in=S sets the expires_in answered (default 3600).
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <string>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// Answers a request below /api/auth/ (thread-safe; the issued credentials live as long as the
// process).
Reply auth_api(const Poco::Net::HTTPServerRequest& request, const std::string& path,
               const Poco::URI::QueryParameters& query, const std::string& body);

}  // namespace sluice::tools::mock_api
