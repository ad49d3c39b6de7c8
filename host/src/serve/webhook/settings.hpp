// The verification settings of a webhook listener, read from an export's `webhook{…}` (field
// names and meanings: verify.hpp). Apart from the HTTP layer so that `sluice apply`
// (resources/apply.cpp) refuses what the listener could not use, with the same messages.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"

namespace sluice::serve::webhook {

enum class Method { kToken, kHmac, kBasic, kSecretUrl, kStripe, kSlack };
enum class TokenLocation { kBody, kHeader, kQueryParam };

// The settings of one listener, read and checked once (parse_verify_settings).
struct VerifySettings {
  Method method = Method::kToken;
  std::string provider = "custom";
  // token, secret_url
  std::string token;
  TokenLocation token_location = TokenLocation::kBody;
  std::string path;               // body
  std::string token_header_name;  // header
  std::string token_scheme;       // header: "Bearer", a custom scheme, or empty (none)
  std::string token_query_param_name;
  // hmac, stripe, slack
  std::string key;
  std::string algorithm = "sha256";
  bool base64 = false;  // encoding: false hex, true base64
  std::string header;
  // basic
  std::string username, password;
};

// Reads `webhook` (an export's "webhook" object, secrets revealed). kInvalidConfig, naming the
// field as "webhook.FIELD" and what to do, for an unknown or unsupported provider, a `verify`,
// `algorithm`, `encoding`, `tokenLocation` or `tokenHeaderScheme` outside its values, or a
// field the method needs that is missing or empty (e.g. "webhook.key is missing: verify 'hmac'
// needs the shared secret the sender signs with; set webhook.key").
Result<VerifySettings> parse_verify_settings(const boost::json::object& webhook);

}  // namespace sluice::serve::webhook
