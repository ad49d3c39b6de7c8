#include "auth.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/MD5Engine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>
#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <chrono>
#include <ctime>
#include <optional>
#include <sstream>
#include <vector>

namespace sluice::tools::mock_api {
namespace {

namespace json = boost::json;
using Params = std::vector<std::pair<std::string, std::string>>;

Reply refused(std::string_view why) { return {401, error_json(why)}; }

Reply accepted(std::string_view type, std::string_view user) {
  return {200,
          json::serialize(json::object{{"authenticated", true}, {"type", type}, {"user", user}})};
}

std::string to_base64(std::string_view bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

std::optional<std::string> from_base64(std::string_view text, bool url) {
  std::string padded(text);
  if (url) {
    for (char& c : padded) {
      if (c == '-') c = '+';
      if (c == '_') c = '/';
    }
    while (padded.size() % 4 != 0) padded.push_back('=');
  }
  try {
    std::istringstream in(padded);
    Poco::Base64Decoder decoder(in);
    std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string poco_hex(Poco::DigestEngine& engine, std::string_view data) {
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string poco_raw(Poco::DigestEngine& engine, std::string_view data) {
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  const Poco::DigestEngine::Digest& d = engine.digest();
  return std::string(d.begin(), d.end());
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// The name="value" / name=value parameters after an auth scheme, unquoted.
std::map<std::string, std::string> auth_params(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == ' ' || text[at] == ',')) ++at;
    const size_t eq = text.find('=', at);
    if (eq == std::string_view::npos) break;
    std::string name(text.substr(at, eq - at));
    at = eq + 1;
    std::string value;
    if (at < text.size() && text[at] == '"') {
      ++at;
      while (at < text.size() && text[at] != '"') {
        if (text[at] == '\\' && at + 1 < text.size()) ++at;
        value.push_back(text[at++]);
      }
      ++at;
    } else {
      const size_t end = std::min(text.find(',', at), text.size());
      value = std::string(text.substr(at, end - at));
      at = end;
    }
    out[name] = value;
  }
  return out;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// RFC 3986 unreserved kept, every other byte %XX upper-case (RFC 5849 §3.6).
std::string oauth_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string url_decode(std::string_view text, bool plus_is_space) {
  std::string raw(text);
  if (plus_is_space) {
    for (char& c : raw) {
      if (c == '+') c = ' ';
    }
  }
  std::string out;
  Poco::URI::decode(raw, out);
  return out;
}

void form_params(std::string_view text, Params& out) {
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('&', start), text.size());
    const std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out.emplace_back(url_decode(pair.substr(0, eq), true),
                       eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1), true));
    }
    start = end + 1;
  }
}

const EVP_MD* md_named(std::string_view name) {
  return EVP_get_digestbyname(std::string(name).c_str());
}

bool verify(EVP_PKEY* key, std::string_view md, std::string_view data, std::string_view signature,
            bool pss = false) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, md_named(md), nullptr, key) != 1) return false;
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

std::string openssl_hmac(std::string_view md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(md_named(md), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string private_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

struct AuthChecks::Keys {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> rsa{EVP_RSA_gen(2048), &EVP_PKEY_free};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ec{EVP_EC_gen("P-256"), &EVP_PKEY_free};
};

AuthChecks::AuthChecks() = default;
AuthChecks::~AuthChecks() = default;

AuthChecks::Keys& AuthChecks::keys() {
  std::lock_guard lock(mutex_);
  if (!keys_) keys_ = std::make_unique<Keys>();
  return *keys_;
}

Reply AuthChecks::handle(const Poco::Net::HTTPServerRequest& request, std::string_view body) {
  const std::string path = Poco::URI(request.getURI()).getPath();
  if (path == "/_mock/auth/keys") {
    Keys& k = keys();
    return {200, json::serialize(json::object{{"rsaPrivateKey", private_pem(k.rsa.get())},
                                              {"ecPrivateKey", private_pem(k.ec.get())}})};
  }
  if (path.starts_with("/auth/digest/md5/")) return digest(request, false);
  if (path.starts_with("/auth/digest/sha256/")) return digest(request, true);
  if (path == "/auth/wsse") return wsse(request);
  if (path.starts_with("/auth/oauth1/")) return oauth1(request, body);
  if (path == "/auth/jwt") return jwt(request);
  return {404, error_json(fmt::format("no such auth endpoint: {}", path))};
}

Reply AuthChecks::digest(const Poco::Net::HTTPServerRequest& request, bool sha256) {
  const std::string algorithm = sha256 ? "SHA-256" : "MD5";
  auto challenge = [&](std::string_view why) {
    const std::string nonce = random_hex(16);
    {
      std::lock_guard lock(mutex_);
      digest_nonces_[nonce] = 0;
    }
    Reply reply = refused(why);
    reply.headers.emplace_back(
        "WWW-Authenticate",
        fmt::format("Digest realm=\"{}\", qop=\"auth\", algorithm={}, nonce=\"{}\", "
                    "opaque=\"mock-opaque\"",
                    kDigestRealm, algorithm, nonce));
    return reply;
  };
  const std::string header = request.get("Authorization", std::string());
  if (!header.starts_with("Digest ")) return challenge("digest credentials required");
  auto p = auth_params(std::string_view(header).substr(7));
  if (p["username"] != kDigestUser) return challenge("unknown digest user");
  if (p["realm"] != kDigestRealm || p["opaque"] != "mock-opaque" || p["qop"] != "auth" ||
      p["algorithm"] != algorithm || p["uri"] != request.getURI()) {
    return challenge(
        fmt::format("digest parameters do not answer the challenge (realm, opaque, "
                    "qop=auth, algorithm={}, uri={})",
                    algorithm, request.getURI()));
  }
  const unsigned long nc = std::strtoul(p["nc"].c_str(), nullptr, 16);
  {
    std::lock_guard lock(mutex_);
    auto it = digest_nonces_.find(p["nonce"]);
    if (it == digest_nonces_.end()) return challenge("digest nonce was never issued");
    if (nc <= it->second) return challenge("digest nonce count did not grow (a replay)");
    it->second = nc;
  }
  auto h = [&](const std::string& text) {
    if (sha256) {
      Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
      return poco_hex(engine, text);
    }
    Poco::MD5Engine engine;
    return poco_hex(engine, text);
  };
  const std::string ha1 = h(fmt::format("{}:{}:{}", kDigestUser, kDigestRealm, kDigestPassword));
  const std::string ha2 = h(request.getMethod() + ":" + p["uri"]);
  const std::string expected =
      h(fmt::format("{}:{}:{}:{}:auth:{}", ha1, p["nonce"], p["nc"], p["cnonce"], ha2));
  if (p["response"] != expected) return challenge("digest response does not match the password");
  return accepted("digest", kDigestUser);
}

Reply AuthChecks::wsse(const Poco::Net::HTTPServerRequest& request) {
  const std::string header = request.get("X-WSSE", std::string());
  if (!header.starts_with("UsernameToken ")) {
    return refused("X-WSSE: UsernameToken ... header required");
  }
  auto p = auth_params(std::string_view(header).substr(14));
  if (p["Username"] != kWsseUser) return refused("unknown WSSE user");
  const auto nonce = from_base64(p["Nonce"], false);
  if (!nonce || nonce->empty()) return refused("WSSE Nonce is not base64");
  std::tm tm{};
  if (strptime(p["Created"].c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    return refused("WSSE Created is not an ISO 8601 UTC time");
  }
  const int64_t created = timegm(&tm);
  if (created < now_seconds() - 300 || created > now_seconds() + 300) {
    return refused("WSSE Created is more than 5 minutes away from the server's time");
  }
  Poco::SHA1Engine sha1;
  const std::string expected =
      to_base64(poco_raw(sha1, *nonce + p["Created"] + std::string(kWssePassword)));
  if (p["PasswordDigest"] != expected) return refused("WSSE PasswordDigest does not match");
  {
    std::lock_guard lock(mutex_);
    if (!wsse_nonces_.insert(*nonce).second) return refused("WSSE Nonce was used before");
  }
  return accepted("wsse", kWsseUser);
}

Reply AuthChecks::oauth1(const Poco::Net::HTTPServerRequest& request, std::string_view body) {
  const std::string header = request.get("Authorization", std::string());
  if (!header.starts_with("OAuth ")) return refused("Authorization: OAuth ... required");
  auto p = auth_params(std::string_view(header).substr(6));
  for (auto& [name, value] : p) value = url_decode(value, false);
  if (p["oauth_consumer_key"] != kOAuth1ConsumerKey) return refused("unknown oauth_consumer_key");
  if (p["oauth_token"] != kOAuth1Token) return refused("unknown oauth_token");
  const int64_t timestamp = std::atoll(p["oauth_timestamp"].c_str());
  if (timestamp < now_seconds() - 300 || timestamp > now_seconds() + 300) {
    return refused("oauth_timestamp is more than 5 minutes away from the server's time");
  }
  // RFC 5849 §3.4.1, from what arrived.
  const std::string target = request.getURI();
  const size_t q = target.find('?');
  Params params;
  if (q != std::string::npos) form_params(std::string_view(target).substr(q + 1), params);
  if (request.getContentType().starts_with("application/x-www-form-urlencoded")) {
    form_params(body, params);
  }
  for (const auto& [name, value] : p) {
    if (name != "realm" && name != "oauth_signature") params.emplace_back(name, value);
  }
  std::vector<std::string> pairs;
  for (const auto& [name, value] : params) {
    pairs.push_back(oauth_encode(name) + "=" + oauth_encode(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string normalized;
  for (const std::string& pair : pairs) normalized += (normalized.empty() ? "" : "&") + pair;
  const std::string uri = "http://" + request.getHost() + target.substr(0, q);
  const std::string base =
      request.getMethod() + "&" + oauth_encode(uri) + "&" + oauth_encode(normalized);
  const std::string method = p["oauth_signature_method"];
  const auto signature = from_base64(p["oauth_signature"], false);
  if (!signature) return refused("oauth_signature is not base64");
  const std::string key =
      oauth_encode(kOAuth1ConsumerSecret) + "&" + oauth_encode(kOAuth1TokenSecret);
  bool ok = false;
  if (method == "HMAC-SHA1") {
    Poco::HMACEngine<Poco::SHA1Engine> hmac(key);
    ok = poco_raw(hmac, base) == *signature;
  } else if (method == "HMAC-SHA256" || method == "HMAC-SHA512") {
    ok = openssl_hmac(method.substr(5), key, base) == *signature;
  } else if (method == "RSA-SHA1" || method == "RSA-SHA256" || method == "RSA-SHA512") {
    ok = verify(keys().rsa.get(), method.substr(4), base, *signature);
  } else {
    return refused(fmt::format("oauth_signature_method {} is not accepted", method));
  }
  if (!ok) return refused("oauth_signature does not match the request (base string " + base + ")");
  return accepted("oauth1", kOAuth1ConsumerKey);
}

Reply AuthChecks::jwt(const Poco::Net::HTTPServerRequest& request) {
  const std::string header = request.get("Authorization", std::string());
  if (!header.starts_with("Bearer ")) return refused("Authorization: Bearer <JWT> required");
  const std::string token = header.substr(7);
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.rfind('.');
  if (dot1 == std::string::npos || dot1 == dot2) return refused("the bearer token is not a JWT");
  const auto head_text = from_base64(token.substr(0, dot1), true);
  const auto claims_text = from_base64(token.substr(dot1 + 1, dot2 - dot1 - 1), true);
  const auto signature = from_base64(token.substr(dot2 + 1), true);
  if (!head_text || !claims_text || !signature) return refused("the JWT is not base64url");
  boost::system::error_code ec;
  json::value head = json::parse(*head_text, ec);
  if (ec || !head.is_object()) return refused("the JWT header is not a JSON object");
  json::value claims = json::parse(*claims_text, ec);
  if (ec || !claims.is_object()) return refused("the JWT claims are not a JSON object");
  const json::string* alg = head.as_object().at("alg").if_string();
  if (alg == nullptr) return refused("the JWT header has no alg");
  const std::string input = token.substr(0, dot2);
  const std::string md = "SHA" + std::string(alg->subview().substr(2));
  bool ok = false;
  if (*alg == "HS256" || *alg == "HS384" || *alg == "HS512") {
    ok = openssl_hmac(md, kJwtSecret, input) == *signature;
  } else if (*alg == "RS256" || *alg == "RS384" || *alg == "RS512") {
    ok = verify(keys().rsa.get(), md, input, *signature);
  } else if (*alg == "PS256" || *alg == "PS384" || *alg == "PS512") {
    ok = verify(keys().rsa.get(), md, input, *signature, true);
  } else if (*alg == "ES256") {
    if (signature->size() != 64) return refused("an ES256 signature has 64 bytes");
    const auto* bytes = reinterpret_cast<const unsigned char*>(signature->data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr));
    unsigned char* der = nullptr;
    const int size = i2d_ECDSA_SIG(sig, &der);
    ok = verify(keys().ec.get(), md, input,
                std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(size)));
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
  } else {
    return refused(fmt::format("JWT alg {} is not accepted", alg->subview()));
  }
  if (!ok) return refused(fmt::format("the JWT signature ({}) does not verify", alg->subview()));
  const json::object& c = claims.as_object();
  const json::value* iss = c.if_contains("iss");
  if (iss == nullptr || *iss != json::value(kJwtIssuer)) {
    return refused(fmt::format("the JWT's iss must be \"{}\"", kJwtIssuer));
  }
  const json::value* iat = c.if_contains("iat");
  const json::value* exp = c.if_contains("exp");
  if (iat == nullptr || !iat->is_int64() || iat->as_int64() > now_seconds() + 60) {
    return refused("the JWT's iat is missing or in the future");
  }
  if (exp == nullptr || !exp->is_int64() || exp->as_int64() <= now_seconds()) {
    return refused("the JWT's exp is missing or past: the token expired");
  }
  return accepted("jwt", kJwtIssuer);
}

}  // namespace sluice::tools::mock_api
