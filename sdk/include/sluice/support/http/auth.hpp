// How an HTTP connection authenticates, in integrator.io's terms (http.auth.*): none, basic, or a
// token sent in a header or as a URL parameter; credentials obtained at run time (token refresh,
// OAuth 2.0, cookie login) through an Authenticator (auth_flows.hpp); and when a response means
// the credentials were refused (http.auth.failStatusCode, failPath/failValues).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/context.hpp"
#include "sluice/result.hpp"
#include "sluice/support/http/message.hpp"

namespace sluice::support::http {

enum class AuthType { kNone, kBasic, kToken };
enum class TokenLocation { kHeader, kUrl };

struct BasicAuth {
  std::string username;
  std::string password;
};

struct TokenAuth {
  std::string token;
  TokenLocation location = TokenLocation::kHeader;
  std::string header_name = "Authorization";  // with kHeader
  std::string scheme = "Bearer";              // with kHeader; empty sends the bare token
  std::string param_name = "access_token";    // with kUrl
};

// When a response means the credentials were refused: its status is one of `status_codes`
// (http.auth.failStatusCode, default 401, and http.auth.failures[].statusCode), or its JSON body
// holds at `path` (dotted, http.auth.failPath) one of `values` (http.auth.failValues, compared
// as text) — for APIs that answer 200 with an "unauthorized" body.
struct AuthFailureRule {
  std::vector<int> status_codes = {401};
  std::string path;
  std::vector<std::string> values;

  // Why `response` is an auth failure ("HTTP 401" or "error.code is 'invalid_token'
  // (http.auth.failPath)"), or nullopt when it is not.
  std::optional<std::string> match(const Response& response) const;
};

// Credentials obtained at run time and renewed when refused. Kept in memory only, for the life
// of the object (one job's connection). Thread-safe: the client calls it from every request
// thread.
class Authenticator {
 public:
  struct Credentials {
    Headers headers;      // set on the request, replacing same-named ones
    Headers query;        // set as URL query parameters
    uint64_t generation;  // which credentials these are; passed back to renew()
  };
  virtual ~Authenticator() = default;
  // The credentials to send now, obtaining them first when none are held yet (or they are
  // about to expire). Errors (kAuthFailed, kTransient, kCancelled...) name the connection and
  // the token request, credentials masked.
  virtual Result<Credentials> current(Context& context) = 0;
  // The credentials of `generation` were refused: obtain new ones, unless another thread
  // already did since (then returns at once). Same errors as current().
  virtual Result<void> renew(Context& context, uint64_t generation) = 0;
  // Every credential held or ever obtained (tokens, cookies, client secret, refresh token), for
  // masking in messages and logs.
  virtual std::vector<std::string> secrets() const = 0;
};

struct Auth {
  AuthType type = AuthType::kNone;
  BasicAuth basic;  // with kBasic
  TokenAuth token;  // with kToken
  AuthFailureRule failure;
  // When set, the client sends its credentials (in addition to header()/query_param()) and
  // renews them once when a response is an auth failure.
  std::shared_ptr<Authenticator> authenticator;
  // How messages name the connection, e.g. "connection 'shop' (c1)"; may be empty.
  std::string connection;

  static Auth none() { return {}; }
  static Auth with_basic(std::string username, std::string password);
  static Auth with_token(TokenAuth token);

  // The header every request carries, if any: "Authorization: Basic <base64>" or
  // "<header_name>: <scheme> <token>".
  std::optional<Header> header() const;
  // The query parameter every request URL carries, if any: <param_name>=<token>.
  std::optional<Header> query_param() const;
  // Strings that must never appear in a message or a log: the password, the token and the
  // encoded header value. Empty strings are left out.
  std::vector<std::string> secrets() const;
  // Query parameter names whose values are hidden in messages: param_name for URL tokens plus
  // the usual suspects (access_token, token, api_key, apikey, key, password, secret, signature).
  std::vector<std::string> secret_params() const;
};

}  // namespace sluice::support::http
