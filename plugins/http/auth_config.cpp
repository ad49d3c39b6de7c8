#include "auth_config.hpp"

#include <boost/json/serialize.hpp>

#include "settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::http::Auth;

namespace {

std::vector<json::value> jwt_types() { return {json::value("jwtbearer"), json::value("jwt")}; }

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

SignedAuthSettings::SignedAuthSettings(Schema& schema)
    : oauth1_consumer_key(schema.string("http.auth.oauth.oauth1.consumerKey")
                              .label("Consumer key")
                              .required()
                              .group("Authentication")
                              .shown_when("http.auth.type", "oauth1")
                              .help("OAuth 1.0a: the key identifying the application.")),
      oauth1_consumer_secret(schema.string("http.auth.oauth.oauth1.consumerSecret")
                                 .label("Consumer secret")
                                 .secret()
                                 .group("Authentication")
                                 .shown_when("http.auth.type", "oauth1")
                                 .help("Required with the HMAC and plaintext signature methods.")),
      oauth1_access_token(schema.string("http.auth.oauth.oauth1.accessToken")
                              .label("Access token")
                              .required()
                              .secret()
                              .group("Authentication")
                              .shown_when("http.auth.type", "oauth1")
                              .help("The token the provider issued for the user (oauth_token).")),
      oauth1_token_secret(schema.string("http.auth.oauth.oauth1.tokenSecret")
                              .label("Token secret")
                              .secret()
                              .group("Authentication")
                              .shown_when("http.auth.type", "oauth1")
                              .help("Required with the HMAC and plaintext signature methods.")),
      oauth1_signature_method(
          schema
              .enumeration("http.auth.oauth.oauth1.signatureMethod",
                           {"hmac-sha1", "hmac-sha256", "hmac-sha512", "rsa-sha1", "rsa-sha256",
                            "rsa-sha512", "plaintext"})
              .label("Signature method")
              .default_value("hmac-sha1")
              .group("Authentication")
              .shown_when("http.auth.type", "oauth1")
              .help("How each request is signed (RFC 5849 §3.4): HMAC with the consumer and "
                    "token secrets, RSA with consumerPrivateKey, or plaintext (HTTPS only).")),
      oauth1_private_key(schema.string("http.auth.oauth.oauth1.consumerPrivateKey")
                             .label("Consumer private key")
                             .secret()
                             .group("Authentication")
                             .shown_when("http.auth.type", "oauth1")
                             .help("PEM RSA private key, required with rsa-sha1, rsa-sha256 and "
                                   "rsa-sha512.")),
      oauth1_realm(schema.string("http.auth.oauth.oauth1.realm")
                       .label("Realm")
                       .group("Authentication")
                       .shown_when("http.auth.type", "oauth1")
                       .help("Sent as realm=\"...\" in the Authorization header when set; not "
                             "part of the signature.")),
      jwt_signature_method(
          schema
              .enumeration("http.auth.jwt.signatureMethod",
                           {"hmac-sha256", "hmac-sha384", "hmac-sha512", "rsa-sha256", "rsa-sha384",
                            "rsa-sha512", "es256", "es384", "es512", "ps256", "ps384", "ps512"})
              .label("Signature method")
              .required()
              .group("Authentication")
              .shown_when("http.auth.type", jwt_types())
              .help("hmac-*: signed with secret (HS256/384/512). rsa-*, ps*, es*: signed with "
                    "privateKey (RS*, PS*, ES*).")),
      jwt_payload(schema.object("http.auth.jwt.payload")
                      .label("Payload")
                      .required()
                      .group("Authentication")
                      .shown_when("http.auth.type", jwt_types())
                      .help("The token's claims, e.g. {\"iss\": \"svc\", \"aud\": "
                            "\"https://api.example.com\", \"exp\": 3600}. iat is the signing "
                            "time unless given; an exp below 1000000000 is a lifetime in seconds "
                            "from iat. A new token is signed for every request.")),
      jwt_headers(schema.object("http.auth.jwt.headers")
                      .label("Header parameters")
                      .group("Authentication")
                      .shown_when("http.auth.type", jwt_types())
                      .help("Added to the token's header {\"alg\", \"typ\": \"JWT\"}, e.g. "
                            "{\"kid\": \"my-key-id\"}.")),
      jwt_secret(schema.string("http.auth.jwt.secret")
                     .label("Secret")
                     .secret()
                     .group("Authentication")
                     .shown_when("http.auth.type", jwt_types())
                     .help("The shared secret of the hmac-* methods.")),
      jwt_secret_base64(schema.boolean("http.auth.jwt.isSecretBase64Encoded")
                            .label("Secret is base64 encoded")
                            .default_value(false)
                            .group("Authentication")
                            .shown_when("http.auth.type", jwt_types())
                            .help("true: the secret is base64 (or base64url) text and its decoded "
                                  "bytes are the key.")),
      jwt_private_key(schema.string("http.auth.jwt.privateKey")
                          .label("Private key")
                          .secret()
                          .group("Authentication")
                          .shown_when("http.auth.type", jwt_types())
                          .help("PEM private key (unencrypted) of the rsa-*, ps* (RSA) and es* "
                                "(EC P-256/384/521) methods.")),
      jwt_token(schema.string("http.auth.jwt.token")
                    .label("Static token")
                    .secret()
                    .group("Authentication")
                    .shown_when("http.auth.type", jwt_types())
                    .help("A pre-made JWT sent as the bearer token instead of one signed from "
                          "the payload.")),
      encrypted(schema.object("http.encrypted")
                    .label("Encrypted fields")
                    .secret()
                    .group("Authentication")
                    .help("Credentials of a custom connection, stored encrypted and masked: use "
                          "them in http.headers as {{connection.http.encrypted.apiKey}}.")),
      unencrypted(schema.object("http.unencrypted")
                      .label("Unencrypted fields")
                      .group("Authentication")
                      .help("Settings of a custom connection, usable in any template as "
                            "{{connection.http.unencrypted.accountId}}.")) {}

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
