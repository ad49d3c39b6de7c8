// Authenticated encryption of secret values at rest: AES-256-GCM, a random 12-byte nonce per
// value and a 16-byte tag, sealed as base64(nonce | ciphertext | tag).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/result.hpp"

namespace sluice::host {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;
  // The environment variable that overrides the key file: 64 hexadecimal digits.
  static constexpr std::string_view kKeyEnvironmentVariable = "SLUICE_SECRET_KEY";
  static constexpr std::string_view kKeyFileName = "secret.key";

  // The key from $SLUICE_SECRET_KEY when set, else from `home`/secret.key, which is created
  // (mode 0600, 32 random bytes hex-encoded, atomically) when missing. A malformed key is an
  // Error naming its source and the expected format. `home` must exist.
  static Result<SecretBox> load(const std::string& home);

  // A box around a raw key; `source` says where the key came from (used in error messages).
  SecretBox(const std::array<uint8_t, kKeySize>& key, std::string source);
  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox();

  // "$SLUICE_SECRET_KEY" or the key file's path.
  const std::string& source() const noexcept { return source_; }

  // Encrypts `plaintext` under a fresh random nonce; base64 text.
  Result<std::string> seal(std::string_view plaintext) const;
  // Decrypts what seal() returned. A wrong key or altered text is an Error saying the secret
  // could not be decrypted, probably because the key changed, naming source().
  Result<std::string> open(std::string_view sealed) const;

 private:
  std::array<uint8_t, kKeySize> key_;
  std::string source_;
};

// Parses exactly 64 hexadecimal digits (either case) into a key; nullopt otherwise.
std::optional<std::array<uint8_t, SecretBox::kKeySize>> parse_hex_key(std::string_view text);

}  // namespace sluice::host
