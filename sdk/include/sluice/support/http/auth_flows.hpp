// Authenticators (auth.hpp) that obtain credentials at run time, in integrator.io's terms:
//
//   token refresh   http.auth.token.refresh*: a request to a refresh endpoint whose response holds
//                   the new token at refreshTokenPath
//   OAuth 2.0       http.auth.oauth.*: RFC 6749 token requests (client credentials, password,
//                   refresh token, authorization code with PKCE: start_authorization and
//                   finish_authorization below), client authentication by Basic header or in the
//                   body (§2.3.1), expires_in honoured
//   cookie login    http.auth.cookie.*: a login request whose Set-Cookie headers are sent back
//                   as Cookie on every call
//
// Each keeps what it obtained in memory for its own lifetime (one job) and never logs it: every
// obtained value joins secrets(), which the client masks in every message and log line. Token
// requests go through their own Client built from `transport` (its auth is ignored).
//
// With a non-empty `state_fingerprint` (the settings the credentials depend on, e.g. the
// connection's auth settings as JSON text) each also keeps what it obtained in the connection's
// state (Context::save_state under "auth": the access token, the refresh token, the cookies, and
// the expiry as epoch milliseconds; the host seals it and never logs it), and the first request
// of a later run reuses stored credentials that have not expired (within expiry_margin) and were
// obtained with the same fingerprint, instead of requesting new ones. In a host that keeps no
// state (ABI 1.1) they stay in memory only.
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
  std::string connection;         // as Auth::connection
  std::string state_fingerprint;  // see above; empty: kept in memory only
};
std::shared_ptr<Authenticator> make_token_refresh(ClientOptions transport,
                                                  TokenRefreshOptions options);

// kAuthorizationCode: the user authorizes once (start_authorization, finish_authorization);
// later access tokens come from the refresh token it brought (grant_type=refresh_token).
enum class OAuthGrant { kClientCredentials, kPassword, kRefreshToken, kAuthorizationCode };
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
  std::string state_fingerprint;  // see above; empty: kept in memory only
  // With kAuthorizationCode: the authorization endpoint (authURI, absolute), and a PKCE code
  // verifier to use (pkceCodeVerifier; empty: a fresh random one per authorization, RFC 7636
  // §4.1: 32 random bytes, base64url).
  std::string authorize_url;
  std::string pkce_verifier;
};
std::shared_ptr<Authenticator> make_oauth2(ClientOptions transport, OAuth2Options options);

// The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636 with S256) on an authenticator
// that make_oauth2 made with kAuthorizationCode; kInvalidConfig for any other authenticator.
//
// start_authorization returns the URL the user visits: authorize_url with response_type=code,
// client_id, redirect_uri, scope (when set), a fresh random state and code_challenge =
// base64url(SHA-256(verifier)) with code_challenge_method=S256. The authenticator keeps the
// verifier, the state and the redirect URI for finish_authorization (a later start replaces them).
struct AuthorizationUrl {
  std::string url;
  std::string state;
};
Result<AuthorizationUrl> start_authorization(Authenticator& oauth2, std::string_view redirect_uri);
// Completes it with the raw query of the redirect (without '?'): kAuthFailed when it carries an
// error (error, error_description) or no code, or the state is not the one sent; else the token
// request (grant_type=authorization_code, code, redirect_uri, code_verifier, client
// authentication as configured). The tokens become the authenticator's current credentials and
// are saved in the connection's state. Returns what was obtained, e.g. "an access token
// (expires in 3600 s) and a refresh token" — never a token.
Result<std::string> finish_authorization(Authenticator& oauth2, Context& context,
                                         std::string_view redirect_query);

struct CookieLoginOptions {
  TokenRequest login;
  // The login succeeded only with this status; 0 accepts any 2xx.
  int success_status = 0;
  std::vector<std::string> secrets;  // credentials in the login body: masked
  std::string connection;
  std::string state_fingerprint;  // see above; empty: kept in memory only
};
std::shared_ptr<Authenticator> make_cookie_login(ClientOptions transport,
                                                 CookieLoginOptions options);

// "name=value; name2=value2" from the Set-Cookie headers of `headers` (attributes dropped; a
// cookie set twice keeps its last value; one set with Max-Age=0 or an empty value is dropped).
std::string cookie_header_from(const Headers& headers);

// application/x-www-form-urlencoded "k=v&k2=v2", each name and value percent-encoded.
std::string form_encode(const Headers& fields);

}  // namespace sluice::support::http
