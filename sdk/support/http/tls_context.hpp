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
  // What the context was built from, without the PEM texts and the passphrase.
  struct Traits {
    bool verifies_server = true;
    bool has_client_certificate = false;
    std::string settings_path;
    std::string disable_setting;
  };
  TlsContext(Poco::Net::Context::Ptr context, Traits traits)
      : context_(std::move(context)), traits_(std::move(traits)) {}
  const Poco::Net::Context::Ptr& poco() const noexcept { return context_; }
  const Traits& traits() const noexcept { return traits_; }

 private:
  Poco::Net::Context::Ptr context_;
  Traits traits_;
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
