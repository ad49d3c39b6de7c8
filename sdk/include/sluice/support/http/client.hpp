// An HTTP/1.1 client for connectors: persistent (keep-alive) connections per host and port,
// timeouts, bounded retries of transient failures with exponential backoff that honours
// Retry-After, authentication applied to every request, and failures as sluice::Result values
// whose messages name the method, the URL (credentials hidden), the status and a body snippet.
//
//   sluice::support::http::Client client({.base_uri = "https://api.example.com/v1",
//                                         .auth = Auth::with_token({.token = secret})});
//   auto orders = client.send(context, {.method = "GET", .url = "/orders?page=1"});
//   if (!orders) return orders.error();   // kAuthFailed, kNotFound, kTransient, ...
//
// Built on Poco::Net (HTTPS through Poco NetSSL, with a TLS context per client: tls.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/context.hpp"
#include "sluice/result.hpp"
#include "sluice/support/http/auth.hpp"
#include "sluice/support/http/message.hpp"
#include "sluice/support/http/tls.hpp"

namespace sluice::support::http {

// ClientOptions::max_response_bytes unless a connector sets another: 64 MB.
inline constexpr std::size_t kDefaultMaxResponseBytes = std::size_t{64} << 20;

struct ClientOptions {
  // Joined with relative request URLs (join_url()); may stay empty if every URL is absolute.
  std::string base_uri;
  // Sent with every request; a request header of the same name replaces one of these.
  Headers headers;
  Auth auth;
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds receive_timeout{30'000};  // also used for sending
  // Attempts in total for a request that fails transiently (connection error, 5xx, 429); >= 1.
  int max_attempts = 3;
  // Wait before the second attempt; doubled before each later one.
  std::chrono::milliseconds initial_backoff{500};
  // Cap on any wait between attempts, including one a Retry-After header asks for.
  std::chrono::milliseconds max_backoff{30'000};
  std::string user_agent = "Sluice";
  // The largest response body the client accepts, in bytes. A response that declares a longer
  // Content-Length, or sends more bytes than this (chunked or until the connection closes), is
  // an error naming the method, the URL and the limit; the client never holds more than this
  // (plus one read buffer) of a body, and never reserves room for bytes that have not arrived.
  std::size_t max_response_bytes = kDefaultMaxResponseBytes;
  // How HTTPS servers are verified and which client certificate is presented (tls.hpp); null:
  // strict verification against the system CAs, no client certificate. A certificate that is
  // not accepted, either way, fails the request at once (not retried), naming the problem.
  std::shared_ptr<const TlsContext> tls;
};

// The Status a response status means: 2xx kOk, 401/403 kAuthFailed, 404 kNotFound,
// 429 kRateLimited, 5xx kTransient, anything else kRemoteError.
Status status_for(int http_status) noexcept;

// True for the statuses a client retries: 429 and 5xx.
bool is_transient_status(int http_status) noexcept;

// Up to `max_bytes` of `body` on one line (control characters as spaces), with "..." if cut.
std::string body_snippet(std::string_view body, std::size_t max_bytes = 300);

// Safe to use from several threads at once: each request borrows an idle connection to its
// host and port (or opens one) and gives it back for reuse when the response has been read.
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const ClientOptions& options() const noexcept;

  // Sends `request`, retrying connection errors, 5xx and 429 up to options().max_attempts times
  // in total, waiting with exponential backoff (or as Retry-After says, within max_backoff) and
  // checking context.cancelled() before every attempt and during waits. A reused keep-alive
  // connection that turns out closed is reopened at once without counting as an attempt.
  //
  // Returns the final response whatever its status (the last one when retries ran out). Errors
  // only when no usable response arrived: kInvalidConfig for a URL that is not absolute http(s),
  // kTransient for connection failures and timeouts, kCancelled when the job was cancelled,
  // kRemoteError (not retried) for a body longer than options().max_response_bytes.
  Result<Response> execute(Context& context, const Request& request);

  // execute(), then requires a 2xx status; any other is returned as error_for() describes.
  Result<Response> send(Context& context, const Request& request);

  // The Error for a response that is not 2xx: status from status_for() (retry_after_ms set from
  // Retry-After for 429), message "<METHOD> <url>: HTTP <status> <reason>: <body snippet>"
  // followed by what to do. Credentials never appear in it.
  Error error_for(std::string_view method, const Response& response) const;

  // The absolute URL `url` resolves to: itself when absolute, else joined to the base URI.
  std::string resolve(std::string_view url) const;

  // `url` as it may appear in messages: no userinfo, secret query parameters hidden.
  std::string redact_url(std::string_view url) const;

  // `text` with every credential of options().auth replaced by "******".
  std::string redact(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::support::http
