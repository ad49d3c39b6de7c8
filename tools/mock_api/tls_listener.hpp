// The mock API's optional HTTPS listener (--tls-cert, --tls-key, --tls-client-ca): the same
// endpoints as the plain listener, behind TLS with the given server certificate, and, with a
// client CA, refusing any client that presents no certificate issued by it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "options.hpp"

namespace sluice::tools::mock_api {

class TlsListener {
 public:
  // Listens on options.host, port options.tls_port (0: a free one). Throws Poco::Exception when
  // a file cannot be read or the port cannot be bound.
  TlsListener(const Options& options, Poco::Net::HTTPRequestHandlerFactory::Ptr factory);
  ~TlsListener();
  TlsListener(const TlsListener&) = delete;
  TlsListener& operator=(const TlsListener&) = delete;

  std::uint16_t port() const;
  // Wakes the accept loop at once (as main does for the plain socket), then stops.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::tools::mock_api
