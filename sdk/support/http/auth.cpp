#include "sluice/support/http/auth.hpp"

#include <sstream>

#include <Poco/Base64Encoder.h>

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"

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

}  // namespace

std::optional<std::string> AuthFailureRule::match(const Response& response) const {
  if (std::find(status_codes.begin(), status_codes.end(), response.status) != status_codes.end()) {
    std::string why = "HTTP " + std::to_string(response.status);
    if (!response.reason.empty()) why += " " + response.reason;
    return why;
  }
  if (path.empty() || values.empty() || response.body.empty()) return std::nullopt;
  boost::json::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  if (ec) return std::nullopt;
  const boost::json::value* value = find_path(body, path);
  if (value == nullptr || value->is_object() || value->is_array()) return std::nullopt;
  const std::string text = value->is_null()     ? std::string("null")
                           : value->is_string() ? std::string(value->get_string())
                                                : boost::json::serialize(*value);
  if (std::find(values.begin(), values.end(), text) == values.end()) return std::nullopt;
  return "HTTP " + std::to_string(response.status) + " whose " + path + " is '" + text +
         "' (http.auth.failPath)";
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
  }
  return out;
}

std::vector<std::string> Auth::secret_params() const {
  std::vector<std::string> out = {"access_token", "token",  "api_key",   "apikey", "key",
                                  "password",     "secret", "signature", "sig",    "client_secret"};
  if (auto param = query_param()) out.push_back(param->name);
  return out;
}

}  // namespace sluice::support::http
