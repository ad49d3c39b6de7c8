// How an HTTP connection authenticates, in integrator.io's terms (http.auth.*): none, basic, or a
// token sent in a header or as a URL parameter.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

struct Auth {
  AuthType type = AuthType::kNone;
  BasicAuth basic;  // with kBasic
  TokenAuth token;  // with kToken

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
