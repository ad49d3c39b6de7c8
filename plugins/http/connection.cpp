#include "connection.hpp"

#include "config.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::http::Auth;
using support::http::ClientOptions;
using support::http::TokenAuth;
using support::http::TokenLocation;

namespace {

Result<Auth> read_auth(const Config& config) {
  auto type = config.one_of("http.auth.type", {"none", "basic", "token"}, "none");
  if (!type) return type.error();
  if (*type == "none") return Auth::none();
  if (*type == "basic") {
    auto username = config.string("http.auth.basic.username");
    if (!username) return username.error();
    auto password = config.string("http.auth.basic.password");
    if (!password) return password.error();
    if (username->empty()) {
      return make_error(Status::kInvalidConfig,
                        "http.auth.basic.username is required when http.auth.type is basic");
    }
    return Auth::with_basic(std::move(*username), std::move(*password));
  }
  TokenAuth token;
  auto value = config.string("http.auth.token.token");
  if (!value) return value.error();
  if (value->empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.auth.token.token is required when http.auth.type is token");
  }
  token.token = std::move(*value);
  auto location = config.one_of("http.auth.token.location", {"header", "url"}, "header");
  if (!location) return location.error();
  token.location = *location == "url" ? TokenLocation::kUrl : TokenLocation::kHeader;
  auto header_name = config.string("http.auth.token.headerName", "Authorization");
  if (!header_name) return header_name.error();
  auto scheme = config.string("http.auth.token.scheme", "Bearer");
  if (!scheme) return scheme.error();
  auto param_name = config.string("http.auth.token.paramName", "access_token");
  if (!param_name) return param_name.error();
  token.header_name = header_name->empty() ? "Authorization" : std::move(*header_name);
  token.scheme = std::move(*scheme);
  token.param_name = param_name->empty() ? "access_token" : std::move(*param_name);
  return Auth::with_token(std::move(token));
}

}  // namespace

Result<std::unique_ptr<HttpConnection>> HttpConnection::open(Context&, const json::object& doc,
                                                             const ClientTuning& tuning) {
  const Config config(doc);
  auto base_uri = config.string("http.baseURI");
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
  auto media_type = config.string("http.mediaType", "json");
  if (!media_type) return media_type.error();
  if (*media_type != "json") {
    return make_error(
        Status::kInvalidConfig,
        "http.mediaType '" + *media_type + "' is not supported yet; only json is implemented");
  }
  auto headers = config.headers("http.headers");
  if (!headers) return headers.error();
  auto auth = read_auth(config);
  if (!auth) return auth.error();
  auto ping_uri = config.string("http.ping.relativeURI");
  if (!ping_uri) return ping_uri.error();
  auto ping_method = config.one_of("http.ping.method", {"GET", "POST", "HEAD"}, "GET");
  if (!ping_method) return ping_method.error();

  ClientOptions options;
  options.base_uri = std::move(*base_uri);
  options.headers = std::move(*headers);
  options.auth = std::move(*auth);
  options.initial_backoff = tuning.initial_backoff;
  options.max_backoff = tuning.max_backoff;
  options.max_attempts = tuning.max_attempts;
  options.user_agent = "Sluice-http/0.1";

  std::unique_ptr<HttpConnection> connection(new HttpConnection());
  connection->client_ = std::make_shared<support::http::Client>(std::move(options));
  connection->ping_uri_ = std::move(*ping_uri);
  connection->ping_method_ = std::move(*ping_method);
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
