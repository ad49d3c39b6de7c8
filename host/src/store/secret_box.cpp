#include "store/secret_box.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace sluice::host {

namespace {

using Key = std::array<uint8_t, SecretBox::kKeySize>;

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

// Closes a POSIX file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  // Closes now; returns false (errno set) when close() failed.
  bool close() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

std::string to_hex(const Key& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(key.size() * 2);
  for (const uint8_t byte : key) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0f]);
  }
  return hex;
}

std::string base64_encode(const std::string& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(length));
  return text;
}

// Strict base64 with padding; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  if (text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
      std::string_view::npos) {
    return std::nullopt;
  }
  const size_t first_padding = text.find('=');
  if (first_padding != std::string_view::npos &&
      (first_padding < text.size() - 2 ||
       text.find_first_not_of('=', first_padding) != std::string_view::npos)) {
    return std::nullopt;
  }
  std::string bytes(3 * text.size() / 4, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  bytes.resize(static_cast<size_t>(length) - padding);
  return bytes;
}

Error key_error(std::string message) {
  return make_error(Status::kInvalidConfig, std::move(message));
}

Result<SecretBox> key_from_environment(std::string_view text) {
  const std::string_view trimmed = trim(text);
  auto key = parse_hex_key(trimmed);
  if (!key) {
    return key_error(fmt::format(
        "${} is malformed: expected 64 hexadecimal digits (a 32-byte key, e.g. from `openssl "
        "rand -hex 32`), got {} characters — fix or unset it",
        SecretBox::kKeyEnvironmentVariable, trimmed.size()));
  }
  return SecretBox(*key, fmt::format("${}", SecretBox::kKeyEnvironmentVariable));
}

// Reads an existing key file; nullopt when it does not exist.
Result<std::optional<SecretBox>> read_key_file(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<SecretBox>();
    return key_error(fmt::format("cannot read key file {}: {} — check its permissions", path,
                                 std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return key_error(fmt::format("cannot read key file {}: {}", path, std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) {
    return key_error(
        fmt::format("key file {} is not a regular file — replace it with the key "
                    "file (mode 0600), or set ${}",
                    path, SecretBox::kKeyEnvironmentVariable));
  }
  if ((info.st_mode & 077) != 0) {
    return key_error(fmt::format(
        "key file {} has mode {:04o}: it must not be readable or writable by group or others "
        "(anyone who can read it can read every stored secret) — run `chmod 600 {}`; if others "
        "may already have read it, also rotate the secrets stored with it",
        path, info.st_mode & 07777, path));
  }
  std::string text;
  char buffer[256];
  while (true) {
    const ssize_t count = ::read(fd.get(), buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) continue;
      return key_error(fmt::format("cannot read key file {}: {}", path, std::strerror(errno)));
    }
    if (count == 0) break;
    text.append(buffer, static_cast<size_t>(count));
    if (text.size() > 4096) break;
  }
  const std::string_view trimmed = trim(text);
  auto key = parse_hex_key(trimmed);
  OPENSSL_cleanse(text.data(), text.size());
  OPENSSL_cleanse(buffer, sizeof buffer);
  if (!key) {
    return key_error(fmt::format(
        "key file {} is malformed: expected 64 hexadecimal digits (a 32-byte key), found {} "
        "characters — restore the original file (the store's secrets can only be read with it), "
        "or set ${}",
        path, trimmed.size(), SecretBox::kKeyEnvironmentVariable));
  }
  return std::optional<SecretBox>(SecretBox(*key, path));
}

// Writes a fresh random key to `path`, atomically: a temporary file (0600) is linked into place,
// so a concurrent creator's key is never overwritten. nullopt when another process won the race.
Result<std::optional<SecretBox>> create_key_file(const std::string& home, const std::string& path) {
  Key key;
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    return make_error(Status::kInternal,
                      "cannot generate a secret key: the system random "
                      "number generator failed");
  }
  std::string hex = to_hex(key) + "\n";
  SecretBox box(key, path);
  OPENSSL_cleanse(key.data(), key.size());
  std::array<uint8_t, 8> suffix;
  if (RAND_bytes(suffix.data(), static_cast<int>(suffix.size())) != 1) suffix.fill(0);
  // Unique per attempt, so concurrent creators (threads or processes) never share it.
  const std::string temporary = fmt::format("{}/.{}.{}.{:02x}.tmp", home, SecretBox::kKeyFileName,
                                            ::getpid(), fmt::join(suffix, ""));
  bool created = false;
  auto fail = [&](std::string_view what) -> Error {
    const int saved = errno;
    if (created) ::unlink(temporary.c_str());
    OPENSSL_cleanse(hex.data(), hex.size());
    return key_error(
        fmt::format("cannot create key file {}: {} failed: {} — check that the "
                    "directory {} is writable, or set ${}",
                    path, what, std::strerror(saved), home, SecretBox::kKeyEnvironmentVariable));
  };
  FileDescriptor fd(
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return fail("open");
  created = true;
  if (::fchmod(fd.get(), 0600) != 0) return fail("chmod");
  size_t written = 0;
  while (written < hex.size()) {
    const ssize_t count = ::write(fd.get(), hex.data() + written, hex.size() - written);
    if (count < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    written += static_cast<size_t>(count);
  }
  if (::fsync(fd.get()) != 0) return fail("fsync");
  if (!fd.close()) return fail("close");
  OPENSSL_cleanse(hex.data(), hex.size());
  if (::link(temporary.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) {
      ::unlink(temporary.c_str());
      return std::optional<SecretBox>();
    }
    return fail("link");
  }
  ::unlink(temporary.c_str());
  FileDescriptor directory(::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() >= 0) ::fsync(directory.get());
  return std::optional<SecretBox>(std::move(box));
}

}  // namespace

std::optional<Key> parse_hex_key(std::string_view text) {
  if (text.size() != 2 * SecretBox::kKeySize) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Key key;
  for (size_t i = 0; i < key.size(); ++i) {
    const int high = digit(text[2 * i]);
    const int low = digit(text[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    key[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return key;
}

Result<SecretBox> SecretBox::load(const std::string& home, bool may_create) {
  const std::string variable(kKeyEnvironmentVariable);
  if (const char* text = std::getenv(variable.c_str()); text != nullptr && *text != '\0') {
    return key_from_environment(text);
  }
  const std::string path = fmt::format("{}/{}", home, kKeyFileName);
  // Create-or-read; a second read covers losing the creation race to another process.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto existing = read_key_file(path);
    if (!existing) return existing.error();
    if (*existing) return std::move(**existing);
    if (!may_create) {
      return key_error(fmt::format(
          "the key of the existing store in {} was expected in {}, which does not exist — "
          "restore that file (mode 0600), or set ${} to the key the store was written with "
          "(64 hexadecimal digits); a new key cannot read the stored secrets, so none is made",
          home, path, kKeyEnvironmentVariable));
    }
    auto created = create_key_file(home, path);
    if (!created) return created.error();
    if (*created) return std::move(**created);
  }
  return key_error(
      fmt::format("cannot create or read key file {} — check that {} is writable", path, home));
}

SecretBox::SecretBox(const Key& key, std::string source) : key_(key), source_(std::move(source)) {}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<std::string> SecretBox::seal(std::string_view plaintext,
                                    std::string_view associated_data) const {
  std::string bytes(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(bytes.data());
  auto* ciphertext = nonce + kNonceSize;
  auto* tag = ciphertext + plaintext.size();
  auto failed = [] {
    return make_error(Status::kInternal, "cannot encrypt a secret: OpenSSL AES-256-GCM failed");
  };
  if (RAND_bytes(nonce, static_cast<int>(kNonceSize)) != 1) return failed();
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, key_.data(), nonce) != 1 ||
      (!associated_data.empty() &&
       EVP_EncryptUpdate(context.get(), nullptr, &length,
                         reinterpret_cast<const unsigned char*>(associated_data.data()),
                         static_cast<int>(associated_data.size())) != 1) ||
      EVP_EncryptUpdate(context.get(), ciphertext, &length,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), ciphertext + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag) !=
          1) {
    return failed();
  }
  return std::string(kSealedPrefix) + base64_encode(bytes);
}

Result<std::string> SecretBox::open(std::string_view sealed,
                                    std::string_view associated_data) const {
  if (is_unbound(sealed)) {
    return make_error(Status::kInvalidConfig,
                      "a stored secret is in the format before v2, not bound to its resource and "
                      "field — open the store with this Sluice once (it converts every secret), "
                      "or re-apply the resource with its secret values");
  }
  return decrypt(sealed.substr(kSealedPrefix.size()), associated_data);
}

Result<std::string> SecretBox::open_unbound(std::string_view sealed) const {
  return decrypt(sealed, {});
}

Result<std::string> SecretBox::decrypt(std::string_view text,
                                       std::string_view associated_data) const {
  const auto bytes = base64_decode(text);
  if (!bytes || bytes->size() < kNonceSize + kTagSize) {
    return make_error(Status::kInternal,
                      "a stored secret is damaged (not valid sealed text) — re-apply the resource "
                      "with its secret values");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(bytes->data());
  const auto* ciphertext = nonce + kNonceSize;
  const size_t ciphertext_size = bytes->size() - kNonceSize - kTagSize;
  const auto* tag = ciphertext + ciphertext_size;
  std::string plaintext(ciphertext_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  const bool ok =
      context &&
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                          nullptr) == 1 &&
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, key_.data(), nonce) == 1 &&
      (associated_data.empty() ||
       EVP_DecryptUpdate(context.get(), nullptr, &length,
                         reinterpret_cast<const unsigned char*>(associated_data.data()),
                         static_cast<int>(associated_data.size())) == 1) &&
      EVP_DecryptUpdate(context.get(), out, &length, ciphertext,
                        static_cast<int>(ciphertext_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<unsigned char*>(tag)) == 1 &&
      EVP_DecryptFinal_ex(context.get(), out + length, &length) == 1;
  if (!ok) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return make_error(Status::kInvalidConfig,
                      fmt::format("a secret could not be decrypted with the key from {}: the key "
                                  "has changed since the secret was stored, or the sealed text "
                                  "was altered or copied from another resource or field — use "
                                  "the original key, or re-apply the resources with their secret "
                                  "values",
                                  source_));
  }
  return plaintext;
}

}  // namespace sluice::host
