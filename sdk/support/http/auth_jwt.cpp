#include "sluice/support/http/auth_jwt.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "auth_crypto.hpp"

namespace sluice::support::http {

namespace json = boost::json;

namespace {

// Lifetimes below this are seconds from now, not times (10^9 s is September 2001).
constexpr int64_t kTimeFloor = 1'000'000'000;

struct Method {
  std::string_view name;
  std::string_view alg;
  std::string_view md;
  enum Kind { kHmac, kRsa, kPss, kEc } kind;
  size_t ec_size = 0;  // bytes of r and of s
};

constexpr Method kMethods[] = {
    {"hmac-sha256", "HS256", "SHA256", Method::kHmac},
    {"hmac-sha384", "HS384", "SHA384", Method::kHmac},
    {"hmac-sha512", "HS512", "SHA512", Method::kHmac},
    {"rsa-sha256", "RS256", "SHA256", Method::kRsa},
    {"rsa-sha384", "RS384", "SHA384", Method::kRsa},
    {"rsa-sha512", "RS512", "SHA512", Method::kRsa},
    {"ps256", "PS256", "SHA256", Method::kPss},
    {"ps384", "PS384", "SHA384", Method::kPss},
    {"ps512", "PS512", "SHA512", Method::kPss},
    {"es256", "ES256", "SHA256", Method::kEc, 32},
    {"es384", "ES384", "SHA384", Method::kEc, 48},
    {"es512", "ES512", "SHA512", Method::kEc, 66},
};

const Method* find_method(std::string_view name) {
  for (const Method& m : kMethods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

Result<json::object> parse_object(std::string_view text, std::string_view what) {
  if (text.empty()) return json::object();
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return make_error(Status::kInvalidConfig, std::string(what) +
                                                  " must be a JSON object of claims, e.g. "
                                                  "{\"iss\": \"my-service\", \"exp\": 3600}");
  }
  return std::move(value.as_object());
}

}  // namespace

std::string jwt_alg(std::string_view signature_method) {
  const Method* m = find_method(signature_method);
  return m ? std::string(m->alg) : std::string();
}

Result<std::string> jws_signature(const JwtAuth& auth, std::string_view signing_input) {
  const Method* m = find_method(auth.signature_method);
  if (m == nullptr) {
    return make_error(Status::kInvalidConfig,
                      "signatureMethod '" + auth.signature_method +
                          "' is not one of hmac-sha256, hmac-sha384, hmac-sha512, rsa-sha256, "
                          "rsa-sha384, rsa-sha512, ps256, ps384, ps512, es256, es384, es512");
  }
  if (m->kind == Method::kHmac) {
    if (auth.secret.empty()) {
      return make_error(Status::kInvalidConfig,
                        "secret is required with signatureMethod " + auth.signature_method);
    }
    std::string key = auth.secret;
    if (auth.secret_base64) {
      auto decoded = crypto::base64_decode(auth.secret);
      if (!decoded) {
        return make_error(Status::kInvalidConfig,
                          "secret is not valid base64, but isSecretBase64Encoded is true");
      }
      key = std::move(*decoded);
    }
    return crypto::base64url(crypto::hmac(m->md, key, signing_input));
  }
  if (auth.private_key_pem.empty()) {
    return make_error(Status::kInvalidConfig,
                      "privateKey is required with signatureMethod " + auth.signature_method);
  }
  auto signature = crypto::sign(
      m->md, auth.private_key_pem, signing_input, m->kind == Method::kEc,
      m->kind == Method::kPss ? crypto::Padding::kPss : crypto::Padding::kPkcs1, "privateKey");
  if (!signature) return signature.error();
  if (m->kind == Method::kEc) {
    auto jose = crypto::ecdsa_der_to_jose(*signature, m->ec_size);
    if (!jose) return jose.error();
    return crypto::base64url(*jose);
  }
  return crypto::base64url(*signature);
}

Result<std::string> make_jwt(const JwtAuth& auth, int64_t now, int64_t* expires_at) {
  if (expires_at != nullptr) *expires_at = 0;
  if (!auth.static_token.empty()) return auth.static_token;
  const std::string alg = jwt_alg(auth.signature_method);
  auto extra = parse_object(auth.header, "headers");
  if (!extra) return extra.error();
  auto claims = parse_object(auth.payload, "payload");
  if (!claims) return claims.error();
  if (claims->empty()) {
    return make_error(Status::kInvalidConfig,
                      "payload must hold at least one claim, e.g. {\"iss\": \"my-service\"}");
  }
  json::object header{{"alg", alg.empty() ? auth.signature_method : alg}, {"typ", "JWT"}};
  for (const auto& [name, value] : *extra) {
    if (name != "alg") header[name] = value;
  }
  if (!claims->contains("iat")) (*claims)["iat"] = now;
  if (json::value* exp = claims->if_contains("exp"); exp != nullptr && exp->is_number()) {
    const int64_t lifetime =
        exp->is_double() ? static_cast<int64_t>(exp->as_double()) : exp->to_number<int64_t>();
    if (lifetime < kTimeFloor) {
      const json::value& iat = claims->at("iat");
      const int64_t issued = iat.is_int64() ? iat.as_int64() : now;
      *exp = issued + lifetime;
    }
    if (expires_at != nullptr && exp->is_int64()) *expires_at = exp->as_int64();
  }
  const std::string input = crypto::base64url(json::serialize(header)) + "." +
                            crypto::base64url(json::serialize(*claims));
  auto signature = jws_signature(auth, input);
  if (!signature) return signature.error();
  return input + "." + *signature;
}

}  // namespace sluice::support::http
