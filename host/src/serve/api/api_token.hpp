// Tokens of the REST API (`sluice token create NAME`): made here from OpenSSL's random bytes,
// shown once, and kept by the store only as their SHA-256 (host::ApiToken), so a copy of the
// store does not give access to the API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/http.hpp"
#include "sluice/result.hpp"
#include "store/store.hpp"

namespace sluice::serve {

inline constexpr std::string_view kApiTokenPrefix = "slc_";

// "slc_" and 32 random bytes (RAND_bytes) in unpadded base64url: 47 characters. kInternal when
// OpenSSL has no randomness to give.
Result<std::string> generate_api_token();

// The SHA-256 of `token`, as 64 lowercase hex digits (what the store keeps).
std::string api_token_hash(std::string_view token);

// The name of the token in `tokens` whose hash is that of `presented`, or nullopt. Every stored
// hash is compared, in constant time (CRYPTO_memcmp), whatever matched earlier.
std::optional<std::string> matching_api_token(std::string_view presented,
                                              const std::vector<host::ApiToken>& tokens);

// The token of the request's "Authorization: Bearer TOKEN" header (the scheme without case), or
// nullopt when there is none.
std::optional<std::string> bearer_token(const HttpRequest& request);

}  // namespace sluice::serve
