// Authenticators (auth.hpp) that obtain credentials at run time, in integrator.io's terms:
//
//   token refresh   http.auth.token.refresh*: a request to a refresh endpoint whose response holds
//                   the new token at refreshTokenPath
//   OAuth 2.0       http.auth.oauth.*: RFC 6749 token requests (client credentials, password,
//                   refresh token), client authentication by Basic header or in the body
//                   (§2.3.1), expires_in honoured
//   cookie login    http.auth.cookie.*: a login request whose Set-Cookie headers are sent back
//                   as Cookie on every call
//
// Each keeps what it obtained in memory for its own lifetime (one job) and never logs it: every
// obtained value joins secrets(), which the client masks in every message and log line. Token
// requests go through their own Client built from `transport` (its auth is ignored).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sluice/support/http/auth.hpp"
#include "sluice/support/http/client.hpp"
#include "sluice/support/http/message.hpp"

namespace sluice::support::http {

// One request to a token, refresh or login endpoint.
struct TokenRequest {
  std::string method = "POST";
  std::string url;  // absolute, or relative to the transport's base URI
  Headers headers;
  std::string body;
  std::string content_type = "application/x-www-form-urlencoded";
};

struct TokenRefreshOptions {
  // How the token is sent (location, header name, scheme, param name); `placement.token` is the
  // token to start with, empty to call the refresh endpoint before the first request.
  TokenAuth placement;
  TokenRequest request;
  // Dotted path of the new token in the refresh response's JSON body (refreshTokenPath).
  std::string token_path;
  // Further dotted paths whose values are credentials too (tokenPaths): masked, not sent.
  std::vector<std::string> secret_paths;
  // Configured credentials that may appear in messages (the refresh token, secrets rendered
  // into the request): masked.
  std::vector<std::string> secrets;
  std::string connection;  // as Auth::connection
};
std::shared_ptr<Authenticator> make_token_refresh(ClientOptions transport,
                                                  TokenRefreshOptions options);

enum class OAuthGrant { kClientCredentials, kPassword, kRefreshToken };
enum class OAuthClientAuth { kBasicHeader, kBody };

struct OAuth2Options {
  OAuthGrant grant = OAuthGrant::kClientCredentials;
  std::string token_url;  // tokenURI
  std::string client_id;
  std::string client_secret;
  OAuthClientAuth client_auth = OAuthClientAuth::kBasicHeader;
  std::vector<std::string> scope;
  std::string scope_delimiter = " ";
  std::string username;  // with kPassword
  std::string password;  // with kPassword
  // A refresh token to start with (required with kRefreshToken). One issued by the server
  // replaces it; while one is held, renewing uses grant_type=refresh_token first.
  std::string refresh_token;
  // Where the access token is in the token response (accessTokenPath).
  std::string access_token_path = "access_token";
  Headers token_headers;  // accessTokenHeaders
  // How the access token is sent; `placement.token` is one to start with (may be empty).
  TokenAuth placement;
  // A token whose expires_in is this close to running out is renewed before it is sent.
  std::chrono::seconds expiry_margin{60};
  std::string connection;
};
std::shared_ptr<Authenticator> make_oauth2(ClientOptions transport, OAuth2Options options);

struct CookieLoginOptions {
  TokenRequest login;
  // The login succeeded only with this status; 0 accepts any 2xx.
  int success_status = 0;
  std::vector<std::string> secrets;  // credentials in the login body: masked
  std::string connection;
};
std::shared_ptr<Authenticator> make_cookie_login(ClientOptions transport,
                                                 CookieLoginOptions options);

// "name=value; name2=value2" from the Set-Cookie headers of `headers` (attributes dropped; a
// cookie set twice keeps its last value; one set with Max-Age=0 or an empty value is dropped).
std::string cookie_header_from(const Headers& headers);

// application/x-www-form-urlencoded "k=v&k2=v2", each name and value percent-encoded.
std::string form_encode(const Headers& fields);

}  // namespace sluice::support::http
