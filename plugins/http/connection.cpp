#include "connection.hpp"

#include <algorithm>
#include <cctype>

#include "auth_config.hpp"
#include "auth_token_config.hpp"
#include "config.hpp"
#include "limits_config.hpp"
#include "settings.hpp"
#include "sluice/support/http/tls.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::http::Auth;
using support::http::ClientOptions;
using support::http::TokenAuth;
using support::http::TokenLocation;

namespace {

// The setting, or its declared default when it is absent or empty.
Result<std::string> non_empty(const Setting<std::string>& setting, const json::object& doc) {
  auto text = setting.read(doc);
  if (text && text->empty()) return setting.default_value();
  return text;
}

Result<Auth> read_auth(const json::object& doc) {
  const ConnectionSettings& s = connection_settings();
  auto type = s.auth_type.read(doc);
  if (!type) return type.error();
  if (*type == "none") return Auth::none();
  // Computed per request (auth_config.cpp).
  if (is_signed_auth_type(*type)) return read_signed_auth(*type, doc);
  // Their credentials come from an Authenticator (auth_token_config.cpp).
  if (obtains_credentials(doc, *type)) return Auth::none();
  if (*type == "basic") {
    auto username = s.basic_username.read(doc);
    if (!username) return username.error();
    auto password = s.basic_password.read(doc);
    if (!password) return password.error();
    if (username->empty()) {
      return make_error(Status::kInvalidConfig,
                        "http.auth.basic.username is required when http.auth.type is basic");
    }
    return Auth::with_basic(std::move(*username), std::move(*password));
  }
  TokenAuth token;
  auto value = s.token.read(doc);
  if (!value) return value.error();
  if (value->empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.auth.token.token is required when http.auth.type is token");
  }
  token.token = std::move(*value);
  auto location = s.token_location.read(doc);
  if (!location) return location.error();
  token.location = *location == "url" ? TokenLocation::kUrl : TokenLocation::kHeader;
  auto header_name = non_empty(s.token_header_name, doc);
  if (!header_name) return header_name.error();
  auto scheme = s.token_scheme.read(doc);
  if (!scheme) return scheme.error();
  auto param_name = non_empty(s.token_param_name, doc);
  if (!param_name) return param_name.error();
  token.header_name = std::move(*header_name);
  token.scheme = std::move(*scheme);
  token.param_name = std::move(*param_name);
  return Auth::with_token(std::move(token));
}

// The values of http.encrypted (a custom connection's credentials), each a string to hide.
void collect_strings(const json::value& value, std::vector<std::string>& out) {
  if (const json::string* text = value.if_string()) {
    if (!text->empty()) out.emplace_back(*text);
  } else if (const json::object* object = value.if_object()) {
    for (const auto& [key, child] : *object) collect_strings(child, out);
  } else if (const json::array* array = value.if_array()) {
    for (const json::value& child : *array) collect_strings(child, out);
  }
}

// The connection's own http.headers may use {{connection...}} (a custom connection's
// {{connection.http.encrypted.apiKey}}): rendered once here, strictly, so that a header naming
// a setting the connection lacks is refused at open instead of sent empty.
Result<void> render_connection_headers(support::http::Headers& headers,
                                       const ConnectionVariables& variables, Auth& auth) {
  const json::value context = json::object{{"connection", variables.with_secrets}};
  for (size_t i = 0; i < headers.size(); ++i) {
    if (headers[i].value.find("{{") == std::string::npos) continue;
    const std::string name = "http.headers." + std::to_string(i) + ".value";
    auto t = support::Template::parse(headers[i].value, name);
    if (!t) return t.error();
    support::RenderOptions options;
    options.strict = true;
    auto text = t->evaluate(context, options);
    if (!text) {
      return make_error(Status::kInvalidConfig,
                        text.error().message +
                            " (a connection's headers may use only {{connection...}}, e.g. "
                            "{{connection.http.encrypted.apiKey}})");
    }
    headers[i].value = std::move(*text);
  }
  if (const json::value* http = variables.with_secrets.as_object().if_contains("http")) {
    if (const json::value* encrypted = http->as_object().if_contains("encrypted")) {
      collect_strings(*encrypted, auth.extra_secrets);
    }
  }
  return {};
}

// The client's TLS context when the connection sets any TLS setting; null for the default
// (strict, the system CAs). Warns, every time the connection opens, when verification is off.
Result<std::shared_ptr<const support::http::TlsContext>> read_tls(Context& context,
                                                                  const json::object& doc,
                                                                  const std::string& base_uri) {
  const TlsSettings& s = connection_settings().tls;
  support::http::TlsOptions options;
  auto disabled = s.disable_strict_ssl.read(doc);
  if (!disabled) return disabled.error();
  options.verify_server = !*disabled;
  for (auto [setting, out] :
       {std::pair{&s.cert, &options.cert_pem}, std::pair{&s.key, &options.key_pem},
        std::pair{&s.passphrase, &options.passphrase}, std::pair{&s.ca, &options.ca_pem},
        std::pair{&s.pfx, &options.pfx_base64}}) {
    auto text = setting->read(doc);
    if (!text) return text.error();
    *out = std::move(*text);
  }
  if (!options.passphrase.empty() && options.key_pem.empty() && options.pfx_base64.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.clientCertificates.passphrase is set without "
                      "http.clientCertificates.key or pfx: set the encrypted key it decrypts");
  }
  if (*disabled) {
    context.warn("http.disableStrictSSL is true: the TLS certificate of " +
                 support::http::redact_url(base_uri) +
                 " is not verified, so anyone on the network path can read and change this "
                 "connection's traffic, credentials included; set it to false (or set "
                 "http.clientCertificates.ca to the server's CA) once the server has a "
                 "certificate that verifies");
  }
  if (options.verify_server && options.ca_pem.empty() && options.cert_pem.empty() &&
      options.key_pem.empty() && options.pfx_base64.empty()) {
    return std::shared_ptr<const support::http::TlsContext>();
  }
  return support::http::make_tls_context(options);
}

// Lower-case names of the headers that carry credentials: shown as "<scheme> ******".
Result<std::vector<std::string>> credential_header_names(const json::object& doc) {
  std::vector<std::string> names = {"authorization", "proxy-authorization", "cookie", "x-wsse"};
  auto header_name = connection_settings().token_header_name.read(doc);
  if (!header_name) return header_name.error();
  std::string lower = *header_name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!lower.empty()) names.push_back(std::move(lower));
  return names;
}

}  // namespace

Result<std::unique_ptr<HttpConnection>> HttpConnection::open(Context& context,
                                                             const json::object& doc,
                                                             const ClientTuning& tuning) {
  const ConnectionSettings& s = connection_settings();
  auto base_uri = s.base_uri.read(doc);
  if (!base_uri) return base_uri.error();
  if (base_uri->empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.baseURI is required: the absolute http:// or https:// URL of the API");
  }
  if (!support::http::parse_url(*base_uri)) {
    return make_error(Status::kInvalidConfig,
                      "http.baseURI must be an absolute http:// or https:// URL, got '" +
                          support::http::redact_url(*base_uri) + "'");
  }
  auto headers = read_headers(s.headers, doc);
  if (!headers) return headers.error();
  auto media = ConnectionMedia::read(doc, *headers);
  if (!media) return media.error();
  auto auth = read_auth(doc);
  if (!auth) return auth.error();
  ConnectionVariables variables = ConnectionVariables::from(doc);
  if (auto rendered = render_connection_headers(*headers, variables, *auth); !rendered) {
    return rendered.error();
  }
  auto ping = PingCheck::read(doc, variables);
  if (!ping) return ping.error();
  auto credential_headers = credential_header_names(doc);
  if (!credential_headers) return credential_headers.error();
  auto tls = read_tls(context, doc, *base_uri);
  if (!tls) return tls.error();

  ClientOptions options;
  options.base_uri = std::move(*base_uri);
  options.headers = std::move(*headers);
  options.auth = std::move(*auth);
  options.initial_backoff = tuning.initial_backoff;
  options.max_backoff = tuning.max_backoff;
  options.max_attempts = tuning.max_attempts;
  options.user_agent = "Sluice-http/0.1";
  options.tls = std::move(*tls);
  if (auto limits = configure_limits(doc, options); !limits) return limits.error();
  if (auto type = s.auth_type.read(doc); !type) {
    return type.error();
  } else if (auto configured = configure_obtained_auth(doc, *type, options); !configured) {
    return configured.error();
  }

  std::unique_ptr<HttpConnection> connection(new HttpConnection());
  connection->client_ = std::make_shared<support::http::Client>(std::move(options));
  connection->ping_ = std::move(*ping);
  connection->credential_headers_ = std::move(*credential_headers);
  connection->variables_ = std::move(variables);
  connection->media_ = *media;
  return connection;
}

std::string HttpConnection::shown_header_value(const support::http::Header& header) const {
  std::string lower = header.name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (std::find(credential_headers_.begin(), credential_headers_.end(), lower) !=
      credential_headers_.end()) {
    // The scheme stays readable ("Bearer ******"); a bare credential, and cookies (whose
    // first one would read as a scheme), are hidden whole.
    const auto space = header.value.find(' ');
    const bool has_scheme = lower != "cookie" && space != std::string::npos && space > 0 &&
                            space < 20 && header.value.find('=') > space;
    return has_scheme ? header.value.substr(0, space) + " ******" : "******";
  }
  return client_->redact(header.value);
}

Result<void> HttpConnection::ping(Context& context) {
  using support::http::body_snippet;
  support::http::Request request = ping_.request();
  request.record_sent_headers = true;
  const std::string what =
      request.method + " " + client_->redact_url(client_->resolve(request.url));
  context.log(LogLevel::kDebug, "request: " + what);
  auto response = client_->execute(context, request);
  if (!response) {
    context.log(LogLevel::kDebug, "ping: failed because " + response.error().message);
    return response.error();
  }
  for (const support::http::Header& header : response->sent_headers) {
    context.log(LogLevel::kDebug,
                "request header: " + header.name + ": " + shown_header_value(header));
  }
  if (!request.body.empty()) {
    context.log(LogLevel::kDebug, "request body: " + body_snippet(client_->redact(request.body)));
  }
  std::string status = "HTTP " + std::to_string(response->status);
  if (!response->reason.empty()) status += " " + response->reason;
  context.log(LogLevel::kDebug, "response: " + status);
  if (!response->body.empty()) {
    context.log(LogLevel::kDebug,
                "response body: " + body_snippet(client_->redact(response->body)));
  }
  const PingCheck::Verdict verdict = ping_.judge(*response);
  const std::string message = verdict.message ? client_->redact(*verdict.message) : std::string();
  const std::string why = client_->redact(verdict.why);
  if (verdict.passed) {
    context.log(LogLevel::kDebug, "ping: passed because " + why);
    return {};
  }
  context.log(LogLevel::kDebug,
              "ping: failed because " + why + (message.empty() ? "" : ": " + message));
  if (!response->ok()) {
    Error error = client_->error_for(request.method, *response);
    if (!message.empty()) {
      error.message = what + ": " + status + ": " + message + " (http.ping.errorPath) — " +
                      (error.status == Status::kAuthFailed
                           ? "the credentials were refused; check the connection's "
                             "authentication settings"
                           : "check http.ping and the connection's settings");
    }
    return error;
  }
  Error error = make_error(Status::kRemoteError,
                           what + ": the connection test failed: " + why +
                               (message.empty() ? "" : ": " + message) +
                               " — check the connection's settings (its credentials) and "
                               "http.ping");
  error.details = {{"statusCode", response->status}, {"url", response->url}};
  return error;
}

}  // namespace sluice::plugins::http
