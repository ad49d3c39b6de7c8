#include "sluice/support/http/auth.hpp"
#include "body_rule.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>

#include <Poco/Base64Encoder.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "auth_crypto.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/http/auth_jwt.hpp"
#include "sluice/support/http/auth_oauth1.hpp"
#include "sluice/support/http/auth_wsse.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::support::http {

namespace {

std::string base64(std::string_view text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(text.data(), static_cast<std::streamsize>(text.size()));
  encoder.close();
  return out.str();
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601_utc(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

std::optional<std::string> AuthFailureRule::match(const Response& response) const {
  if (std::find(status_codes.begin(), status_codes.end(), response.status) != status_codes.end())
    return status_text(response);
  return body_value_matches(response, path, values, "http.auth.failPath");
}

Auth Auth::with_basic(std::string username, std::string password) {
  Auth auth;
  auth.type = AuthType::kBasic;
  auth.basic = {std::move(username), std::move(password)};
  return auth;
}

Auth Auth::with_token(TokenAuth token) {
  Auth auth;
  auth.type = AuthType::kToken;
  auth.token = std::move(token);
  return auth;
}

Auth Auth::with_digest(std::string username, std::string password) {
  Auth auth;
  auth.type = AuthType::kDigest;
  auth.basic = {std::move(username), std::move(password)};
  return auth;
}

Auth Auth::with_wsse(WsseAuth wsse) {
  Auth auth;
  auth.type = AuthType::kWsse;
  auth.wsse = std::move(wsse);
  return auth;
}

Auth Auth::with_oauth1(OAuth1Auth oauth1) {
  Auth auth;
  auth.type = AuthType::kOAuth1;
  auth.oauth1 = std::move(oauth1);
  return auth;
}

Auth Auth::with_jwt(JwtAuth jwt) {
  Auth auth;
  auth.type = AuthType::kJwt;
  auth.jwt = std::move(jwt);
  return auth;
}

Result<void> Auth::validate() const {
  // Signing once with fixed inputs checks the method, the key and the payload.
  auto signed_header = sign({.method = "GET", .url = "http://localhost/"});
  if (!signed_header) return signed_header.error();
  return {};
}

Result<std::optional<Header>> Auth::sign(const SignInput& input) const {
  switch (type) {
    case AuthType::kWsse: {
      const std::string nonce = crypto::random_bytes(16);
      return std::optional<Header>(
          Header{wsse.header_name.empty() ? std::string("X-WSSE") : wsse.header_name,
                 wsse_header_value(wsse, nonce, iso8601_utc(now_seconds()))});
    }
    case AuthType::kOAuth1: {
      auto value = oauth1_authorization(oauth1, input, crypto::hex(crypto::random_bytes(16)),
                                        std::to_string(now_seconds()));
      if (!value) return value.error();
      return std::optional<Header>(Header{"Authorization", std::move(*value)});
    }
    case AuthType::kJwt: {
      auto token = make_jwt(jwt, now_seconds());
      if (!token) return token.error();
      return std::optional<Header>(Header{"Authorization", "Bearer " + *token});
    }
    default:
      return std::optional<Header>();
  }
}

std::optional<Header> Auth::header() const {
  switch (type) {
    case AuthType::kNone:
      return std::nullopt;
    case AuthType::kBasic:
      return Header{"Authorization", "Basic " + base64(basic.username + ":" + basic.password)};
    case AuthType::kToken:
      if (token.location != TokenLocation::kHeader) return std::nullopt;
      return Header{token.header_name.empty() ? std::string("Authorization") : token.header_name,
                    token.scheme.empty() ? token.token : token.scheme + " " + token.token};
    default:  // computed per request: sign(), DigestSession
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Header> Auth::query_param() const {
  if (type != AuthType::kToken || token.location != TokenLocation::kUrl) return std::nullopt;
  return Header{token.param_name.empty() ? std::string("access_token") : token.param_name,
                token.token};
}

std::vector<std::string> Auth::secrets() const {
  std::vector<std::string> out;
  auto keep = [&](std::string s) {
    if (!s.empty()) out.push_back(std::move(s));
  };
  switch (type) {
    case AuthType::kNone:
      break;
    case AuthType::kBasic:
      keep(basic.password);
      keep(base64(basic.username + ":" + basic.password));
      break;
    case AuthType::kToken:
      keep(token.token);
      if (std::string encoded = percent_encode(token.token); encoded != token.token) {
        keep(std::move(encoded));
      }
      break;
    case AuthType::kDigest:
      keep(basic.password);
      break;
    case AuthType::kWsse:
      keep(wsse.password);
      break;
    case AuthType::kOAuth1:
      keep(oauth1.consumer_secret);
      keep(oauth1.token_secret);
      keep(oauth1.private_key_pem);
      break;
    case AuthType::kJwt:
      keep(jwt.secret);
      keep(jwt.private_key_pem);
      keep(jwt.static_token);
      break;
  }
  for (const std::string& s : extra_secrets) keep(s);
  return out;
}

std::vector<std::string> Auth::secret_params() const {
  std::vector<std::string> out = {"access_token", "token",  "api_key",   "apikey", "key",
                                  "password",     "secret", "signature", "sig",    "client_secret"};
  if (auto param = query_param()) out.push_back(param->name);
  return out;
}

}  // namespace sluice::support::http
