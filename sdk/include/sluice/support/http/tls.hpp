// TLS of an HTTPS client: how the server's certificate is verified and which client certificate
// is presented. Each Client holds its own context (ClientOptions::tls); the process-wide Poco
// SSLManager is never used or changed, so settings of one connection never leak into another.
//
//   auto tls = sluice::support::http::make_tls_context(
//       {.ca_pem = private_ca, .cert_pem = cert, .key_pem = key, .passphrase = secret});
//   if (!tls) return tls.error();        // kInvalidConfig naming the setting
//   options.tls = *tls;
#pragma once

#include <memory>
#include <string>

#include "sluice/result.hpp"

namespace sluice::support::http {

struct TlsOptions {
  // true: the server's certificate chain must verify against the trusted CAs and name the host
  // (DNS name or IP address) of the URL, loopback included. false (integrator.io's
  // disableStrictSSL): any certificate is accepted, unverified.
  bool verify_server = true;
  // PEM certificates (one or more) trusted instead of the system CAs; empty: the system CAs.
  std::string ca_pem;
  // The client certificate to present (PEM, optionally followed by its intermediate
  // certificates) and its private key (PEM: PKCS#8, traditional RSA/EC, or encrypted, then
  // decrypted with `passphrase`). Both or neither.
  std::string cert_pem;
  std::string key_pem;
  // Instead of cert_pem and key_pem: a PKCS#12 (.pfx/.p12) bundle of the certificate, its key
  // and its chain, base64-encoded (line breaks allowed), opened with `passphrase`.
  std::string pfx_base64;
  std::string passphrase;
  // Where these settings live, for messages: "<settings_path>.key is encrypted; set
  // <settings_path>.passphrase". The texts themselves never appear in a message.
  std::string settings_path = "http.clientCertificates";
  std::string disable_setting = "http.disableStrictSSL";
};

// An OpenSSL client context built from TlsOptions (TLS 1.2 or later); immutable, shared by every
// HTTPS session of a client, and safe to use from several threads.
class TlsContext;

// Builds the context. kInvalidConfig, naming the setting, when a PEM text holds no certificate or
// key, the key is encrypted and the passphrase is missing or wrong, one of cert and key is set
// without the other, the key does not belong to the certificate, or the pfx is not base64
// PKCS#12, does not open with the passphrase, or is set together with cert or key.
Result<std::shared_ptr<const TlsContext>> make_tls_context(const TlsOptions& options);

}  // namespace sluice::support::http
