#include "sluice/support/http/client.hpp"
#include "body_rule.hpp"

#include <algorithm>
#include <charconv>
#include <istream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"
#include "sluice/support/http/auth_digest.hpp"
#include "sluice/support/http/auth_jwt.hpp"
#include "sluice/support/http/url.hpp"
#include "tls_context.hpp"

namespace sluice::support::http {

namespace {

using std::chrono::milliseconds;

constexpr size_t kMaxIdleSessionsPerHost = 8;
constexpr std::string_view kHidden = "******";

Poco::Timespan to_timespan(milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::string seconds_text(milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

// A wait as a person reads it: "250 ms", "1.3 s", "30 s".
std::string wait_text(milliseconds ms) {
  if (ms.count() < 1000) return std::to_string(ms.count()) + " ms";
  const long long tenths = (ms.count() + 50) / 100;
  if (tenths % 10 == 0) return std::to_string(tenths / 10) + " s";
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

// `backoff` with equal jitter: uniformly between half of it and all of it.
milliseconds jittered(milliseconds backoff) {
  if (backoff.count() < 2) return backoff;
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<long long> pick(backoff.count() / 2, backoff.count());
  return milliseconds(pick(random));
}

// How long the retry header (Retry-After unless the connection names another) asks to wait:
// delay-seconds or an HTTP-date. nullopt if absent or unreadable.
std::optional<milliseconds> parse_retry_after(const Response& response, std::string_view header) {
  const std::string* value = response.header(header);
  if (value == nullptr || value->empty()) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec == std::errc() && end == value->data() + value->size() && seconds >= 0) {
    return milliseconds(seconds * 1000);
  }
  Poco::DateTime when;
  int tzd = 0;
  if (Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, *value, when, tzd)) {
    const auto diff_us =
        (when.timestamp() - Poco::Timestamp()) - static_cast<long long>(tzd) * 1'000'000;
    return milliseconds(std::max<long long>(0, diff_us / 1000));
  }
  return std::nullopt;
}

// "64 MB", "256 KB" or "1000 bytes".
std::string size_text(uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KB";
  return std::to_string(bytes) + " bytes";
}

// Reads a body into `body` as it arrives, never holding more than `limit` bytes of it nor
// reserving room for bytes that have not arrived. `declared` is the Content-Length (already
// checked against `limit`), nullopt for chunked or read-until-close bodies. Returns false when
// the body turned out longer than `limit`; throws Poco::Net::NetException when the connection
// broke or closed early.
bool read_body(std::istream& in, std::optional<uint64_t> declared, size_t limit,
               std::string& body) {
  constexpr size_t kChunk = 64 * 1024;
  char buffer[kChunk];
  // With a declared length, read exactly that; otherwise up to one byte past the limit, which
  // tells a body of exactly `limit` bytes from a longer one.
  const uint64_t wanted = declared ? *declared : static_cast<uint64_t>(limit) + 1;
  while (body.size() < wanted) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, wanted - body.size()));
    in.read(buffer, static_cast<std::streamsize>(n));
    const auto got = static_cast<size_t>(in.gcount());
    if (got > 0) {
      if (body.size() + got > limit) return false;
      body.append(buffer, got);
    }
    if (got < n) {
      if (in.bad()) throw Poco::Net::NetException("the connection broke while reading the body");
      if (declared) {
        throw Poco::Net::NetException("the connection closed after " + std::to_string(body.size()) +
                                      " of " + std::to_string(*declared) + " body bytes");
      }
      break;  // end of a chunked or read-until-close body
    }
  }
  return true;
}

bool expects_body(std::string_view method, int status) {
  return method != "HEAD" && status >= 200 && status != 204 && status != 304;
}

}  // namespace

Status status_for(int http_status) noexcept {
  if (http_status >= 200 && http_status < 300) return Status::kOk;
  if (http_status == 401 || http_status == 403) return Status::kAuthFailed;
  if (http_status == 404) return Status::kNotFound;
  if (http_status == 429) return Status::kRateLimited;
  if (http_status >= 500) return Status::kTransient;
  return Status::kRemoteError;
}

std::optional<std::string> RateLimitRule::match(const Response& response) const {
  if (response.status == 429 || response.status == status_code) return status_text(response);
  return body_value_matches(response, path, values, "http.rateLimit.failPath");
}

bool is_transient_status(int http_status) noexcept {
  return http_status == 429 || (http_status >= 500 && http_status <= 599);
}

std::string body_snippet(std::string_view body, std::size_t max_bytes) {
  std::string out;
  const bool cut = body.size() > max_bytes;
  if (cut) {
    body = body.substr(0, max_bytes);
    // Do not end in the middle of a UTF-8 sequence.
    while (!body.empty() && (static_cast<unsigned char>(body.back()) & 0xC0) == 0x80) {
      body.remove_suffix(1);
    }
    if (!body.empty() && static_cast<unsigned char>(body.back()) >= 0xC0) body.remove_suffix(1);
  }
  out.reserve(body.size() + 3);
  for (char c : body) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (cut) out.append("...");
  return out;
}

struct Client::Impl {
  using Session = std::unique_ptr<Poco::Net::HTTPClientSession>;

  ClientOptions options;
  std::optional<Header> auth_header;
  std::optional<Header> auth_param;
  std::unique_ptr<DigestSession> digest;  // with AuthType::kDigest
  // With AuthType::kJwt: the last token signed, reused until half its lifetime has passed
  // (an RSA signature costs about a millisecond; a token without exp is signed each time).
  std::mutex jwt_mutex;
  std::optional<Header> jwt_header;
  int64_t jwt_reuse_until = 0;
  std::vector<std::string> secrets;
  std::vector<std::string> secret_params;

  std::mutex mutex;
  std::unordered_map<std::string, std::vector<Session>> idle;  // by "scheme://host:port"

  struct Lease {
    Session session;
    bool reused = false;
  };

  static std::string pool_key(const UrlParts& url) {
    std::string key = url.https ? "https://" : "http://";
    key.append(url.host).append(":").append(std::to_string(url.port));
    return key;
  }

  Lease acquire(const UrlParts& url) {
    const std::string key = pool_key(url);
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(key);
      if (it != idle.end() && !it->second.empty()) {
        Lease lease{std::move(it->second.back()), true};
        it->second.pop_back();
        return lease;
      }
    }
    Session session;
    const std::string host(url.host);
    if (url.https) {
      // The client's own context (ClientOptions::tls), never the process-wide SSLManager's.
      const std::shared_ptr<const TlsContext>& tls =
          options.tls ? options.tls : default_tls_context();
      session = std::make_unique<Poco::Net::HTTPSClientSession>(host, url.port, tls->poco());
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(host, url.port);
    }
    session->setKeepAlive(true);
    session->setTimeout(to_timespan(options.connect_timeout), to_timespan(options.receive_timeout),
                        to_timespan(options.receive_timeout));
    return Lease{std::move(session), false};
  }

  void release(const UrlParts& url, Session session) {
    std::lock_guard lock(mutex);
    auto& list = idle[pool_key(url)];
    if (list.size() < kMaxIdleSessionsPerHost) list.push_back(std::move(session));
  }

  std::string redact(std::string_view text) const {
    std::string out(text);
    // Obtained credentials first: the longest, and they may contain a configured one.
    std::vector<std::string> all;
    if (options.auth.authenticator) all = options.auth.authenticator->secrets();
    all.insert(all.end(), secrets.begin(), secrets.end());
    for (const std::string& secret : all) {
      for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
        out.replace(pos, secret.size(), kHidden);
        pos += kHidden.size();
      }
    }
    return out;
  }

  // The outcome of one attempt: a response, or why none arrived.
  struct Attempt {
    bool responded = false;
    bool stale = false;   // failed on a reused keep-alive connection, not by timeout
    std::string failure;  // with !responded
    // Non-empty when the body was longer than max_response_bytes: why (not retried).
    std::string too_large;
    // A TLS failure retrying cannot cure (tls_context.hpp): returned as it is.
    std::optional<Error> tls_refused;
  };

  // The header of a credential computed for this attempt (digest, wsse, oauth1, jwt), if any.
  Result<std::optional<Header>> credential(const Request& request, const std::string& url,
                                           const UrlParts& parts) {
    if (digest) return digest->authorize(options.auth.basic, request.method, parts.target);
    if (options.auth.type == AuthType::kJwt) return jwt_credential();
    return options.auth.sign({.method = request.method,
                              .url = url,
                              .body = request.body,
                              .content_type = request.content_type});
  }

  Result<std::optional<Header>> jwt_credential() {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    {
      std::lock_guard lock(jwt_mutex);
      if (jwt_header && now < jwt_reuse_until) return jwt_header;
    }
    int64_t expires_at = 0;
    auto token = make_jwt(options.auth.jwt, now, &expires_at);  // outside the lock: may be slow
    if (!token) return token.error();
    Header header{"Authorization", "Bearer " + *token};
    std::lock_guard lock(jwt_mutex);
    jwt_header = header;
    jwt_reuse_until = expires_at > now ? now + (expires_at - now) / 2 : now;
    return std::optional<Header>(std::move(header));
  }

  // What one attempt sends: the URL (with any obtained query credentials) and the credential
  // headers, set last — an Authenticator's and a computed one (digest, wsse, oauth1, jwt).
  // `parts` views `url`: a Sending is filled in place and never copied or moved.
  struct Sending {
    std::string url;
    UrlParts parts;
    Headers credentials;
    uint64_t generation = 0;  // of the Authenticator's credentials, for renew()
  };

  // Fills `sending` with the credentials of the next attempt of `request` to `url`. Errors
  // name `what`.
  Result<void> prepare(Context& context, const Request& request, const std::string& url,
                       const std::string& what, Sending& sending) {
    sending.url = url;
    sending.credentials.clear();
    sending.generation = 0;
    if (options.auth.authenticator) {
      auto current = options.auth.authenticator->current(context);
      if (!current) return current.error();
      for (const Header& q : current->query) set_query_param(sending.url, q.name, q.value);
      sending.credentials = std::move(current->headers);
      sending.generation = current->generation;
    }
    std::optional<UrlParts> parts = parse_url(sending.url);
    if (!parts) {
      return make_error(Status::kInvalidConfig,
                        redact(what + ": the URL with the connection's credentials is not valid"));
    }
    sending.parts = *parts;
    auto computed = credential(request, sending.url, sending.parts);
    if (!computed) {
      Error error = computed.error();
      error.message =
          redact(what + ": cannot compute the connection's credentials: " + error.message +
                 "; fix the connection's authentication settings");
      return error;
    }
    if (*computed) sending.credentials.push_back(std::move(**computed));
    return {};
  }

  // Digest: whether `response` is the server's first challenge, now taken for the next attempt.
  bool takes_digest_challenge(const Response& response, bool& answered) {
    if (!digest || answered || response.status != 401) return false;
    if (!digest->take_challenge(response)) return false;
    answered = true;
    return true;
  }

  Attempt attempt(const UrlParts& url, const Request& request, Response& response,
                  const Headers& credentials) {
    Attempt result;
    Lease lease = acquire(url);
    Poco::Net::HTTPClientSession& session = *lease.session;
    clear_tls_problem();
    try {
      Poco::Net::HTTPRequest poco_request(request.method, std::string(url.target),
                                          Poco::Net::HTTPMessage::HTTP_1_1);
      poco_request.setKeepAlive(true);
      poco_request.set("User-Agent", options.user_agent);
      poco_request.set("Accept", "application/json");
      for (const Header& h : options.headers) poco_request.set(h.name, h.value);
      for (const Header& h : request.headers) poco_request.set(h.name, h.value);
      if (auth_header) poco_request.set(auth_header->name, auth_header->value);
      for (const Header& h : credentials) poco_request.set(h.name, h.value);
      if (!request.body.empty()) {
        poco_request.setContentType(request.content_type);
        poco_request.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
      } else if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
        poco_request.setContentLength64(0);
      }
      if (request.record_sent_headers) {
        response.sent_headers.clear();
        for (const auto& [name, value] : poco_request)
          response.sent_headers.push_back({name, value});
      }
      std::ostream& out = session.sendRequest(poco_request);
      if (!request.body.empty()) {
        out.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
        if (!out) throw Poco::Net::NetException("the connection broke while sending the body");
      }

      Poco::Net::HTTPResponse poco_response;
      std::istream& in = session.receiveResponse(poco_response);
      response.status = static_cast<int>(poco_response.getStatus());
      response.reason = poco_response.getReason();
      response.headers.clear();
      for (const auto& [name, value] : poco_response) response.headers.push_back({name, value});
      response.body.clear();
      if (expects_body(request.method, response.status)) {
        const std::optional<uint64_t> declared =
            poco_response.hasContentLength() && poco_response.getContentLength64() >= 0
                ? std::optional<uint64_t>(static_cast<uint64_t>(poco_response.getContentLength64()))
                : std::nullopt;
        const size_t limit = options.max_response_bytes;
        if (declared && *declared > limit) {
          result.too_large = "the response (HTTP " + std::to_string(response.status) +
                             ") declares Content-Length " + std::to_string(*declared) +
                             ", more than the client's limit of " + size_text(limit);
        } else if (!read_body(in, declared, limit, response.body)) {
          result.too_large = "the response (HTTP " + std::to_string(response.status) +
                             ") has a body longer than the client's limit of " + size_text(limit);
        }
        if (!result.too_large.empty()) {
          response.body.clear();
          response.body.shrink_to_fit();
          session.reset();  // the rest of the body stays unread: the connection is not reusable
          return result;
        }
      }
      result.responded = true;
    } catch (const Poco::TimeoutException&) {
      result.failure =
          "no response within " + seconds_text(options.receive_timeout) + " (timed out)";
    } catch (const Poco::Exception& e) {
      result.stale = lease.reused;
      result.failure = e.displayText();
      if (url.https && !lease.reused) {
        result.tls_refused =
            tls_failure(e, url.host, options.tls ? *options.tls : *default_tls_context());
      }
    } catch (const std::exception& e) {
      result.stale = lease.reused;
      result.failure = e.what();
    }
    if (result.responded) {
      release(url, std::move(lease.session));
    } else {
      try {
        session.reset();
      } catch (...) {
      }
    }
    return result;
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.max_attempts < 1) impl_->options.max_attempts = 1;
  impl_->auth_header = impl_->options.auth.header();
  impl_->auth_param = impl_->options.auth.query_param();
  impl_->secrets = impl_->options.auth.secrets();
  impl_->secret_params = impl_->options.auth.secret_params();
  if (impl_->options.auth.type == AuthType::kDigest) {
    impl_->digest = std::make_unique<DigestSession>();
  }
}

Client::~Client() = default;

const ClientOptions& Client::options() const noexcept { return impl_->options; }

std::string Client::resolve(std::string_view url) const {
  return join_url(impl_->options.base_uri, url);
}

std::string Client::redact_url(std::string_view url) const {
  return impl_->redact(http::redact_url(url, impl_->secret_params));
}

std::string Client::redact(std::string_view text) const { return impl_->redact(text); }

Result<Response> Client::execute(Context& context, const Request& request) {
  const ClientOptions& options = impl_->options;
  const std::string resolved = resolve(request.url);
  std::string url = resolved;
  Response response;
  response.url = redact_url(url);
  if (impl_->auth_param) set_query_param(url, impl_->auth_param->name, impl_->auth_param->value);
  std::optional<UrlParts> parts = parse_url(url);
  if (!parts) {
    return make_error(Status::kInvalidConfig,
                      request.method + " '" + response.url +
                          "': not an absolute http:// or https:// URL; check the base URI and the "
                          "relative URI");
  }
  const std::string what = request.method + " " + response.url;
  Authenticator* const authenticator = options.auth.authenticator.get();
  // kAuthFailed for a response the failure rule matched: "<what>: the credentials of <connection>
  // were refused (<why>): <body snippet>" and what to do.
  const auto auth_failure = [&](const Response& refused_response, const std::string& why,
                                bool after_renewal) {
    std::string message = what + ": the credentials of " +
                          (options.auth.connection.empty() ? std::string("the connection")
                                                           : options.auth.connection) +
                          " were refused (" + why + ")";
    if (!refused_response.body.empty()) {
      message += ": " + body_snippet(impl_->redact(refused_response.body));
    }
    message += after_renewal
                   ? " — again after new credentials were obtained; check the connection's "
                     "authentication settings (client id and secret, refresh token, login)"
                   : " — check the connection's authentication settings";
    Error error = make_error(Status::kAuthFailed, impl_->redact(message));
    error.details = {
        {"statusCode", refused_response.status}, {"url", refused_response.url}, {"reason", why}};
    return error;
  };
  bool renewed = false;  // an Authenticator's credentials are renewed once per request
  Impl::Sending sending;

  milliseconds backoff = options.initial_backoff;
  bool stale_retry_used = false;
  bool challenge_answered = false;  // digest: a 401's challenge is answered once per request
  int attempt = 0;
  while (true) {
    if (context.cancelled()) {
      return make_error(Status::kCancelled,
                        what + ": cancelled before attempt " + std::to_string(attempt + 1));
    }
    ++attempt;
    if (auto prepared = impl_->prepare(context, request, url, what, sending); !prepared) {
      return prepared.error();
    }
    Impl::Attempt outcome;
    {
      RequestGate::Permit permit;
      if (options.gate) {
        auto entered = options.gate->enter(context, what);
        if (!entered) return entered.error();
        permit = std::move(*entered);
      }
      outcome = impl_->attempt(sending.parts, request, response, sending.credentials);
    }
    if (outcome.responded && impl_->takes_digest_challenge(response, challenge_answered)) {
      // Answered at once, without counting as an attempt; a second 401 is the answer's outcome.
      --attempt;
      continue;
    }
    if (outcome.responded) {
      if (auto refused = options.auth.failure.match(response)) {
        if (authenticator != nullptr && !renewed) {
          // Renew once and send again; the refused attempt does not count.
          renewed = true;
          context.log(LogLevel::kInfo, redact(what + ": " + *refused +
                                              ": the credentials were refused; obtaining new ones "
                                              "and sending the request again"));
          if (auto renewal = authenticator->renew(context, sending.generation); !renewal) {
            return renewal.error();
          }
          --attempt;
          continue;
        }
        const auto& codes = options.auth.failure.status_codes;
        const bool by_status =
            std::find(codes.begin(), codes.end(), response.status) != codes.end();
        // A refused status without an authenticator stays a response, as error_for() reports it.
        if (authenticator != nullptr || !by_status) {
          return auth_failure(response, *refused, renewed);
        }
      }
    }
    if (!outcome.too_large.empty()) {
      Error error = make_error(
          Status::kRemoteError,
          redact(what + ": " + outcome.too_large +
                 "; ask for less per request (a smaller page size), or raise the limit"));
      error.details = {{"url", response.url},
                       {"maxResponseBytes", static_cast<uint64_t>(options.max_response_bytes)}};
      return error;
    }
    if (outcome.tls_refused) {
      Error error = std::move(*outcome.tls_refused);
      error.message = redact(what + ": " + error.message);
      error.details = {{"url", response.url}};
      return error;
    }
    milliseconds wait = jittered(std::min(backoff, options.max_backoff));
    const std::string retry_count =
        std::to_string(attempt) + "/" + std::to_string(options.max_attempts - 1);
    if (outcome.responded) {
      response.attempts = attempt;
      const std::optional<std::string> limited = options.rate_limit.match(response);
      if (!limited && !is_transient_status(response.status)) return response;
      if (attempt >= options.max_attempts) {
        // 429 and 5xx stay responses, as error_for() reports them; a rate-limit body on any
        // other status would read as a success or a record's error, so it is an error here.
        if (!limited || is_transient_status(response.status)) return response;
        Error error = make_error(
            Status::kRateLimited,
            redact(what + ": rate limited (" + *limited + ") after " + std::to_string(attempt) +
                   (attempt == 1 ? " attempt" : " attempts") + ": " +
                   body_snippet(impl_->redact(response.body)) +
                   " — the API is limiting the request rate; lower http.concurrencyLevel, set "
                   "http.rateLimit.limit, or retry later"));
        const milliseconds retry_after =
            parse_retry_after(response, options.retry_header).value_or(options.max_backoff);
        error.retry_after_ms =
            static_cast<uint32_t>(std::min<long long>(retry_after.count(), UINT32_MAX));
        error.details = {{"statusCode", response.status},
                         {"url", response.url},
                         {"attempts", attempt},
                         {"reason", *limited}};
        return error;
      }
      if (auto retry_after = parse_retry_after(response, options.retry_header)) {
        wait = std::min(*retry_after, options.max_backoff);
      }
      std::string why = limited ? "rate limited, " + *limited
                                : "HTTP " + std::to_string(response.status) +
                                      (response.reason.empty() ? "" : " " + response.reason);
      context.log(LogLevel::kWarn, redact("retry " + retry_count + " in " + wait_text(wait) + ": " +
                                          why + " from " + what));
    } else {
      if (outcome.stale && !stale_retry_used) {
        // An idle keep-alive connection the server had closed: reconnect at once.
        stale_retry_used = true;
        --attempt;
        continue;
      }
      const std::string failure = redact(what + ": " + outcome.failure);
      if (attempt >= options.max_attempts) {
        Error error =
            make_error(Status::kTransient, failure + " (" + std::to_string(attempt) +
                                               (attempt == 1 ? " attempt" : " attempts") +
                                               "); check that the server is reachable, then retry");
        error.details = {{"url", response.url}, {"attempts", attempt}};
        return error;
      }
      context.log(LogLevel::kWarn, redact("retry " + retry_count + " in " + wait_text(wait) + ": " +
                                          outcome.failure + " from " + what));
    }
    for (auto deadline = std::chrono::steady_clock::now() + wait;
         std::chrono::steady_clock::now() < deadline;) {
      if (context.cancelled()) {
        return make_error(
            Status::kCancelled,
            what + ": cancelled while waiting to retry (attempt " + std::to_string(attempt) + ")");
      }
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      std::this_thread::sleep_for(std::min(left, milliseconds(50)));
    }
    backoff *= 2;
  }
}

Result<Response> Client::send(Context& context, const Request& request) {
  auto response = execute(context, request);
  if (!response) return response;
  if (!response->ok()) return error_for(request.method, *response);
  return response;
}

Error Client::error_for(std::string_view method, const Response& response) const {
  const Status status = status_for(response.status);
  std::string message(method);
  message.append(" ")
      .append(response.url)
      .append(": HTTP ")
      .append(std::to_string(response.status));
  if (!response.reason.empty()) message.append(" ").append(response.reason);
  // Redact before cutting: a credential cut at the snippet's end would escape the match.
  if (!response.body.empty())
    message.append(": ").append(body_snippet(impl_->redact(response.body)));
  const std::string attempts = response.attempts > 1
                                   ? " after " + std::to_string(response.attempts) + " attempts"
                                   : std::string();
  Error error;
  error.status = status;
  switch (status) {
    case Status::kAuthFailed:
      message.append(
          " — the credentials were refused; check the connection's authentication "
          "settings");
      break;
    case Status::kNotFound:
      message.append(" — check the base URI and the relative URI");
      break;
    case Status::kRateLimited: {
      const auto retry_after = parse_retry_after(response, impl_->options.retry_header)
                                   .value_or(impl_->options.max_backoff);
      error.retry_after_ms =
          static_cast<uint32_t>(std::min<long long>(retry_after.count(), UINT32_MAX));
      message.append(" — the API is limiting the request rate" + attempts + "; retry in " +
                     seconds_text(retry_after));
      break;
    }
    case Status::kTransient:
      message.append(" — the server failed" + attempts + "; retry later");
      break;
    default:
      if (response.status >= 300 && response.status < 400) {
        const std::string* location = response.header("Location");
        message.append(
            " — redirects are not followed" +
            (location ? "; the server points to " + redact_url(*location) : std::string()));
      } else {
        message.append(" — the API refused the request");
      }
      break;
  }
  error.message = redact(message);
  error.details = {{"statusCode", response.status}, {"url", response.url}};
  return error;
}

}  // namespace sluice::support::http
