// An open HTTP connection: the validated connection settings and the client every export and
// import on it shares (keep-alive sessions are pooled per host, so they share those too).
#pragma once

#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "ping.hpp"
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
  // Validates `doc` (a connection resource with secrets resolved) and builds the client, with
  // its own TLS context when the connection sets http.disableStrictSSL or
  // http.clientCertificates (then warning through `context` that verification is off).
  // Returns kInvalidConfig naming the offending setting, e.g. "http.baseURI must be an absolute
  // http:// or https:// URL, got 'foo'", or "http.clientCertificates.key cannot be decrypted
  // with http.clientCertificates.passphrase (bad decrypt): check the passphrase".
  static Result<std::unique_ptr<HttpConnection>> open(Context& context,
                                                      const boost::json::object& doc,
                                                      const ClientTuning& tuning = {});

  // Requests http.ping.relativeURI (default: the base URI) with http.ping.method and body and
  // judges the response by http.ping's rules (ping.hpp). A status other than 2xx is the
  // client's classified error (401/403 kAuthFailed, ...); a 2xx that the rules fail is
  // kRemoteError saying why ("successPath 'status' is 'down', not one of [\"ok\"]") with the
  // text at errorPath. Logs at debug, for `sluice connection test`, one line each, secrets
  // masked: "request: METHOD URL", "request header: Name: value" (credentials as
  // "Bearer ******"), "request body: ...", "response: HTTP 200 OK", "response body: <up to
  // 300 bytes>", and last "ping: passed because ..." or "ping: failed because ...".
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
  std::string shown_header_value(const support::http::Header& header) const;
  std::shared_ptr<support::http::Client> client_;
  PingCheck ping_;
  std::vector<std::string> credential_headers_;  // lower case
  ConnectionVariables variables_;
  ConnectionMedia media_;
};

}  // namespace sluice::plugins::http
