// OAuth 1.0a request signing (RFC 5849 §3): the signature base string of §3.4.1 (method, base
// string URI, the query's and a form body's parameters and the oauth_* protocol parameters,
// each percent-encoded, sorted), signed with HMAC-SHA1/256/512 or RSA-SHA1/256/512, or
// PLAINTEXT, and sent as "Authorization: OAuth realm=.., oauth_consumer_key=.., ...".
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/result.hpp"
#include "sluice/support/http/auth.hpp"

namespace sluice::support::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 5849 §3.6: every byte but ALPHA, DIGIT, '-', '.', '_', '~' as %XX (upper-case hex).
std::string oauth_encode(std::string_view text);

// The signature base string of `input` (its body's parameters are included when its
// content_type is application/x-www-form-urlencoded) with the protocol parameters `oauth`
// (oauth_consumer_key, oauth_nonce, ...; never realm nor oauth_signature).
std::string oauth1_base_string(const SignInput& input, const Params& oauth);

// The Authorization header value for `input`, with `nonce` and `timestamp` (seconds since the
// epoch, as text). kInvalidConfig for an unknown signature method or an unusable RSA key.
Result<std::string> oauth1_authorization(const OAuth1Auth& auth, const SignInput& input,
                                         std::string_view nonce, std::string_view timestamp);

}  // namespace sluice::support::http
