// Inside the HTTP support library: what a TlsContext holds, and how a failed TLS connection is
// described (client.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>

#include "sluice/result.hpp"
#include "sluice/support/http/tls.hpp"

namespace sluice::support::http {

class TlsContext {
 public:
  TlsContext(Poco::Net::Context::Ptr context, TlsOptions settings)
      : context_(std::move(context)), settings_(std::move(settings)) {}
  const Poco::Net::Context::Ptr& poco() const noexcept { return context_; }
  bool verifies_server() const noexcept { return settings_.verify_server; }
  bool has_client_certificate() const noexcept { return !settings_.cert_pem.empty(); }
  bool has_ca() const noexcept { return !settings_.ca_pem.empty(); }
  const std::string& settings_path() const noexcept { return settings_.settings_path; }
  const std::string& disable_setting() const noexcept { return settings_.disable_setting; }

 private:
  Poco::Net::Context::Ptr context_;
  TlsOptions settings_;  // its secrets stay here; messages name the settings only
};

// The context of a client without TlsOptions: the system CAs, strict. Built once.
const std::shared_ptr<const TlsContext>& default_tls_context();

// Forgets the certificate problem the calling thread recorded during its last handshake; call
// before connecting.
void clear_tls_problem() noexcept;

// When `e`, thrown while connecting to or talking with `host` on a new connection, is a TLS
// failure that retrying cannot cure — the server's certificate not verified (chain or host
// name) or the server refusing the handshake (a client certificate missing or not accepted) —
// the error to return: kRemoteError for the server's certificate, kAuthFailed for a client
// certificate refused, its message saying which and what to set. nullopt for anything else.
std::optional<Error> tls_failure(const Poco::Exception& e, std::string_view host,
                                 const TlsContext& tls);

}  // namespace sluice::support::http
