// The one HTTP server of `sluice serve` (Poco::Net::HTTPServer): reads each request whole, within
// its route's body limit (413 past it, without reading the rest), hands it to the route
// (http.hpp) and writes what the handler returns. A handler that throws gets a 500 whose body
// says only "internal error" (the exception goes to `on_error`, never to the client).
//
// Thread safety: start() and stop() from one thread; handlers run on the server's threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "serve/http.hpp"
#include "sluice/result.hpp"

namespace sluice::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise (`--listen`)
  uint16_t port = 0;               // 0: a free port, see HttpServer::port()
  int threads = 8;                 // requests handled at once
  int queue = 64;                  // connections waiting for a thread; more are refused
  // Called on each request after its response is written: method, route pattern (or "" if none
  // matched), status, seconds taken. For logs and metrics.
  std::function<void(const HttpRequest&, const std::string& pattern, int status, double seconds)>
      on_request;
  std::function<void(const std::string& what)> on_error;
};

class HttpServer {
 public:
  // The router must outlive the server and not change while it runs.
  HttpServer(const Router& router, ServerOptions options);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving. kInvalidConfig when the address can't be bound (in use, not local).
  Result<void> start();
  // Stops accepting, lets requests in progress finish (bounded by Poco's own timeout), returns.
  void stop();
  uint16_t port() const;  // the bound port, after start()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::serve
