#include "serve/webhook/verify.hpp"

#include <strings.h>

#include <chrono>
#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <boost/json/parse.hpp>

#include "serve/webhook/body.hpp"
#include "sluice/json_path.hpp"

namespace sluice::serve::webhook {

namespace {

Error refused(std::string message) { return make_error(Status::kAuthFailed, std::move(message)); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

// Constant-time equality of two secrets of any lengths.
bool secure_equals(std::string_view a, std::string_view b) {
  const std::string da = sha256(a), db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string to_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Decodes standard base64 (padding required); nullopt when malformed.
std::optional<std::string> from_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t size = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;  // padding decodes as 0
  out.resize(size);
  return out;
}

int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A decimal Unix time within the tolerance of now.
Result<void> check_timestamp(std::string_view text, const VerifyOptions& options,
                             std::string_view what) {
  int64_t at = 0;
  if (text.empty() || text.size() > 18) return refused(std::string(what) + " is malformed");
  for (char c : text) {
    if (c < '0' || c > '9') return refused(std::string(what) + " is malformed");
    at = at * 10 + (c - '0');
  }
  const int64_t now = options.now_seconds ? options.now_seconds() : system_now();
  if (std::llabs(now - at) > options.tolerance_seconds) {
    return refused(std::string(what) + " is " + std::to_string(now - at) +
                   " s from now, more than the tolerance of " +
                   std::to_string(options.tolerance_seconds) + " s");
  }
  return {};
}

Result<void> verify_token(const VerifySettings& s, const HttpRequest& request) {
  std::optional<std::string> given;
  switch (s.token_location) {
    case TokenLocation::kHeader: {
      std::optional<std::string> value = request.header(s.token_header_name);
      if (!value) return refused("no " + s.token_header_name + " header");
      std::string_view text = trim(*value);
      if (!s.token_scheme.empty()) {
        if (text.size() <= s.token_scheme.size() ||
            !iequals(text.substr(0, s.token_scheme.size()), s.token_scheme) ||
            text[s.token_scheme.size()] != ' ') {
          return refused("the " + s.token_header_name + " header lacks the scheme " +
                         s.token_scheme);
        }
        text = trim(text.substr(s.token_scheme.size() + 1));
      }
      given = std::string(text);
      break;
    }
    case TokenLocation::kQueryParam:
      given = request.query_value(s.token_query_param_name);
      if (!given) return refused("no query parameter " + s.token_query_param_name);
      break;
    case TokenLocation::kBody: {
      auto payload = parse_body(request, "");
      if (!payload) return refused("the body holding the token is unreadable");
      const boost::json::value* at = find_path(*payload, s.path);
      if (at == nullptr || !at->is_string()) return refused("no string token at " + s.path);
      given = std::string(at->as_string());
      break;
    }
  }
  if (!secure_equals(*given, s.token)) return refused("the token does not match");
  return {};
}

Result<void> verify_hmac(const VerifySettings& s, const HttpRequest& request) {
  std::optional<std::string> value = request.header(s.header);
  if (!value) return refused("no " + s.header + " header");
  std::string_view given = trim(*value);
  const std::string prefix = s.algorithm + "=";
  if (given.size() > prefix.size() && iequals(given.substr(0, prefix.size()), prefix)) {
    given.remove_prefix(prefix.size());
  }
  const std::string mac = hmac(s.algorithm, s.key, request.body);
  const std::string expected = s.base64 ? to_base64(mac) : to_hex(mac);
  const std::string normal = s.base64 ? std::string(given) : lower(given);
  if (!secure_equals(normal, expected)) return refused("the " + s.header + " signature differs");
  return {};
}

Result<void> verify_basic(const VerifySettings& s, const HttpRequest& request) {
  std::optional<std::string> value = request.header("Authorization");
  if (!value) return refused("no Authorization header");
  std::string_view text = trim(*value);
  if (text.size() < 6 || !iequals(text.substr(0, 6), "Basic ")) {
    return refused("the Authorization header is not Basic");
  }
  std::optional<std::string> pair = from_base64(trim(text.substr(6)));
  if (!pair) return refused("the Basic credentials are not base64");
  const size_t colon = pair->find(':');
  if (colon == std::string::npos) return refused("the Basic credentials lack a ':'");
  const bool user = secure_equals(std::string_view(*pair).substr(0, colon), s.username);
  const bool pass = secure_equals(std::string_view(*pair).substr(colon + 1), s.password);
  if (!(user & pass)) return refused("the Basic credentials do not match");
  return {};
}

Result<void> verify_stripe(const VerifySettings& s, const HttpRequest& request,
                           const VerifyOptions& options) {
  std::optional<std::string> value = request.header("Stripe-Signature");
  if (!value) return refused("no Stripe-Signature header");
  std::string_view rest = *value;
  std::string timestamp;
  std::vector<std::string> signatures;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = item.substr(0, eq), text = item.substr(eq + 1);
    if (name == "t") timestamp = std::string(text);
    if (name == "v1") signatures.push_back(lower(text));
  }
  if (timestamp.empty()) return refused("the Stripe-Signature header has no t=");
  if (signatures.empty()) return refused("the Stripe-Signature header has no v1=");
  auto fresh = check_timestamp(timestamp, options, "the Stripe-Signature timestamp");
  if (!fresh) return fresh.error();
  const std::string expected = to_hex(hmac("sha256", s.key, timestamp + "." + request.body));
  bool matched = false;
  for (const std::string& signature : signatures) matched |= secure_equals(signature, expected);
  if (!matched) return refused("no v1 signature of the Stripe-Signature header matches");
  return {};
}

Result<void> verify_slack(const VerifySettings& s, const HttpRequest& request,
                          const VerifyOptions& options) {
  std::optional<std::string> timestamp = request.header("X-Slack-Request-Timestamp");
  if (!timestamp) return refused("no X-Slack-Request-Timestamp header");
  std::optional<std::string> signature = request.header("X-Slack-Signature");
  if (!signature) return refused("no X-Slack-Signature header");
  auto fresh = check_timestamp(trim(*timestamp), options, "X-Slack-Request-Timestamp");
  if (!fresh) return fresh.error();
  const std::string base = "v0:" + std::string(trim(*timestamp)) + ":" + request.body;
  const std::string expected = "v0=" + to_hex(hmac("sha256", s.key, base));
  if (!secure_equals(lower(trim(*signature)), expected)) {
    return refused("the X-Slack-Signature signature differs");
  }
  return {};
}

Result<void> verify_secret_url(const VerifySettings& s, const HttpRequest& request) {
  auto found = request.params.find("token");
  if (found == request.params.end()) return refused("the URL has no token segment");
  if (!secure_equals(found->second, s.token)) return refused("the URL's token does not match");
  return {};
}

}  // namespace

std::string hmac(std::string_view algorithm, std::string_view key, std::string_view data) {
  const EVP_MD* md = algorithm == "sha1"     ? EVP_sha1()
                     : algorithm == "sha256" ? EVP_sha256()
                     : algorithm == "sha384" ? EVP_sha384()
                     : algorithm == "sha512" ? EVP_sha512()
                                             : nullptr;
  if (md == nullptr) return {};
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &size) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

Result<void> verify_request(const VerifySettings& settings, const HttpRequest& request,
                            const VerifyOptions& options) {
  switch (settings.method) {
    case Method::kToken:
      return verify_token(settings, request);
    case Method::kHmac:
      return verify_hmac(settings, request);
    case Method::kBasic:
      return verify_basic(settings, request);
    case Method::kSecretUrl:
      return verify_secret_url(settings, request);
    case Method::kStripe:
      return verify_stripe(settings, request, options);
    case Method::kSlack:
      return verify_slack(settings, request, options);
  }
  return refused("unknown verification method");
}

}  // namespace sluice::serve::webhook
