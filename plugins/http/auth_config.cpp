#include "auth_config.hpp"

#include <boost/json/serialize.hpp>

#include "settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::http::Auth;

namespace {

Error required(const std::string& path, const std::string& type, const std::string& what) {
  return make_error(Status::kInvalidConfig,
                    path + " is required when http.auth.type is " + type + ": " + what);
}

// An Auth::validate() error, whose message starts with the field's name, at `prefix`.
Error at(const std::string& prefix, const Error& error) {
  return make_error(error.status, prefix + error.message);
}

Result<Auth> read_user_password(const std::string& type, const json::object& doc) {
  const ConnectionSettings& s = connection_settings();
  auto username = s.basic_username.read(doc);
  if (!username) return username.error();
  auto password = s.basic_password.read(doc);
  if (!password) return password.error();
  if (username->empty()) {
    return required("http.auth.basic.username", type, "the user name the API knows you by");
  }
  if (password->empty()) {
    return required("http.auth.basic.password", type,
                    type +
                        " never sends the password itself, only a digest of it, so it must be "
                        "set");
  }
  if (type == "digest") return Auth::with_digest(std::move(*username), std::move(*password));
  support::http::WsseAuth wsse{.username = std::move(*username), .password = std::move(*password)};
  if (s.token_header_name.is_set(doc)) {
    auto header_name = s.token_header_name.read(doc);
    if (!header_name) return header_name.error();
    if (!header_name->empty()) wsse.header_name = std::move(*header_name);
  }
  return Auth::with_wsse(std::move(wsse));
}

Result<Auth> read_oauth1(const json::object& doc) {
  const SignedAuthSettings& s = connection_settings().signed_auth;
  support::http::OAuth1Auth oauth1;
  for (auto [setting, out] : {std::pair{&s.oauth1_consumer_key, &oauth1.consumer_key},
                              {&s.oauth1_consumer_secret, &oauth1.consumer_secret},
                              {&s.oauth1_access_token, &oauth1.token},
                              {&s.oauth1_token_secret, &oauth1.token_secret},
                              {&s.oauth1_signature_method, &oauth1.signature_method},
                              {&s.oauth1_private_key, &oauth1.private_key_pem},
                              {&s.oauth1_realm, &oauth1.realm}}) {
    auto value = setting->read(doc);
    if (!value) return value.error();
    *out = std::move(*value);
  }
  if (oauth1.consumer_key.empty()) {
    return required(s.oauth1_consumer_key.path(), "oauth1",
                    "the consumer key (API key) the provider issued to the application");
  }
  if (oauth1.token.empty()) {
    return required(s.oauth1_access_token.path(), "oauth1",
                    "the access token the provider issued for the user");
  }
  if (oauth1.signature_method.starts_with("rsa")) {
    if (oauth1.private_key_pem.empty()) {
      return required(s.oauth1_private_key.path(), "oauth1",
                      "signatureMethod " + oauth1.signature_method +
                          " signs with the consumer's RSA private key (PEM)");
    }
  } else {
    if (oauth1.consumer_secret.empty()) {
      return required(s.oauth1_consumer_secret.path(), "oauth1",
                      "signatureMethod " + oauth1.signature_method +
                          " signs with the consumer secret and the token secret");
    }
    if (oauth1.token_secret.empty()) {
      return required(s.oauth1_token_secret.path(), "oauth1",
                      "signatureMethod " + oauth1.signature_method +
                          " signs with the consumer secret and the token secret");
    }
  }
  Auth auth = Auth::with_oauth1(std::move(oauth1));
  if (auto checked = auth.validate(); !checked)
    return at("http.auth.oauth.oauth1.", checked.error());
  return auth;
}

Result<Auth> read_jwt(const std::string& type, const json::object& doc) {
  const SignedAuthSettings& s = connection_settings().signed_auth;
  support::http::JwtAuth jwt;
  for (auto [setting, out] : {std::pair{&s.jwt_signature_method, &jwt.signature_method},
                              {&s.jwt_secret, &jwt.secret},
                              {&s.jwt_private_key, &jwt.private_key_pem},
                              {&s.jwt_token, &jwt.static_token}}) {
    auto value = setting->read(doc);
    if (!value) return value.error();
    *out = std::move(*value);
  }
  auto base64 = s.jwt_secret_base64.read(doc);
  if (!base64) return base64.error();
  jwt.secret_base64 = *base64;
  if (jwt.static_token.empty()) {
    if (jwt.signature_method.empty()) {
      return required(s.jwt_signature_method.path(), type,
                      "how the token is signed, e.g. hmac-sha256 or rsa-sha256");
    }
    auto payload = s.jwt_payload.read(doc);
    if (!payload) return payload.error();
    if (!payload->is_object() || payload->as_object().empty()) {
      return required(s.jwt_payload.path(), type,
                      "the token's claims as a JSON object, e.g. {\"iss\": \"my-service\", "
                      "\"aud\": \"https://api.example.com\", \"exp\": 3600}");
    }
    jwt.payload = json::serialize(*payload);
    auto headers = s.jwt_headers.read(doc);
    if (!headers) return headers.error();
    if (!headers->is_null() && !headers->is_object()) {
      return make_error(Status::kInvalidConfig, s.jwt_headers.path() +
                                                    " must be an object of header parameters, e.g. "
                                                    "{\"kid\": \"my-key-id\"}");
    }
    jwt.header = headers->is_object() ? json::serialize(*headers) : "{}";
  }
  Auth auth = Auth::with_jwt(std::move(jwt));
  if (auto checked = auth.validate(); !checked) return at("http.auth.jwt.", checked.error());
  return auth;
}

}  // namespace

bool is_signed_auth_type(const std::string& type) {
  return type == "digest" || type == "wsse" || type == "oauth1" || type == "jwtbearer" ||
         type == "jwt" || type == "custom";
}

Result<Auth> read_signed_auth(const std::string& type, const json::object& doc) {
  if (type == "digest" || type == "wsse") return read_user_password(type, doc);
  if (type == "oauth1") return read_oauth1(doc);
  if (type == "jwtbearer" || type == "jwt") return read_jwt(type, doc);
  // custom: the connection's headers carry the credentials, from http.encrypted.
  return Auth::none();
}

}  // namespace sluice::plugins::http
