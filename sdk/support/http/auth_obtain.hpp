// What the authenticators of auth_flows.hpp share: holding the credentials under a lock with a
// generation number, renewing once per refused generation, the token request itself and its
// errors. Internal to sluice_support_http.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "sluice/support/http/auth_flows.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::support::http::detail {

// Credentials as obtained once.
struct Obtained {
  Headers headers;
  Headers query;
  std::optional<std::chrono::steady_clock::time_point> renew_after;  // none: until refused
  std::vector<std::string> secrets;  // every value obtained, to mask
};

class ObtainingAuthenticator : public Authenticator {
 public:
  ObtainingAuthenticator(ClientOptions transport, std::string connection,
                         std::vector<std::string> secrets);

  Result<Credentials> current(Context& context) final;
  Result<void> renew(Context& context, uint64_t generation) final;
  std::vector<std::string> secrets() const final;

 protected:
  // Obtains credentials; `renewing` is true after a refusal or an expiry (false the first time).
  // Called with the lock held, so at most one runs at a time.
  virtual Result<Obtained> obtain(Context& context, bool renewing) = 0;
  // Credentials to start with before any were obtained, if any.
  void start_with(Obtained obtained);
  void add_secret(std::string secret);

  // Sends `request` and returns its response if its status is `success_status` (0: any 2xx);
  // otherwise an error "<what> for <connection> (<METHOD> <url>) failed: HTTP <status>
  // <reason>: <body snippet> — <hint>", masked, kAuthFailed for 4xx, kTransient for 5xx and
  // connection failures.
  Result<Response> send(Context& context, const TokenRequest& request, std::string_view what,
                        std::string_view hint, int success_status = 0);
  // The response's body as JSON, or kAuthFailed naming `what` and the connection.
  Result<boost::json::value> parse_body(const Response& response, const TokenRequest& request,
                                        std::string_view what);
  // `text` with every secret masked (the lock must be held, as in obtain()).
  std::string redact_locked(std::string_view text) const;
  const std::string& connection() const { return connection_; }

 private:
  Client client_;
  std::string connection_;
  mutable std::mutex mutex_;
  std::optional<Obtained> held_;
  uint64_t generation_ = 0;
  std::vector<std::string> secrets_;
};

// The value at `path` of a JSON body as text (strings as they are, numbers as JSON), or nullopt.
std::optional<std::string> text_at(const boost::json::value& body, std::string_view path);

// "the token request" named for messages: "connection 'x'", or "the connection" when unnamed.
std::string connection_name(std::string_view connection);

}  // namespace sluice::support::http::detail
