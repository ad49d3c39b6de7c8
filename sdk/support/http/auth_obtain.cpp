#include "auth_obtain.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "auth_crypto.hpp"
#include "sluice/json_path.hpp"

namespace sluice::support::http::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view kHidden = "******";

ClientOptions without_auth(ClientOptions transport) {
  transport.auth = Auth::none();
  return transport;
}

}  // namespace

std::string connection_name(std::string_view connection) {
  return connection.empty() ? std::string("the connection") : std::string(connection);
}

std::optional<std::string> text_at(const json::value& body, std::string_view path) {
  const json::value* value = find_path(body, path);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_object() || value->is_array()) return std::nullopt;
  return json::serialize(*value);
}

int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ObtainingAuthenticator::ObtainingAuthenticator(ClientOptions transport, std::string connection,
                                               std::vector<std::string> secrets,
                                               std::string state_fingerprint)
    : client_(without_auth(std::move(transport))),
      connection_(std::move(connection)),
      fingerprint_(state_fingerprint.empty()
                       ? std::string()
                       : crypto::hex(crypto::digest("SHA256", state_fingerprint))) {
  for (std::string& secret : secrets) add_secret(std::move(secret));
}

std::optional<Obtained> ObtainingAuthenticator::restore(const json::object&) {
  return std::nullopt;
}

void ObtainingAuthenticator::restore_locked(Context& context) {
  if (restore_tried_ || !persists()) return;
  restore_tried_ = true;
  std::optional<json::value> saved = context.load_state(kCredentialsStateKey);
  if (!saved || !saved->is_object()) return;
  const json::object& doc = saved->get_object();
  const json::value* fingerprint = doc.if_contains("fingerprint");
  if (fingerprint == nullptr || !fingerprint->is_string() ||
      fingerprint->get_string() != fingerprint_) {
    context.log(LogLevel::kInfo, "the credentials stored for " + connection_name(connection_) +
                                     " were obtained with other auth settings: obtaining new "
                                     "ones");
    return;
  }
  std::optional<Obtained> restored = restore(doc);
  if (!restored) return;
  if (restored->renew_after && std::chrono::steady_clock::now() >= *restored->renew_after) {
    context.log(LogLevel::kDebug,
                "the access token stored for " + connection_name(connection_) + " has expired");
    stored_expired_ = true;  // renewed as an expired token is (with a refresh token first)
    return;
  }
  for (std::string& secret : restored->secrets) add_secret(std::move(secret));
  context.log(LogLevel::kDebug, "using the credentials stored for " + connection_name(connection_));
  held_ = std::move(*restored);
  ++generation_;
}

Result<void> ObtainingAuthenticator::adopt(Context& context,
                                           const std::function<Result<Obtained>()>& obtain_now) {
  std::lock_guard lock(mutex_);
  restore_tried_ = true;  // what is adopted now replaces anything stored
  auto obtained = obtain_now();
  if (!obtained) return obtained.error();
  for (std::string& secret : obtained->secrets) add_secret(std::move(secret));
  save_locked(context, *obtained);
  held_ = std::move(*obtained);
  ++generation_;
  return {};
}

void ObtainingAuthenticator::save_locked(Context& context, const Obtained& obtained) {
  if (!persists() || obtained.persisted.empty()) return;
  json::object doc = obtained.persisted;
  doc["fingerprint"] = fingerprint_;
  if (obtained.expires_at_ms) doc["expiresAt"] = *obtained.expires_at_ms;
  context.save_state(kCredentialsStateKey, doc);
}

void ObtainingAuthenticator::add_secret(std::string secret) {
  if (secret.empty()) return;
  // The secret as it is and percent-encoded (as it travels in a URL or a form body).
  std::string encoded = percent_encode(secret);
  for (std::string* form : {&secret, &encoded}) {
    if (std::find(secrets_.begin(), secrets_.end(), *form) == secrets_.end()) {
      secrets_.push_back(std::move(*form));
    }
  }
  // Longest first, so that a secret containing another is masked whole.
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void ObtainingAuthenticator::start_with(Obtained obtained) {
  std::lock_guard lock(mutex_);
  for (std::string& secret : obtained.secrets) add_secret(std::move(secret));
  held_ = std::move(obtained);
  ++generation_;
}

Result<Authenticator::Credentials> ObtainingAuthenticator::current(Context& context) {
  std::lock_guard lock(mutex_);
  restore_locked(context);
  const bool expired =
      held_ && held_->renew_after && std::chrono::steady_clock::now() >= *held_->renew_after;
  if (!held_ || expired) {
    auto obtained = obtain(context, expired || std::exchange(stored_expired_, false));
    if (!obtained) return obtained.error();
    for (std::string& secret : obtained->secrets) add_secret(std::move(secret));
    save_locked(context, *obtained);
    held_ = std::move(*obtained);
    ++generation_;
  }
  return Credentials{held_->headers, held_->query, generation_};
}

Result<void> ObtainingAuthenticator::renew(Context& context, uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return {};  // another request renewed them already
  auto obtained = obtain(context, true);
  if (!obtained) return obtained.error();
  for (std::string& secret : obtained->secrets) add_secret(std::move(secret));
  save_locked(context, *obtained);
  held_ = std::move(*obtained);
  ++generation_;
  return {};
}

std::vector<std::string> ObtainingAuthenticator::secrets() const {
  std::lock_guard lock(mutex_);
  return secrets_;
}

std::string ObtainingAuthenticator::redact_locked(std::string_view text) const {
  std::string out(text);
  for (const std::string& secret : secrets_) {
    for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos)) {
      out.replace(pos, secret.size(), kHidden);
      pos += kHidden.size();
    }
  }
  return out;
}

Result<Response> ObtainingAuthenticator::send(Context& context, const TokenRequest& token_request,
                                              std::string_view what, std::string_view hint,
                                              int success_status) {
  Request request;
  request.method = token_request.method;
  request.url = token_request.url;
  request.headers = token_request.headers;
  request.body = token_request.body;
  request.content_type = token_request.content_type;
  const std::string where = std::string(what) + " of " + connection_name(connection_) + " (" +
                            request.method + " " +
                            client_.redact_url(client_.resolve(request.url)) + ")";
  auto response = client_.execute(context, request);
  if (!response) {
    Error error = response.error();
    error.message = redact_locked(where + " failed: " + error.message);
    return error;
  }
  const bool ok = success_status == 0 ? response->ok() : response->status == success_status;
  if (ok) return response;
  std::string message = where + " failed: HTTP " + std::to_string(response->status);
  if (!response->reason.empty()) message += " " + response->reason;
  // Mask before cutting: a credential cut at the snippet's end would escape the match.
  if (!response->body.empty()) message += ": " + body_snippet(redact_locked(response->body));
  if (success_status != 0) message += " (expected HTTP " + std::to_string(success_status) + ")";
  message += " — ";
  message += hint;
  const Status status = response->status >= 500 ? Status::kTransient : Status::kAuthFailed;
  Error error = make_error(status, redact_locked(message));
  error.details = {{"statusCode", response->status}, {"url", response->url}};
  return error;
}

Result<json::value> ObtainingAuthenticator::parse_body(const Response& response,
                                                       const TokenRequest& request,
                                                       std::string_view what) {
  json::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (!ec) return body;
  return make_error(
      Status::kAuthFailed,
      redact_locked(std::string(what) + " of " + connection_name(connection_) + " (" +
                    request.method + " " + response.url + ") answered a body that is not JSON: " +
                    body_snippet(redact_locked(response.body)) +
                    " — check the token endpoint's URI"));
}

}  // namespace sluice::support::http::detail
