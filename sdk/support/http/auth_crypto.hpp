// OpenSSL primitives the signing auth types share (internal to sluice_support_http): digests,
// HMACs, signatures with a PEM private key, random bytes and the base64 forms they are sent in.
#pragma once

#include <string>
#include <string_view>

#include "sluice/result.hpp"

namespace sluice::support::http::crypto {

// `md` is an OpenSSL digest name: "MD5", "SHA1", "SHA256", "SHA384", "SHA512".
std::string digest(std::string_view md, std::string_view data);
std::string hmac(std::string_view md, std::string_view key, std::string_view data);
// `bytes` as lower-case hex.
std::string hex(std::string_view bytes);
std::string base64(std::string_view bytes);
// RFC 4648 §5 without padding, as JWTs use it.
std::string base64url(std::string_view bytes);
// Decodes standard base64 (padding optional); nullopt-like empty Result on bad input.
Result<std::string> base64_decode(std::string_view text);
// `count` bytes from OpenSSL's CSPRNG.
std::string random_bytes(size_t count);

enum class Padding { kPkcs1, kPss };

// Signs `data` with the PEM private key `pem` (RSA or EC) and digest `md`. ECDSA signatures are
// returned as the DER structure OpenSSL makes; see ecdsa_der_to_jose. kInvalidConfig naming
// `what` when the key cannot be read, is of the wrong kind (`want_ec`), or signing fails.
Result<std::string> sign(std::string_view md, std::string_view pem, std::string_view data,
                         bool want_ec, Padding padding, std::string_view what);

// An ECDSA DER signature as JWS wants it: r and s big-endian, each `size` bytes.
Result<std::string> ecdsa_der_to_jose(std::string_view der, size_t size);

}  // namespace sluice::support::http::crypto
