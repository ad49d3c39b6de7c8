#include "connection.hpp"

#include "auth_config.hpp"
#include "auth_token_config.hpp"
#include "config.hpp"
#include "limits_config.hpp"
#include "settings.hpp"
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

}  // namespace

Result<std::unique_ptr<HttpConnection>> HttpConnection::open(Context&, const json::object& doc,
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
  auto ping_uri = s.ping_relative_uri.read(doc);
  if (!ping_uri) return ping_uri.error();
  auto ping_method = s.ping_method.read(doc);
  if (!ping_method) return ping_method.error();

  ClientOptions options;
  options.base_uri = std::move(*base_uri);
  options.headers = std::move(*headers);
  options.auth = std::move(*auth);
  options.initial_backoff = tuning.initial_backoff;
  options.max_backoff = tuning.max_backoff;
  options.max_attempts = tuning.max_attempts;
  options.user_agent = "Sluice-http/0.1";
  if (auto limits = configure_limits(doc, options); !limits) return limits.error();
  if (auto type = s.auth_type.read(doc); !type) {
    return type.error();
  } else if (auto configured = configure_obtained_auth(doc, *type, options); !configured) {
    return configured.error();
  }

  std::unique_ptr<HttpConnection> connection(new HttpConnection());
  connection->client_ = std::make_shared<support::http::Client>(std::move(options));
  connection->ping_uri_ = std::move(*ping_uri);
  connection->ping_method_ = std::move(*ping_method);
  connection->variables_ = std::move(variables);
  connection->media_ = *media;
  return connection;
}

Result<void> HttpConnection::ping(Context& context) {
  support::http::Request request;
  request.method = ping_method_;
  request.url = ping_uri_;
  auto response = client_->send(context, request);
  if (!response) return response.error();
  return {};
}

}  // namespace sluice::plugins::http
