// JWTs (RFC 7519) signed as JWS compact serialization (RFC 7515) for jwtbearer auth.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/result.hpp"
#include "sluice/support/http/auth.hpp"

namespace sluice::support::http {

// The JWS "alg" of integrator.io's signature method: hmac-sha256 -> HS256, rsa-sha256 ->
// RS256, ps256 -> PS256, es256 -> ES256, ...; empty for an unknown one.
std::string jwt_alg(std::string_view signature_method);

// The base64url signature of `signing_input` (BASE64URL(header) "." BASE64URL(payload)) with
// the key of `auth` for its signature method.
Result<std::string> jws_signature(const JwtAuth& auth, std::string_view signing_input);

// The JWT of `auth` at time `now` (seconds since the epoch): header {"alg","typ":"JWT"} plus
// auth.header, the payload's claims with iat and exp as auth.payload describes, signed.
// auth.static_token when set. kInvalidConfig naming the field that is wrong. `expires_at`, when
// given, receives the token's exp claim (0 when it has none, or for a static token).
Result<std::string> make_jwt(const JwtAuth& auth, int64_t now, int64_t* expires_at = nullptr);

}  // namespace sluice::support::http
