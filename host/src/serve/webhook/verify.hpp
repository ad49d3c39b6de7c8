// Verification of a webhook request against its listener's `webhook{…}` settings (integrator.io's
// field names, docs/serve.md "Webhooks"):
//
//   verify: "token"       the `token` found in a header (tokenLocation "header": tokenHeaderName,
//                         with tokenHeaderScheme bearer|custom|none and customTokenScheme), a
//                         query parameter ("queryParam": tokenQueryParamName) or the body
//                         ("body", the default: the dotted `path` into a JSON or form body)
//           "hmac"        HMAC of the raw body with `key` and `algorithm` (sha1|sha256|sha384|
//                         sha512), `encoding` hex|base64, in the request header `header`; a
//                         "<algorithm>=" prefix in the header value (GitHub's "sha256=") is
//                         allowed
//           "basic"       Authorization: Basic with `username` and `password`
//           "secret_url"  the `token` is the last segment of the URL (/webhooks/{id}/{token})
//   provider: "custom" (the default) uses `verify` as above; presets set everything but the
//             secret `key`:
//     github   hmac sha256 hex in X-Hub-Signature-256 ("sha256=…")
//     shopify  hmac sha256 base64 in X-Shopify-Hmac-SHA256
//     stripe   Stripe-Signature "t=T,v1=HEX[,v1=…]": HMAC-SHA256 hex of "T.BODY" with `key`
//              (the endpoint's whsec_… secret as given); T within the tolerance of now
//     slack    X-Slack-Signature "v0=HEX": HMAC-SHA256 of "v0:TS:BODY" with `key` (the signing
//              secret), TS from X-Slack-Request-Timestamp within the tolerance of now
//
// Every comparison of a secret or a signature is constant-time (CRYPTO_memcmp, over SHA-256
// digests where the lengths may differ, so neither contents nor length leak).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "serve/http.hpp"
#include "serve/webhook/settings.hpp"
#include "sluice/result.hpp"

namespace sluice::serve::webhook {

struct VerifyOptions {
  // Seconds since the Unix epoch, for stripe's and slack's timestamps; the system clock when
  // empty.
  std::function<int64_t()> now_seconds;
  // How far a signed timestamp may be from now, either way (stripe, slack).
  int64_t tolerance_seconds = 300;
};

// Verifies `request` (its route parameter "token" is the secret URL's token). kAuthFailed when it
// does not pass, with a message for the server's log saying which check failed (never the
// expected value); the caller answers 401 without it.
Result<void> verify_request(const VerifySettings& settings, const HttpRequest& request,
                            const VerifyOptions& options = {});

// HMAC of `data` with `key`; `algorithm` sha1|sha256|sha384|sha512. Raw bytes; empty for an
// unknown algorithm.
std::string hmac(std::string_view algorithm, std::string_view key, std::string_view data);

}  // namespace sluice::serve::webhook
