#include "auth_crypto.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

namespace sluice::support::http::crypto {

namespace {

const EVP_MD* md_of(std::string_view name) {
  return EVP_get_digestbyname(std::string(name).c_str());
}

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

std::string digest(std::string_view md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, md_of(md), nullptr) != 1) return {};
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string hmac(std::string_view md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(md_of(md), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &size) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(size));
  return out;
}

std::string base64url(std::string_view bytes) {
  std::string out = base64(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  std::string padded(text);
  for (char& c : padded) {  // base64url too
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (padded.size() % 4 != 0) padded.push_back('=');
  std::string out(3 * padded.size() / 4, '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(padded.data()),
                             static_cast<int>(padded.size()));
  if (size < 0) return make_error(Status::kInvalidConfig, "not valid base64");
  size_t pad = 0;
  for (size_t i = padded.size(); i > 0 && padded[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(size) - std::min<size_t>(pad, static_cast<size_t>(size)));
  return out;
}

std::string random_bytes(size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    // RAND_bytes fails only without an entropy source; never send a predictable nonce.
    throw std::runtime_error("OpenSSL has no entropy source for a nonce");
  }
  return out;
}

Result<std::string> sign(std::string_view md, std::string_view pem, std::string_view data,
                         bool want_ec, Padding padding, std::string_view what) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();
    return make_error(Status::kInvalidConfig,
                      std::string(what) +
                          " is not a PEM private key (-----BEGIN PRIVATE KEY----- or "
                          "-----BEGIN RSA/EC PRIVATE KEY-----, unencrypted); paste the whole key");
  }
  const bool is_ec = EVP_PKEY_base_id(key.get()) == EVP_PKEY_EC;
  const bool is_rsa = EVP_PKEY_base_id(key.get()) == EVP_PKEY_RSA;
  if (want_ec ? !is_ec : !is_rsa) {
    return make_error(Status::kInvalidConfig, std::string(what) + " is " +
                                                  (is_ec    ? "an EC"
                                                   : is_rsa ? "an RSA"
                                                            : "another") +
                                                  " key, but the signature method needs " +
                                                  (want_ec ? "an EC" : "an RSA") + " private key");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md_of(md), nullptr, key.get()) != 1) {
    return make_error(Status::kInvalidConfig,
                      std::string(what) + ": cannot sign with it: " + openssl_reason());
  }
  if (padding == Padding::kPss &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return make_error(Status::kInvalidConfig,
                      std::string(what) + ": cannot sign with PSS: " + openssl_reason());
  }
  size_t size = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &size, bytes, data.size()) != 1) {
    return make_error(Status::kInvalidConfig,
                      std::string(what) + ": cannot sign with it: " + openssl_reason());
  }
  std::string out(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, bytes,
                     data.size()) != 1) {
    return make_error(Status::kInvalidConfig,
                      std::string(what) + ": cannot sign with it: " + openssl_reason());
  }
  out.resize(size);
  return out;
}

Result<std::string> ecdsa_der_to_jose(std::string_view der, size_t size) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
  if (!sig) return make_error(Status::kInternal, "ECDSA signature is not DER");
  std::string out(2 * size, '\0');
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  auto* at = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, at, static_cast<int>(size)) < 0 ||
      BN_bn2binpad(s, at + size, static_cast<int>(size)) < 0) {
    return make_error(Status::kInternal, "ECDSA signature does not fit the curve size");
  }
  return out;
}

}  // namespace sluice::support::http::crypto
