#include "sluice/support/http/tls.hpp"

#include <cstring>
#include <mutex>

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_context.hpp"

namespace sluice::support::http {

namespace {

// The first certificate problem OpenSSL reported during the calling thread's last handshake:
// each handshake runs on the thread that sends the request (Poco's blocking sockets).
thread_local std::string t_problem;

std::string subject_of(X509* certificate) {
  if (certificate == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data != nullptr ? data : "", size > 0 ? static_cast<size_t>(size) : 0);
  BIO_free(bio);
  return text;
}

// Replaces Poco's verify callback, which would ask the process-wide SSLManager (whose handlers
// the host may have set to accept anything); OpenSSL's own verdict stands.
int verify_callback(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok == 0 && t_problem.empty()) {
    const int error = X509_STORE_CTX_get_error(store);
    const int depth = X509_STORE_CTX_get_error_depth(store);
    const std::string subject = subject_of(X509_STORE_CTX_get_current_cert(store));
    t_problem =
        std::string(X509_verify_cert_error_string(error)) + " (certificate " +
        (subject.empty() ? std::string("without a subject") : "'" + subject + "'") +
        (depth == 0 ? std::string(", the server's own") : ", depth " + std::to_string(depth)) + ")";
  }
  return preverify_ok;
}

// The reason of the error OpenSSL queued last, then the queue cleared ("bad decrypt").
std::string openssl_reason() {
  unsigned long last = 0;
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) last = code;
  const char* reason = last != 0 ? ERR_reason_error_string(last) : nullptr;
  return reason != nullptr ? reason : "unknown error";
}

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

Bio memory_bio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Error invalid(std::string message) {
  return make_error(Status::kInvalidConfig, std::move(message));
}

int passphrase_callback(char* buffer, int size, int, void* user) {
  const auto* passphrase = static_cast<const std::string*>(user);
  if (passphrase->empty() || size <= 0) return -1;
  const int n = std::min(size, static_cast<int>(passphrase->size()));
  std::memcpy(buffer, passphrase->data(), static_cast<size_t>(n));
  return n;
}

Result<void> add_trusted(SSL_CTX* ctx, const TlsOptions& options) {
  Bio bio = memory_bio(options.ca_pem);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, certificate);
    X509_free(certificate);
    ++added;
  }
  ERR_clear_error();  // the end of the text reads as an error
  if (added == 0) {
    return invalid(options.settings_path +
                   ".ca holds no PEM certificate: expected the CA's certificate as "
                   "-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----");
  }
  return {};
}

Result<void> use_client_certificate(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& path = options.settings_path;
  if (options.cert_pem.empty() || options.key_pem.empty()) {
    return invalid(path + (options.cert_pem.empty() ? ".cert" : ".key") + " is required with " +
                   path + (options.cert_pem.empty() ? ".key" : ".cert") +
                   ": a client certificate needs both, in PEM");
  }
  Bio certs = memory_bio(options.cert_pem);
  X509* leaf = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr) {
    ERR_clear_error();
    return invalid(path +
                   ".cert holds no PEM certificate: expected -----BEGIN CERTIFICATE----- ... "
                   "-----END CERTIFICATE-----");
  }
  const int used = SSL_CTX_use_certificate(ctx, leaf);
  X509_free(leaf);
  if (used != 1) return invalid(path + ".cert cannot be used: " + openssl_reason());
  // Intermediate certificates after the first, sent with it.
  while (X509* intermediate = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add_extra_chain_cert(ctx, intermediate) != 1) X509_free(intermediate);
  }
  ERR_clear_error();

  const bool encrypted = options.key_pem.find("ENCRYPTED") != std::string::npos;
  if (encrypted && options.passphrase.empty()) {
    return invalid(path + ".key is encrypted: set " + path + ".passphrase to its passphrase");
  }
  Bio key_bio = memory_bio(options.key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &passphrase_callback,
                                          const_cast<std::string*>(&options.passphrase));
  if (key == nullptr) {
    const std::string reason = openssl_reason();
    if (encrypted) {
      // OpenSSL's reason ("pkcs12 cipherfinal error", "bad decrypt") says no more than this.
      return invalid(path + ".key cannot be decrypted with " + path +
                     ".passphrase: check the passphrase");
    }
    return invalid(path + ".key holds no PEM private key (" + reason +
                   "): expected -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----");
  }
  const int key_used = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  if (key_used != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return invalid(path + ".key does not belong to the certificate in " + path +
                   ".cert: set the private key that was issued with it");
  }
  return {};
}

// A PKCS#12 bundle: its certificate, key and chain, as use_client_certificate() does for PEM.
Result<void> use_pfx(SSL_CTX* ctx, const TlsOptions& options) {
  const std::string& path = options.settings_path;
  if (!options.cert_pem.empty() || !options.key_pem.empty()) {
    return invalid(path + ".pfx and " + path + ".cert/" + path +
                   ".key are two ways to give the client certificate: set one of them");
  }
  std::string compact;
  for (char c : options.pfx_base64) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') compact.push_back(c);
  }
  Bio bio = memory_bio(compact);
  BIO* base64 = BIO_new(BIO_f_base64());
  if (!bio || base64 == nullptr) return make_error(Status::kInternal, "out of memory");
  BIO_set_flags(base64, BIO_FLAGS_BASE64_NO_NL);
  BIO* chain = BIO_push(base64, bio.release());
  PKCS12* bundle = d2i_PKCS12_bio(chain, nullptr);
  BIO_free_all(chain);
  if (bundle == nullptr) {
    ERR_clear_error();
    return invalid(path +
                   ".pfx is not a base64-encoded PKCS#12 bundle: set the .pfx/.p12 file's bytes "
                   "in base64 (`base64 -w0 bundle.pfx`)");
  }
  EVP_PKEY* key = nullptr;
  X509* certificate = nullptr;
  STACK_OF(X509)* extra = nullptr;
  const int parsed = PKCS12_parse(bundle, options.passphrase.c_str(), &key, &certificate, &extra);
  PKCS12_free(bundle);
  if (parsed != 1 || key == nullptr || certificate == nullptr) {
    ERR_clear_error();
    EVP_PKEY_free(key);
    X509_free(certificate);
    sk_X509_pop_free(extra, X509_free);
    return invalid(path + ".pfx cannot be opened" +
                   (options.passphrase.empty()
                        ? " without a passphrase: set " + path + ".passphrase"
                        : " with " + path + ".passphrase: check the passphrase"));
  }
  const bool used = SSL_CTX_use_certificate(ctx, certificate) == 1 &&
                    SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  X509_free(certificate);
  EVP_PKEY_free(key);
  while (extra != nullptr && sk_X509_num(extra) > 0) {
    X509* intermediate = sk_X509_shift(extra);
    if (SSL_CTX_add_extra_chain_cert(ctx, intermediate) != 1) X509_free(intermediate);
  }
  sk_X509_free(extra);
  if (!used) {
    ERR_clear_error();
    return invalid(path + ".pfx holds a key that does not belong to its certificate");
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<const TlsContext>> make_tls_context(const TlsOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
  using Poco::Net::Context;
  Context::Ptr context;
  try {
    // Strict also on loopback: Poco skips the host name check there unless VERIFY_STRICT.
    context = new Context(Context::TLS_CLIENT_USE, "",
                          options.verify_server ? Context::VERIFY_STRICT : Context::VERIFY_NONE, 9,
                          options.verify_server && options.ca_pem.empty());
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
  } catch (const Poco::Exception& e) {
    return make_error(Status::kInternal, "cannot create a TLS context: " + e.displayText());
  }
  SSL_CTX* ctx = context->sslContext();
  if (options.verify_server) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &verify_callback);
    if (!options.ca_pem.empty()) {
      if (auto added = add_trusted(ctx, options); !added) return added.error();
    }
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (!options.pfx_base64.empty()) {
    if (auto used = use_pfx(ctx, options); !used) return used.error();
  } else if (!options.cert_pem.empty() || !options.key_pem.empty()) {
    if (auto used = use_client_certificate(ctx, options); !used) return used.error();
  }
  TlsContext::Traits traits{
      .verifies_server = options.verify_server,
      .has_client_certificate = !options.cert_pem.empty() || !options.pfx_base64.empty(),
      .settings_path = options.settings_path,
      .disable_setting = options.disable_setting};
  return std::shared_ptr<const TlsContext>(
      std::make_shared<TlsContext>(context, std::move(traits)));
}

const std::shared_ptr<const TlsContext>& default_tls_context() {
  static const std::shared_ptr<const TlsContext> context = [] {
    auto made = make_tls_context(TlsOptions{});
    return made ? *made : nullptr;
  }();
  return context;
}

void clear_tls_problem() noexcept { t_problem.clear(); }

std::optional<Error> tls_failure(const Poco::Exception& e, std::string_view host,
                                 const TlsContext& tls) {
  const std::string& path = tls.traits().settings_path;
  const std::string hint = "; if the server's certificate is issued by a private CA, set " + path +
                           ".ca to that CA's certificate (PEM), or set " +
                           tls.traits().disable_setting +
                           " to true to accept any certificate (unsafe: for tests only)";
  if (!t_problem.empty()) {
    std::string problem = std::move(t_problem);
    t_problem.clear();
    return make_error(Status::kRemoteError,
                      "the server's TLS certificate was not accepted: " + problem + hint);
  }
  if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr ||
      dynamic_cast<const Poco::Net::InvalidCertificateException*>(&e) != nullptr) {
    return make_error(Status::kRemoteError,
                      "the server's TLS certificate was not accepted: it is not issued for '" +
                          std::string(host) + "' (" + e.displayText() + ")" + hint);
  }
  if (dynamic_cast<const Poco::Net::SSLException*>(&e) == nullptr) return std::nullopt;
  const std::string text = e.message().empty() ? e.displayText() : e.message();
  const auto alert = text.find("alert ");
  if (alert == std::string::npos) return std::nullopt;
  const std::string why = text.substr(alert);
  const bool wants_certificate = text.find("certificate required") != std::string::npos ||
                                 text.find("handshake failure") != std::string::npos;
  std::string message = "the server refused the TLS connection (" + why + ")";
  if (!tls.traits().has_client_certificate && wants_certificate) {
    message +=
        ": it requires a client certificate; set " + path + ".cert and " + path + ".key (PEM)";
  } else if (tls.traits().has_client_certificate) {
    message += ": it did not accept the client certificate in " + path +
               ".cert; check that it is issued by a CA the server trusts and has not expired";
  } else {
    message += "; check the server's TLS requirements";
  }
  return make_error(Status::kAuthFailed, message);
}

}  // namespace sluice::support::http
