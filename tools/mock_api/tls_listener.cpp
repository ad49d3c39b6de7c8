#include "tls_listener.hpp"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <optional>

#include <Poco/Exception.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

namespace sluice::tools::mock_api {

namespace {
constexpr int kMaxConnections = 16;
constexpr int kBacklog = 64;
}  // namespace

struct TlsListener::Impl {
  Poco::Net::Context::Ptr context;
  // Built once the context is: its default constructor would use the SSLManager's.
  std::optional<Poco::Net::SecureServerSocket> socket;
  Poco::ThreadPool threads{"mock-api-tls", 1, kMaxConnections};
  std::unique_ptr<Poco::Net::HTTPServer> server;
  bool stopped = false;
};

TlsListener::TlsListener(const Options& options, Poco::Net::HTTPRequestHandlerFactory::Ptr factory)
    : impl_(std::make_unique<Impl>()) {
  Poco::Net::initializeSSL();
  using Poco::Net::Context;
  const bool client_certificates = !options.tls_client_ca.empty();
  // With a client CA: a client must present a certificate it issued (VERIFY_STRICT), otherwise
  // the handshake fails with an alert ("handshake failure" in TLS 1.2).
  impl_->context =
      new Context(Context::TLS_SERVER_USE, options.tls_key, options.tls_cert, options.tls_client_ca,
                  client_certificates ? Context::VERIFY_STRICT : Context::VERIFY_NONE, 9, false);
  if (client_certificates) {
    // TLS 1.2: the client certificate is judged inside the handshake, so a refused client
    // always reads the alert. With TLS 1.3 the client's handshake ends first and its request
    // races the server's alert and close: it may see only a reset (docs/http.md says so).
    impl_->context->disableProtocols(Context::PROTO_TLSV1_3);
  }
  impl_->socket.emplace(
      Poco::Net::SocketAddress(Poco::Net::IPAddress(options.host), options.tls_port), kBacklog,
      impl_->context);
  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxThreads(kMaxConnections);
  params->setMaxQueued(kBacklog);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(30, 0));
  params->setTimeout(Poco::Timespan(60, 0));
  params->setServerName("sluice-mock-api");
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(std::move(factory), impl_->threads,
                                                          *impl_->socket, params);
  impl_->server->start();
}

TlsListener::~TlsListener() { stop(); }

std::uint16_t TlsListener::port() const { return impl_->socket->address().port(); }

void TlsListener::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  ::shutdown(impl_->socket->impl()->sockfd(), SHUT_RDWR);
  impl_->server->stopAll(true);
}

}  // namespace sluice::tools::mock_api
