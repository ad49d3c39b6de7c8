#include "sluice/support/http/auth_digest.hpp"

#include <cctype>
#include <cstdio>

#include "auth_crypto.hpp"

namespace sluice::support::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void skip_space(std::string_view text, size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == ',')) ++at;
}

// The digest of an algorithm name: "MD5" or "SHA256" (OpenSSL's names), empty if unknown.
std::string md_of(std::string_view algorithm) {
  std::string_view base = algorithm;
  if (base.size() > 5 && iequals(base.substr(base.size() - 5), "-sess")) {
    base.remove_suffix(5);
  }
  if (iequals(base, "MD5")) return "MD5";
  if (iequals(base, "SHA-256")) return "SHA256";
  return {};
}

bool is_sess(std::string_view algorithm) {
  return algorithm.size() > 5 && iequals(algorithm.substr(algorithm.size() - 5), "-sess");
}

std::string h(const std::string& md, std::string_view data) {
  return crypto::hex(crypto::digest(md, data));
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<DigestChallenge> parse_digest_challenge(std::string_view value) {
  size_t at = 0;
  skip_space(value, at);
  if (value.size() - at < 7 || !iequals(value.substr(at, 6), "Digest") ||
      (value[at + 6] != ' ' && value[at + 6] != '\t')) {
    return std::nullopt;
  }
  at += 7;
  DigestChallenge challenge;
  bool has_nonce = false;
  std::string algorithm = "MD5";
  // Bounded: every turn consumes at least one character.
  while (at < value.size()) {
    skip_space(value, at);
    const size_t name_start = at;
    while (at < value.size() && value[at] != '=' && value[at] != ' ' && value[at] != ',') ++at;
    const std::string_view name = value.substr(name_start, at - name_start);
    if (at >= value.size() || value[at] != '=') {
      // A bare token: the start of another scheme's challenge. Stop here.
      if (!name.empty()) break;
      continue;
    }
    ++at;
    std::string param;
    if (at < value.size() && value[at] == '"') {
      ++at;
      while (at < value.size() && value[at] != '"') {
        if (value[at] == '\\' && at + 1 < value.size()) ++at;
        param.push_back(value[at++]);
      }
      if (at < value.size()) ++at;  // the closing quote
    } else {
      const size_t start = at;
      while (at < value.size() && value[at] != ',' && value[at] != ' ') ++at;
      param = std::string(value.substr(start, at - start));
    }
    if (iequals(name, "realm")) challenge.realm = param;
    if (iequals(name, "nonce")) {
      challenge.nonce = param;
      has_nonce = true;
    }
    if (iequals(name, "opaque")) challenge.opaque = param;
    if (iequals(name, "algorithm")) algorithm = param;
    if (iequals(name, "stale")) challenge.stale = iequals(param, "true");
    if (iequals(name, "qop")) {
      // A comma-separated list: auth, auth-int.
      for (size_t start = 0; start <= param.size();) {
        size_t end = param.find(',', start);
        if (end == std::string::npos) end = param.size();
        std::string_view one = std::string_view(param).substr(start, end - start);
        while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
        while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
        if (iequals(one, "auth")) challenge.qop_auth = true;
        start = end + 1;
      }
    }
  }
  if (!has_nonce || md_of(algorithm).empty()) return std::nullopt;
  challenge.algorithm = algorithm;
  return challenge;
}

std::optional<DigestChallenge> digest_challenge_of(const Response& response) {
  std::optional<DigestChallenge> best;
  for (const Header& header : response.headers) {
    if (!iequals(header.name, "WWW-Authenticate")) continue;
    auto challenge = parse_digest_challenge(header.value);
    if (!challenge) continue;
    if (!best || (md_of(challenge->algorithm) == "SHA256" && md_of(best->algorithm) == "MD5")) {
      best = std::move(challenge);
    }
  }
  return best;
}

std::string digest_authorization(const DigestChallenge& challenge, const DigestAnswer& answer) {
  const std::string md = md_of(challenge.algorithm);
  std::string ha1 = h(md, std::string(answer.username) + ":" + challenge.realm + ":" +
                              std::string(answer.password));
  if (is_sess(challenge.algorithm)) {
    ha1 = h(md, ha1 + ":" + challenge.nonce + ":" + std::string(answer.cnonce));
  }
  const std::string ha2 = h(md, std::string(answer.method) + ":" + std::string(answer.uri));
  char nc[9];
  std::snprintf(nc, sizeof nc, "%08x", answer.nonce_count);
  const std::string response = challenge.qop_auth
                                   ? h(md, ha1 + ":" + challenge.nonce + ":" + nc + ":" +
                                               std::string(answer.cnonce) + ":auth:" + ha2)
                                   : h(md, ha1 + ":" + challenge.nonce + ":" + ha2);
  std::string out = "Digest username=" + quoted(answer.username) +
                    ", realm=" + quoted(challenge.realm) + ", uri=" + quoted(answer.uri) +
                    ", algorithm=" + challenge.algorithm + ", nonce=" + quoted(challenge.nonce);
  if (challenge.qop_auth) {
    out += ", nc=" + std::string(nc) + ", cnonce=" + quoted(answer.cnonce) + ", qop=auth";
  }
  out += ", response=" + quoted(response);
  if (!challenge.opaque.empty()) out += ", opaque=" + quoted(challenge.opaque);
  return out;
}

bool DigestSession::take_challenge(const Response& response) {
  auto challenge = digest_challenge_of(response);
  if (!challenge) return false;
  std::lock_guard lock(mutex_);
  if (challenge_ && challenge_->nonce == challenge->nonce && !challenge->stale) return false;
  challenge_ = std::move(challenge);
  nonce_count_ = 0;
  return true;
}

std::optional<Header> DigestSession::authorize(const BasicAuth& credentials,
                                               std::string_view method, std::string_view uri) {
  DigestChallenge challenge;
  uint32_t count = 0;
  {
    std::lock_guard lock(mutex_);
    if (!challenge_) return std::nullopt;
    challenge = *challenge_;
    count = ++nonce_count_;
  }
  const std::string cnonce = crypto::hex(crypto::random_bytes(16));
  return Header{"Authorization", digest_authorization(challenge, {.username = credentials.username,
                                                                  .password = credentials.password,
                                                                  .method = method,
                                                                  .uri = uri,
                                                                  .nonce_count = count,
                                                                  .cnonce = cnonce})};
}

}  // namespace sluice::support::http
