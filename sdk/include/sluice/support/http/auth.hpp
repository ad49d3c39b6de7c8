// How an HTTP connection authenticates, in integrator.io's terms (http.auth.*): none, basic, a
// token sent in a header or as a URL parameter, or a credential computed for each request:
// digest (answering the server's 401 challenge), wsse, oauth1 and jwt. The client applies it:
// header() and query_param() to every request, sign() per request for the computed types, and
// for digest a DigestSession (auth_digest.hpp) that takes the challenge and answers it.
// Credentials obtained at run time (token refresh, OAuth 2.0, cookie login) come from an
// Authenticator (auth_flows.hpp); AuthFailureRule says when a response means the credentials
// were refused (http.auth.failStatusCode, failPath/failValues).
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

enum class AuthType { kNone, kBasic, kToken, kDigest, kWsse, kOAuth1, kJwt };
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

// WS-Security UsernameToken (auth_wsse.hpp): the header carries the username and
// PasswordDigest = Base64(SHA1(nonce + created + password)) with a fresh nonce each request.
struct WsseAuth {
  std::string username;
  std::string password;
  std::string header_name = "X-WSSE";
};

// OAuth 1.0a request signing (RFC 5849, auth_oauth1.hpp). signature_method is integrator.io's:
// hmac-sha1, hmac-sha256, hmac-sha512, rsa-sha1, rsa-sha256, rsa-sha512 or plaintext.
struct OAuth1Auth {
  std::string consumer_key;
  std::string consumer_secret;  // HMAC and plaintext
  std::string token;            // the access token
  std::string token_secret;     // HMAC and plaintext
  std::string signature_method = "hmac-sha1";
  std::string private_key_pem;  // RSA: the consumer's private key
  std::string realm;            // sent as realm="..." when not empty
};

// A JWT made and signed for each request and sent as "Authorization: Bearer <jwt>"
// (auth_jwt.hpp). signature_method is integrator.io's: hmac-sha256|384|512 (with `secret`),
// rsa-sha256|384|512, ps256|384|512, es256|384|512 (with `private_key_pem`).
struct JwtAuth {
  std::string signature_method = "hmac-sha256";
  std::string secret;
  bool secret_base64 = false;  // the secret is base64 and its bytes are the key
  std::string private_key_pem;
  // JSON object texts: claims, and header parameters merged into {"alg","typ"} (e.g. kid).
  // iat is set to the signing time unless given; an exp below 10^9 is a lifetime in seconds
  // (integrator.io's "exp": 3600) and becomes iat + exp.
  std::string payload = "{}";
  std::string header = "{}";
  // A pre-made JWT sent as is instead of one built from payload.
  std::string static_token;
};

// What a computed credential may depend on.
struct SignInput {
  std::string_view method;
  std::string_view url;  // absolute, with its query
  std::string_view body;
  std::string_view content_type;
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
  BasicAuth basic;  // with kBasic and kDigest
  TokenAuth token;  // with kToken
  WsseAuth wsse;    // with kWsse
  OAuth1Auth oauth1;
  JwtAuth jwt;
  // More strings secrets() returns, whatever the type: e.g. the values of a custom
  // connection's http.encrypted that its headers send.
  std::vector<std::string> extra_secrets;
  AuthFailureRule failure;
  // When set, the client sends its credentials (in addition to header()/query_param()) and
  // renews them once when a response is an auth failure.
  std::shared_ptr<Authenticator> authenticator;
  // How messages name the connection, e.g. "connection 'shop' (c1)"; may be empty.
  std::string connection;

  static Auth none() { return {}; }
  static Auth with_basic(std::string username, std::string password);
  static Auth with_token(TokenAuth token);
  static Auth with_digest(std::string username, std::string password);
  static Auth with_wsse(WsseAuth wsse);
  static Auth with_oauth1(OAuth1Auth oauth1);
  static Auth with_jwt(JwtAuth jwt);

  // kInvalidConfig saying what is missing or wrong (an unknown signature method, a key that is
  // not a PEM private key of the right kind, a payload that is not a JSON object), in terms of
  // the fields above; the plugin maps them to its settings. kBasic/kToken/kNone always pass.
  Result<void> validate() const;

  // The header a request carries for kWsse, kOAuth1 and kJwt (fresh nonce and time each call);
  // nullopt for the other types. Fails only as validate() would.
  Result<std::optional<Header>> sign(const SignInput& input) const;

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
