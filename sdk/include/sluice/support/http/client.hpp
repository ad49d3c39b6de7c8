// An HTTP/1.1 client for connectors: persistent (keep-alive) connections per host and port,
// timeouts, bounded retries of transient failures with exponential backoff and jitter that
// honours Retry-After (or the header the connection names), every retry logged with its reason,
// rate-limit responses recognised by status or body (RateLimitRule), a per-connection cap on the
// requests in flight shared across the process (gate.hpp), authentication applied to every request,
// and failures as sluice::Result values whose messages name the method, the URL (credentials
// hidden), the status and a body snippet.
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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/context.hpp"
#include "sluice/result.hpp"
#include "sluice/support/http/auth.hpp"
#include "sluice/support/http/gate.hpp"
#include "sluice/support/http/message.hpp"
#include "sluice/support/http/tls.hpp"

namespace sluice::support::http {

// ClientOptions::max_response_bytes unless a connector sets another: 64 MB.
inline constexpr std::size_t kDefaultMaxResponseBytes = std::size_t{64} << 20;

// When a response means the API is limiting the request rate (http.rateLimit): its status is
// `status_code` (failStatusCode, default 429), or its JSON body holds at `path` (dotted,
// failPath) one of `values` (failValues, compared as text) — for APIs that answer 200 with a
// "slow down" body. 429 always counts as well.
struct RateLimitRule {
  int status_code = 429;
  std::string path;
  std::vector<std::string> values;

  // Why `response` is a rate-limit response ("HTTP 429 Too Many Requests", or "HTTP 200 whose
  // error.code is 'rate_limited' (http.rateLimit.failPath)"), or nullopt when it is not.
  std::optional<std::string> match(const Response& response) const;
};

struct ClientOptions {
  // Joined with relative request URLs (join_url()); may stay empty if every URL is absolute.
  std::string base_uri;
  // Sent with every request; a request header of the same name replaces one of these.
  Headers headers;
  Auth auth;
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds receive_timeout{30'000};  // also used for sending
  // Attempts in total for a request that fails transiently (connection error, timeout, 5xx, a
  // rate-limit response); >= 1.
  int max_attempts = 3;
  // Wait before the second attempt; doubled before each later one. Each wait is drawn at random
  // between half of it and all of it (jitter), so that clients failing together do not retry in
  // step; a wait the retry header asks for is kept exactly (within max_backoff).
  std::chrono::milliseconds initial_backoff{500};
  // Cap on any wait between attempts, including one a Retry-After header asks for.
  std::chrono::milliseconds max_backoff{30'000};
  std::string user_agent = "Sluice";
  // The response header naming how long to wait before retrying: delay-seconds or an HTTP-date
  // (http.retryHeader).
  std::string retry_header = "Retry-After";
  RateLimitRule rate_limit;
  // Every attempt holds a slot of this gate while it is on the wire (none while it waits to
  // retry); nullptr: no cap. Shared by the clients of one connection (RequestGate::for_key).
  std::shared_ptr<RequestGate> gate;
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

  // Sends `request`, retrying connection errors, timeouts, 5xx and rate-limit responses
  // (options().rate_limit) up to options().max_attempts times in total, waiting with
  // exponential backoff and jitter (or as the retry header says, within max_backoff) and
  // checking context.cancelled() before every attempt and during waits. Each retry is logged
  // (kWarn) before its wait: "retry 2/4 in 1.3 s: HTTP 503 Service Unavailable from GET <url>"
  // (the URL with credentials hidden). A reused keep-alive connection that turns out closed is
  // reopened at once without counting as an attempt. Each attempt first takes a slot of
  // options().gate (waiting as RequestGate::enter does).
  //
  // Returns the final response whatever its status (the last one when retries ran out). Errors
  // only when no usable response arrived: kInvalidConfig for a URL that is not absolute http(s),
  // kTransient for connection failures and timeouts ("<what>: <last failure> (3 attempts); ..."),
  // kCancelled when the job was cancelled, kRemoteError (not retried) for a body longer than
  // options().max_response_bytes, kRateLimited when a response that is neither 429 nor 5xx
  // still matched options().rate_limit after the last attempt ("... rate limited (<why>) after
  // 3 attempts ..."), and the gate's errors.
  Result<Response> execute(Context& context, const Request& request);

  // execute(), then requires a 2xx status; any other is returned as error_for() describes.
  Result<Response> send(Context& context, const Request& request);

  // The Error for a response that is not 2xx: status from status_for() (retry_after_ms set from
  // the retry header for 429), message "<METHOD> <url>: HTTP <status> <reason>: <body snippet>"
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
