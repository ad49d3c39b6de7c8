// WS-Security UsernameToken over HTTP (the X-WSSE header): PasswordDigest =
// Base64(SHA1(nonce + created + password)), Nonce = Base64(nonce), Created in ISO 8601 UTC.
#pragma once

#include <string>
#include <string_view>

#include "sluice/support/http/auth.hpp"

namespace sluice::support::http {

// `UsernameToken Username="..", PasswordDigest="..", Nonce="..", Created=".."` for the raw
// nonce bytes `nonce` and time `created` (e.g. "2026-12-01T15:00:00Z").
std::string wsse_header_value(const WsseAuth& auth, std::string_view nonce,
                              std::string_view created);

}  // namespace sluice::support::http
