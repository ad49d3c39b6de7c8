#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <functional>
#include <string>

#include "auth.hpp"
#include "options.hpp"
#include "recorder.hpp"
#include "sink.hpp"

namespace sluice::tools::mock_api {

// State shared by all request threads; outlives the HTTP server.
struct ServerContext {
  Options options;
  std::string base_url;  // "http://127.0.0.1:PORT", used in "next" links
  Sink sink;
  std::function<void()> request_shutdown;  // called after answering POST /_mock/shutdown
  Recorder recorder;                       // every /api/ request (GET /_mock/requests)
  AuthChecks auth;                         // /auth/... (auth.hpp)
};

// Creates one handler per request; every handler routes by method and path (see --help).
class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(ServerContext& context) : context_(context) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  ServerContext& context_;
};

}  // namespace sluice::tools::mock_api
