#include "serve/webhook/settings.hpp"

namespace sluice::serve::webhook {

namespace {

Error invalid(std::string message) {
  return make_error(Status::kInvalidConfig, std::move(message));
}

// The string at webhook.FIELD, or empty when it is absent or null.
Result<std::string> string_field(const boost::json::object& webhook, std::string_view field) {
  const boost::json::value* value = webhook.if_contains(field);
  if (value == nullptr || value->is_null()) return std::string{};
  if (!value->is_string()) {
    return invalid("webhook." + std::string(field) + " must be a string");
  }
  return std::string(value->as_string());
}

Result<void> require(const std::string& value, std::string_view field, std::string_view why) {
  if (!value.empty()) return {};
  return invalid("webhook." + std::string(field) + " is missing: " + std::string(why) +
                 "; set webhook." + std::string(field));
}

// Fills the fields a preset fixes; a field the user set to another value is refused.
Result<void> preset(VerifySettings& s, const boost::json::object& webhook, std::string_view field,
                    std::string& target, std::string value) {
  auto given = string_field(webhook, field);
  if (!given) return given.error();
  if (!given->empty() && *given != value) {
    return invalid("webhook." + std::string(field) + " is '" + *given + "' but provider '" +
                   s.provider + "' uses '" + value + "': remove webhook." + std::string(field) +
                   " or set provider 'custom'");
  }
  target = std::move(value);
  return {};
}

}  // namespace

Result<VerifySettings> parse_verify_settings(const boost::json::object& webhook) {
  VerifySettings s;
  auto provider = string_field(webhook, "provider");
  if (!provider) return provider.error();
  if (!provider->empty()) s.provider = *provider;
  auto key = string_field(webhook, "key");
  if (!key) return key.error();
  s.key = *key;

  if (s.provider == "github" || s.provider == "shopify") {
    std::string verify, encoding;
    if (auto r = preset(s, webhook, "verify", verify, "hmac"); !r) return r.error();
    if (auto r = preset(s, webhook, "algorithm", s.algorithm, "sha256"); !r) return r.error();
    if (auto r =
            preset(s, webhook, "encoding", encoding, s.provider == "github" ? "hex" : "base64");
        !r) {
      return r.error();
    }
    s.base64 = encoding == "base64";
    auto header = string_field(webhook, "header");
    if (!header) return header.error();
    s.header = !header->empty()         ? *header
               : s.provider == "github" ? "X-Hub-Signature-256"
                                        : "X-Shopify-Hmac-SHA256";
    s.method = Method::kHmac;
    if (auto r = require(s.key, "key", "provider '" + s.provider + "' signs with a secret"); !r) {
      return r.error();
    }
    return s;
  }
  if (s.provider == "stripe" || s.provider == "slack") {
    std::string verify;
    if (auto r = preset(s, webhook, "verify", verify, "hmac"); !r) return r.error();
    s.method = s.provider == "stripe" ? Method::kStripe : Method::kSlack;
    const std::string what = s.provider == "stripe" ? "the endpoint's signing secret (whsec_...)"
                                                    : "the app's signing secret";
    if (auto r = require(s.key, "key", "provider '" + s.provider + "' needs " + what); !r) {
      return r.error();
    }
    return s;
  }
  if (s.provider != "custom") {
    return invalid("webhook.provider '" + s.provider +
                   "' is not supported: use github, shopify, stripe, slack, or custom with "
                   "webhook.verify token|hmac|basic|secret_url");
  }

  auto verify = string_field(webhook, "verify");
  if (!verify) return verify.error();
  auto field = [&](std::string_view name, std::string& target) -> Result<void> {
    auto value = string_field(webhook, name);
    if (!value) return value.error();
    target = *value;
    return {};
  };
  if (*verify == "token" || *verify == "secret_url") {
    if (auto r = field("token", s.token); !r) return r.error();
  }
  if (*verify == "token") {
    s.method = Method::kToken;
    if (auto r = require(s.token, "token", "verify 'token' compares the request's token to it");
        !r) {
      return r.error();
    }
    std::string location;
    if (auto r = field("tokenLocation", location); !r) return r.error();
    if (location.empty() || location == "body") {
      s.token_location = TokenLocation::kBody;
      if (auto r = field("path", s.path); !r) return r.error();
      if (auto r = require(s.path, "path", "tokenLocation 'body' reads the token at that path");
          !r) {
        return r.error();
      }
    } else if (location == "header") {
      s.token_location = TokenLocation::kHeader;
      if (auto r = field("tokenHeaderName", s.token_header_name); !r) return r.error();
      if (auto r = require(s.token_header_name, "tokenHeaderName",
                           "tokenLocation 'header' reads the token from that header");
          !r) {
        return r.error();
      }
      std::string scheme;
      if (auto r = field("tokenHeaderScheme", scheme); !r) return r.error();
      if (scheme.empty() || scheme == "bearer") {
        s.token_scheme = "Bearer";
      } else if (scheme == "none") {
        s.token_scheme.clear();
      } else if (scheme == "custom") {
        if (auto r = field("customTokenScheme", s.token_scheme); !r) return r.error();
        if (auto r = require(s.token_scheme, "customTokenScheme",
                             "tokenHeaderScheme 'custom' names the scheme before the token");
            !r) {
          return r.error();
        }
      } else {
        return invalid("webhook.tokenHeaderScheme '" + scheme +
                       "' is not one of bearer, custom, none");
      }
    } else if (location == "queryParam") {
      s.token_location = TokenLocation::kQueryParam;
      if (auto r = field("tokenQueryParamName", s.token_query_param_name); !r) return r.error();
      if (auto r = require(s.token_query_param_name, "tokenQueryParamName",
                           "tokenLocation 'queryParam' reads the token from that parameter");
          !r) {
        return r.error();
      }
    } else {
      return invalid("webhook.tokenLocation '" + location +
                     "' is not one of body, header, queryParam");
    }
    return s;
  }
  if (*verify == "hmac") {
    s.method = Method::kHmac;
    if (auto r =
            require(s.key, "key", "verify 'hmac' needs the shared secret the sender signs with");
        !r) {
      return r.error();
    }
    std::string algorithm, encoding;
    if (auto r = field("algorithm", algorithm); !r) return r.error();
    if (!algorithm.empty()) s.algorithm = algorithm;
    if (s.algorithm != "sha1" && s.algorithm != "sha256" && s.algorithm != "sha384" &&
        s.algorithm != "sha512") {
      return invalid("webhook.algorithm '" + s.algorithm +
                     "' is not one of sha1, sha256, sha384, sha512");
    }
    if (auto r = field("encoding", encoding); !r) return r.error();
    if (!encoding.empty() && encoding != "hex" && encoding != "base64") {
      return invalid("webhook.encoding '" + encoding + "' is not one of hex, base64");
    }
    s.base64 = encoding == "base64";
    if (auto r = field("header", s.header); !r) return r.error();
    if (auto r = require(s.header, "header", "verify 'hmac' reads the signature from that header");
        !r) {
      return r.error();
    }
    return s;
  }
  if (*verify == "basic") {
    s.method = Method::kBasic;
    if (auto r = field("username", s.username); !r) return r.error();
    if (auto r = field("password", s.password); !r) return r.error();
    if (auto r = require(s.username, "username", "verify 'basic' checks it"); !r) {
      return r.error();
    }
    if (auto r = require(s.password, "password", "verify 'basic' checks it"); !r) {
      return r.error();
    }
    return s;
  }
  if (*verify == "secret_url") {
    s.method = Method::kSecretUrl;
    if (auto r =
            require(s.token, "token", "verify 'secret_url' expects it as the URL's last segment");
        !r) {
      return r.error();
    }
    return s;
  }
  if (verify->empty()) {
    return invalid(
        "webhook.verify is missing: a listener must verify its requests; set it to token, hmac, "
        "basic or secret_url (or set webhook.provider)");
  }
  return invalid("webhook.verify '" + *verify + "' is not one of token, hmac, basic, secret_url");
}

}  // namespace sluice::serve::webhook
