#include "auth_settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

namespace {

// A function: settings are built on first use.
std::vector<json::value> jwt_types() { return {json::value("jwtbearer"), json::value("jwt")}; }

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
      jwt_payload(
          schema.object("http.auth.jwt.payload")
              .label("Payload")
              .required()
              .group("Authentication")
              .shown_when("http.auth.type", jwt_types())
              .help("The token's claims, e.g. {\"iss\": \"svc\", \"aud\": "
                    "\"https://api.example.com\", \"exp\": 3600}. iat is the signing "
                    "time unless given; an exp below 1000000000 is a lifetime in seconds "
                    "from iat. A token is reused for half its lifetime, then signed again.")),
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

}  // namespace sluice::plugins::http
