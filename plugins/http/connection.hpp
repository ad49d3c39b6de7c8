// An open HTTP connection: the validated connection settings and the client every export and
// import on it shares (keep-alive sessions are pooled per host, so they share those too).
#pragma once

#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "sluice/connector.hpp"
#include "media.hpp"
#include "sluice/support/http/client.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

// Retry timing that tests shorten; real connections use the client's defaults.
struct ClientTuning {
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  int max_attempts = 3;
};

class HttpConnection final : public Connection {
 public:
  // Validates `doc` (a connection resource with secrets resolved) and builds the client.
  // Returns kInvalidConfig naming the offending setting, e.g. "http.baseURI must be an absolute
  // http:// or https:// URL, got 'foo'".
  static Result<std::unique_ptr<HttpConnection>> open(Context& context,
                                                      const boost::json::object& doc,
                                                      const ClientTuning& tuning = {});

  // Requests http.ping.relativeURI (default: the base URI) with http.ping.method; any 2xx is
  // success, anything else the client's classified error.
  Result<void> ping(Context& context) override;

  // Shared with the readers and writers opened on this connection, which may outlive it.
  const std::shared_ptr<support::http::Client>& client() const noexcept { return client_; }
  // The connection's settings as templates see them (template_context.hpp).
  const ConnectionVariables& variables() const noexcept { return variables_; }
  // http.mediaType, successMediaType and errorMediaType, which exports and imports resolve
  // against their own (media.hpp).
  const ConnectionMedia& media() const noexcept { return media_; }

 private:
  HttpConnection() = default;
  std::shared_ptr<support::http::Client> client_;
  std::string ping_uri_;
  std::string ping_method_;
  ConnectionVariables variables_;
  ConnectionMedia media_;
};

}  // namespace sluice::plugins::http
