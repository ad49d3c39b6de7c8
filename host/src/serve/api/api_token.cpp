#include "serve/api/api_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cctype>

namespace sluice::serve {

namespace {

constexpr size_t kTokenBytes = 32;
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* data, size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  for (size_t i = 0; i < size; i += 3) {
    const uint32_t n = (uint32_t{data[i]} << 16) | (i + 1 < size ? uint32_t{data[i + 1]} << 8 : 0) |
                       (i + 2 < size ? uint32_t{data[i + 2]} : 0);
    out += kBase64Url[(n >> 18) & 63];
    out += kBase64Url[(n >> 12) & 63];
    if (i + 1 < size) out += kBase64Url[(n >> 6) & 63];
    if (i + 2 < size) out += kBase64Url[n & 63];
  }
  return out;
}

}  // namespace

Result<std::string> generate_api_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return make_error(Status::kInternal,
                      "cannot make an API token: OpenSSL has no random bytes to give (RAND_bytes "
                      "failed); try again once the system's entropy source works");
  }
  std::string token(kApiTokenPrefix);
  token += base64url(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string api_token_hash(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::optional<std::string> matching_api_token(std::string_view presented,
                                              const std::vector<host::ApiToken>& tokens) {
  const std::string hash = api_token_hash(presented);
  std::optional<std::string> found;
  for (const host::ApiToken& token : tokens) {
    // Hashes are all 64 characters; a damaged row of another length never matches.
    if (token.hash.size() != hash.size()) continue;
    if (CRYPTO_memcmp(token.hash.data(), hash.data(), hash.size()) == 0 && !found) {
      found = token.name;
    }
  }
  return found;
}

std::optional<std::string> bearer_token(const HttpRequest& request) {
  const std::optional<std::string> header = request.header("Authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return std::nullopt;
  }
  std::string token = header->substr(kScheme.size());
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.erase(0, 1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace sluice::serve
