#include "serve/http_server.hpp"

#include <chrono>
#include <exception>
#include <istream>
#include <utility>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

namespace sluice::serve {

namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void send(HTTPServerResponse& out, const HttpResponse& response) {
  out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
  if (!response.content_type.empty()) out.setContentType(response.content_type);
  for (const auto& [name, value] : response.headers) out.add(name, value);
  out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
  out.send().write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
}

// Reads the body, at most `limit` bytes; false when it is longer.
bool read_body(HTTPServerRequest& in, size_t limit, std::string& body) {
  if (in.hasContentLength() && in.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    return false;
  }
  std::istream& stream = in.stream();
  char buffer[16384];
  while (stream) {
    stream.read(buffer, sizeof buffer);
    const auto got = static_cast<size_t>(stream.gcount());
    if (got == 0) break;
    if (body.size() + got > limit) return false;
    body.append(buffer, got);
  }
  return true;
}

class Dispatch final : public Poco::Net::HTTPRequestHandler {
 public:
  Dispatch(const Router& router, const ServerOptions& options)
      : router_(router), options_(options) {}

  void handleRequest(HTTPServerRequest& in, HTTPServerResponse& out) override {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest request;
    std::string pattern;
    HttpResponse response;
    try {
      response = handle(in, request, pattern);
    } catch (const std::exception& e) {
      if (options_.on_error) options_.on_error(std::string("request handler: ") + e.what());
      response = HttpResponse::error(500, "internal error", "internal");
    }
    try {
      send(out, response);
    } catch (const std::exception& e) {
      if (options_.on_error) options_.on_error(std::string("writing a response: ") + e.what());
    }
    if (options_.on_request) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      options_.on_request(request, pattern, response.status, took.count());
    }
  }

 private:
  HttpResponse handle(HTTPServerRequest& in, HttpRequest& request, std::string& pattern) {
    request.method = in.getMethod();
    request.target = in.getURI();
    request.remote = in.clientAddress().toString();
    try {
      Poco::URI uri(request.target);
      request.path = uri.getPath();
      for (auto& [name, value] : uri.getQueryParameters()) request.query.emplace(name, value);
    } catch (const Poco::Exception&) {
      return HttpResponse::error(400, "the request target is not a valid URI", "invalid");
    }
    for (const auto& [name, value] : in) request.headers.emplace(name, value);
    Router::Match match = router_.match(request.method, request.path);
    if (match.route == nullptr) {
      if (match.allow.empty()) return HttpResponse::error(404, "no such path", "not_found");
      HttpResponse response =
          HttpResponse::error(405, request.method + " is not allowed here", "method_not_allowed");
      std::string allow;
      for (const std::string& method : match.allow) allow += (allow.empty() ? "" : ", ") + method;
      response.headers.emplace_back("Allow", allow);
      return response;
    }
    pattern = match.route->pattern;
    request.params = std::move(match.params);
    if (!read_body(in, match.route->max_body_bytes, request.body)) {
      HttpResponse response =
          HttpResponse::error(413,
                              "the request body is longer than " +
                                  std::to_string(match.route->max_body_bytes) + " bytes",
                              "too_large");
      response.headers.emplace_back("Connection", "close");
      return response;
    }
    return match.route->handler(request);
  }

  const Router& router_;
  const ServerOptions& options_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Router& router, const ServerOptions& options)
      : router_(router), options_(options) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Dispatch(router_, options_);
  }

 private:
  const Router& router_;
  const ServerOptions& options_;
};

}  // namespace

struct HttpServer::Impl {
  const Router& router;
  ServerOptions options;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  uint16_t port = 0;
};

HttpServer::HttpServer(const Router& router, ServerOptions options)
    : impl_(new Impl{router, std::move(options), nullptr, 0}) {}

HttpServer::~HttpServer() { stop(); }

Result<void> HttpServer::start() {
  const std::string where = impl_->options.host + ":" + std::to_string(impl_->options.port);
  try {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(impl_->options.host, impl_->options.port), true, false);
    socket.listen(impl_->options.queue);
    impl_->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(impl_->options.threads);
    params->setMaxQueued(impl_->options.queue);
    params->setKeepAlive(true);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(impl_->router, impl_->options), socket, params);
    impl_->server->start();
  } catch (const Poco::Exception& e) {
    return make_error(Status::kInvalidConfig, "cannot listen on " + where + ": " + e.displayText() +
                                                  "; choose another address or port with --listen");
  }
  return {};
}

void HttpServer::stop() {
  if (impl_->server) {
    impl_->server->stopAll(false);
    impl_->server.reset();
  }
}

uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace sluice::serve
