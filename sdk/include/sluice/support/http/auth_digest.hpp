// HTTP Digest access authentication (RFC 7616, and RFC 2617's MD5 form): the server answers a
// request without credentials with 401 and a WWW-Authenticate: Digest challenge; the client
// answers it once, then keeps using the challenge with a growing nonce count until the server
// challenges again (a stale nonce).
//
//   DigestSession session;
//   if (response.status == 401 && session.take_challenge(response)) { ...send again... }
//   if (auto header = session.authorize(auth.basic, "GET", "/dir/index.html")) ...
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/support/http/auth.hpp"
#include "sluice/support/http/message.hpp"

namespace sluice::support::http {

struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;             // echoed when not empty
  std::string algorithm = "MD5";  // "MD5" or "SHA-256" (the -sess variants too)
  bool qop_auth = false;          // the server offered qop=auth (auth-int is not used)
  bool stale = false;
};

// The first usable challenge in a WWW-Authenticate value ("Digest realm=..., nonce=..."), or
// nullopt when it holds none (another scheme, no nonce, or only algorithms not implemented).
std::optional<DigestChallenge> parse_digest_challenge(std::string_view value);

// Of every WWW-Authenticate header of `response`, the strongest usable challenge: SHA-256
// before MD5.
std::optional<DigestChallenge> digest_challenge_of(const Response& response);

struct DigestAnswer {
  std::string_view username;
  std::string_view password;
  std::string_view method;
  std::string_view uri;  // the request target: path and query
  uint32_t nonce_count = 1;
  std::string_view cnonce;
};

// The Authorization header value answering `challenge`:
// Digest username="..", realm="..", uri="..", algorithm=.., nonce="..", nc=00000001,
// cnonce="..", qop=auth, response="..", opaque="..". Without qop the RFC 2069 form (no nc,
// cnonce) is sent.
std::string digest_authorization(const DigestChallenge& challenge, const DigestAnswer& answer);

// The challenge a client last took and its nonce count. Thread-safe.
class DigestSession {
 public:
  // Takes the strongest challenge of a 401 `response`; false when it has none, or when it is
  // the nonce already held and not marked stale (the credentials were refused: answering again
  // would only be refused again).
  bool take_challenge(const Response& response);

  // The Authorization header for the next request, or nullopt before a challenge was taken.
  std::optional<Header> authorize(const BasicAuth& credentials, std::string_view method,
                                  std::string_view uri);

 private:
  std::mutex mutex_;
  std::optional<DigestChallenge> challenge_;
  uint32_t nonce_count_ = 0;
};

}  // namespace sluice::support::http
