#include "oauth_code.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <boost/json/serialize.hpp>
#include <mutex>

namespace sluice::tools::mock_api {
namespace {

constexpr std::string_view kClientId = "sluice-client";

struct Grant {
  std::string challenge;
  std::string redirect_uri;
};

class Codes {
 public:
  std::string issue(Grant grant) {
    std::lock_guard lock(mutex_);
    std::string code = fmt::format("auth-code-{}", ++count_);
    live_[code] = std::move(grant);
    return code;
  }
  // The grant of `code`, which is spent.
  std::optional<Grant> redeem(const std::string& code) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(code);
    if (it == live_.end()) return std::nullopt;
    Grant grant = std::move(it->second);
    live_.erase(it);
    return grant;
  }

 private:
  std::mutex mutex_;
  int count_ = 0;
  std::map<std::string, Grant> live_;
};

Codes& codes() {
  static Codes instance;
  return instance;
}

std::string param(const Poco::URI::QueryParameters& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return {};
}

Reply refusal(std::string_view code, std::string_view description) {
  return {400, boost::json::serialize(
                   boost::json::object{{"error", code}, {"error_description", description}})};
}

// RFC 7636 §4.2 S256: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), without padding.
std::string s256(const std::string& verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(verifier.data(), verifier.size(), digest, &size, EVP_sha256(), nullptr);
  std::string base64(4 * ((size + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), digest,
                                      static_cast<int>(size));
  base64.resize(static_cast<size_t>(written));
  for (char& c : base64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!base64.empty() && base64.back() == '=') base64.pop_back();
  return base64;
}

std::string with_query(std::string uri, const std::vector<std::pair<std::string, std::string>>& q) {
  Poco::URI out(uri);
  for (const auto& [name, value] : q) out.addQueryParameter(name, value);
  return out.toString();
}

}  // namespace

Reply authorize_endpoint(const Poco::URI::QueryParameters& query) {
  const std::string redirect_uri = param(query, "redirect_uri");
  if (param(query, "client_id") != kClientId) {
    return refusal("unauthorized_client", "unknown client_id");
  }
  if (!redirect_uri.starts_with("http://127.0.0.1:") &&
      !redirect_uri.starts_with("http://[::1]:")) {
    return refusal("invalid_request", "redirect_uri must be a loopback http URI");
  }
  if (param(query, "response_type") != "code") {
    return refusal("unsupported_response_type", "response_type must be code");
  }
  const std::string challenge = param(query, "code_challenge");
  if (challenge.empty() || param(query, "code_challenge_method") != "S256") {
    return refusal("invalid_request", "PKCE required: code_challenge with method S256");
  }
  const std::string state = param(query, "state");
  if (!param(query, "deny").empty()) {
    return {302,
            "",
            {{"Location", with_query(redirect_uri, {{"error", "access_denied"},
                                                    {"error_description", "the user said no"},
                                                    {"state", state}})}}};
  }
  const std::string code = codes().issue(Grant{challenge, redirect_uri});
  return {302, "", {{"Location", with_query(redirect_uri, {{"code", code}, {"state", state}})}}};
}

std::optional<Reply> check_code(const std::map<std::string, std::string>& form) {
  const auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  auto grant = codes().redeem(field("code"));
  if (!grant) return refusal("invalid_grant", "unknown or already used authorization code");
  if (field("redirect_uri") != grant->redirect_uri) {
    return refusal("invalid_grant", "redirect_uri differs from the authorization request's");
  }
  const std::string verifier = field("code_verifier");
  if (verifier.empty()) return refusal("invalid_grant", "code_verifier missing (PKCE)");
  if (s256(verifier) != grant->challenge) {
    return refusal("invalid_grant", "code_verifier does not match the code_challenge");
  }
  return std::nullopt;
}

}  // namespace sluice::tools::mock_api
