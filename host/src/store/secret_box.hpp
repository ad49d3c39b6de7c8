// Authenticated encryption of secret values at rest: AES-256-GCM, a random 12-byte nonce per
// value and a 16-byte tag, with associated data that binds the value to where it belongs (the
// store binds each secret to its resource kind, id and field path). Sealed text is
// "v2:" + base64(nonce | ciphertext | tag). Sluice before v2 sealed base64(nonce | ciphertext |
// tag) without associated data; open_unbound() reads that format, for the store's migration only.
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

  // The key from $SLUICE_SECRET_KEY when set, else from `home`/secret.key. `home` must exist.
  //  - A key file that group or others may read or write is refused, as ssh refuses such a
  //    private key: the Error names the file, its mode and `chmod 600 FILE`.
  //  - A missing key file is created (mode 0600, 32 random bytes hex-encoded, atomically) only
  //    when `may_create` (the store is being created); otherwise it is an Error saying where the
  //    key was expected and how to supply it — never a new key beside an old store.
  //  - A malformed key is an Error naming its source and the expected format.
  static Result<SecretBox> load(const std::string& home, bool may_create = true);

  // A box around a raw key; `source` says where the key came from (used in error messages).
  SecretBox(const std::array<uint8_t, kKeySize>& key, std::string source);
  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox();

  // "$SLUICE_SECRET_KEY" or the key file's path.
  const std::string& source() const noexcept { return source_; }

  static constexpr std::string_view kSealedPrefix = "v2:";

  // Encrypts `plaintext` under a fresh random nonce, authenticating `associated_data` with it;
  // "v2:" + base64 text.
  Result<std::string> seal(std::string_view plaintext, std::string_view associated_data = {}) const;
  // Decrypts what seal() returned for the same `associated_data`. A wrong key, other associated
  // data (a value copied from another resource or field) or altered text is an Error saying the
  // secret could not be decrypted and why that may be, naming source(); text in the format
  // before v2 is an Error too.
  Result<std::string> open(std::string_view sealed, std::string_view associated_data = {}) const;
  // Decrypts text in the format before v2 (no prefix, no associated data).
  Result<std::string> open_unbound(std::string_view sealed) const;
  // True for text in the format before v2 (no "v2:" prefix).
  static bool is_unbound(std::string_view sealed) noexcept {
    return !sealed.starts_with(kSealedPrefix);
  }

 private:
  Result<std::string> decrypt(std::string_view base64_text, std::string_view associated_data) const;

  std::array<uint8_t, kKeySize> key_;
  std::string source_;
};

// Parses exactly 64 hexadecimal digits (either case) into a key; nullopt otherwise.
std::optional<std::array<uint8_t, SecretBox::kKeySize>> parse_hex_key(std::string_view text);

}  // namespace sluice::host
