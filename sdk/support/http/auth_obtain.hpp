// What the authenticators of auth_flows.hpp share: holding the credentials under a lock with a
// generation number, renewing once per refused generation, the token request itself and its
// errors. Internal to sluice_support_http.
#pragma once

#include <chrono>
#include <functional>
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
  // What to keep in the connection's state (strings: credentials only), read back by restore();
  // empty: nothing is kept. `expires_at_ms` (epoch milliseconds) is kept beside it.
  boost::json::object persisted;
  std::optional<int64_t> expires_at_ms;
};

// The key of the connection state (Context::save_state) the authenticators keep credentials
// under: {"fingerprint":hex, "expiresAt":ms?, ...Obtained::persisted}.
inline constexpr std::string_view kCredentialsStateKey = "auth";

class ObtainingAuthenticator : public Authenticator {
 public:
  // `state_fingerprint` (may be empty: nothing kept between runs) is what the credentials depend
  // on, e.g. the auth settings as JSON text; only its SHA-256 is stored. With it, credentials
  // obtained are saved in the connection's state (Context::save_state, sealed by the host) and
  // the first current() restores saved ones whose fingerprint matches and that have not expired,
  // instead of obtaining new ones.
  ObtainingAuthenticator(ClientOptions transport, std::string connection,
                         std::vector<std::string> secrets, std::string state_fingerprint = {});

  Result<Credentials> current(Context& context) final;
  Result<void> renew(Context& context, uint64_t generation) final;
  std::vector<std::string> secrets() const final;

 protected:
  // Obtains credentials; `renewing` is true after a refusal or an expiry (false the first time).
  // Called with the lock held, so at most one runs at a time.
  virtual Result<Obtained> obtain(Context& context, bool renewing) = 0;
  // Credentials to start with before any were obtained, if any.
  void start_with(Obtained obtained);
  // Credentials from `saved` (a state this class saved: Obtained::persisted plus "expiresAt"),
  // or nullopt when it holds none usable. Called with the lock held, at most once, before the
  // first obtain(); it may also take what obtain() needs later (a refresh token). Default:
  // nullopt.
  virtual std::optional<Obtained> restore(const boost::json::object& saved);
  // Saves `obtained` in the connection's state (with the lock held), if it has anything to
  // persist and a fingerprint was given.
  void save_locked(Context& context, const Obtained& obtained);
  bool persists() const { return !fingerprint_.empty(); }
  // Runs `obtain_now` with the lock held and makes what it obtained the current credentials
  // (saved as save_locked does): for credentials obtained outside current() and renew(), such
  // as an authorization code exchanged once.
  Result<void> adopt(Context& context, const std::function<Result<Obtained>()>& obtain_now);
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
  // Restores saved credentials on the first call (lock held).
  void restore_locked(Context& context);

  std::optional<Obtained> held_;
  uint64_t generation_ = 0;
  std::vector<std::string> secrets_;
  std::string fingerprint_;  // hex SHA-256 of state_fingerprint; empty: nothing kept
  bool restore_tried_ = false;
  bool stored_expired_ = false;  // the stored token had expired: the first obtain() renews
};

// Milliseconds since the epoch, now.
int64_t now_epoch_ms();

// The value at `path` of a JSON body as text (strings as they are, numbers as JSON), or nullopt.
std::optional<std::string> text_at(const boost::json::value& body, std::string_view path);

// "the token request" named for messages: "connection 'x'", or "the connection" when unnamed.
std::string connection_name(std::string_view connection);

}  // namespace sluice::support::http::detail
