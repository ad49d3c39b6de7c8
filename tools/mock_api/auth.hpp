// /auth/...: endpoints that check a request's credentials as a real API does, each with its own
// implementation (Poco and OpenSSL primitives written here, never the SDK's), and answer 401
// with why when the check fails.
//
//   GET  /auth/digest/md5/<any>     HTTP Digest (RFC 7616), algorithm MD5, qop=auth: a request
//   GET  /auth/digest/sha256/<any>  without credentials gets a challenge; nonce counts must grow
//   *    /auth/wsse                 X-WSSE UsernameToken; a reused nonce is refused
//   *    /auth/oauth1/<any>         OAuth 1.0a, the signature recomputed from the request
//                                   received (query, form body, Authorization parameters)
//   *    /auth/jwt                  Authorization: Bearer <JWT>, signature checked with the
//                                   secret or the public key, claims iss, iat and exp checked
//   GET  /_mock/auth/keys           {"rsaPrivateKey","ecPrivateKey"}: PEM keys whose public
//                                   halves the checks above use (made on first use)
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include <Poco/Net/HTTPServerRequest.h>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// The credentials the checks accept.
inline constexpr std::string_view kDigestUser = "Mufasa";
inline constexpr std::string_view kDigestPassword = "Circle of Life";
inline constexpr std::string_view kDigestRealm = "sluice-mock@127.0.0.1";
inline constexpr std::string_view kWsseUser = "wsse-user";
inline constexpr std::string_view kWssePassword = "wsse-secret";
inline constexpr std::string_view kOAuth1ConsumerKey = "ck-mock";
inline constexpr std::string_view kOAuth1ConsumerSecret = "cs-mock";
inline constexpr std::string_view kOAuth1Token = "tok-mock";
inline constexpr std::string_view kOAuth1TokenSecret = "ts-mock";
inline constexpr std::string_view kJwtSecret = "jwt-mock-secret";
inline constexpr std::string_view kJwtIssuer = "sluice-test";

// Thread-safe.
class AuthChecks {
 public:
  AuthChecks();
  ~AuthChecks();
  AuthChecks(const AuthChecks&) = delete;
  AuthChecks& operator=(const AuthChecks&) = delete;

  // The answer to a request below /auth/ or to GET /_mock/auth/keys.
  Reply handle(const Poco::Net::HTTPServerRequest& request, std::string_view body);

 private:
  struct Keys;
  Reply digest(const Poco::Net::HTTPServerRequest& request, bool sha256);
  Reply wsse(const Poco::Net::HTTPServerRequest& request);
  Reply oauth1(const Poco::Net::HTTPServerRequest& request, std::string_view body);
  Reply jwt(const Poco::Net::HTTPServerRequest& request);
  Keys& keys();

  std::mutex mutex_;
  std::map<std::string, unsigned long> digest_nonces_;  // issued nonce -> last nonce count
  std::set<std::string> wsse_nonces_;
  std::unique_ptr<Keys> keys_;
};

}  // namespace sluice::tools::mock_api
