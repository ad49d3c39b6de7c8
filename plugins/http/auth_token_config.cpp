#include "auth_token_config.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/serialize.hpp>

#include "config.hpp"
#include "settings.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/http/auth_flows.hpp"
#include "sluice/support/http/url.hpp"
#include "sluice/support/template.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::http::ClientOptions;
using support::http::Headers;
using support::http::TokenAuth;
using support::http::TokenLocation;
using support::http::TokenRequest;

namespace {

// "connection 'name' (id)", "connection 'id'", or empty.
std::string connection_label(const json::object& doc) {
  const json::value* id = doc.if_contains("_id");
  const json::value* name = doc.if_contains("name");
  const std::string id_text = id && id->is_string() ? std::string(id->get_string()) : "";
  const std::string name_text = name && name->is_string() ? std::string(name->get_string()) : "";
  if (!name_text.empty() && !id_text.empty() && name_text != id_text) {
    return "connection '" + name_text + "' (" + id_text + ")";
  }
  if (!name_text.empty() || !id_text.empty()) {
    return "connection '" + (name_text.empty() ? id_text : name_text) + "'";
  }
  return {};
}

// The values of the connection's secret settings, to be masked wherever they are rendered.
std::vector<std::string> configured_secrets(const json::object& doc) {
  std::vector<std::string> out;
  for (const std::string& path : connection_secret_paths()) {
    const json::value* value = find_path(doc, path);
    if (value != nullptr && value->is_string() && !value->get_string().empty()) {
      out.emplace_back(value->get_string());
    }
  }
  return out;
}

// `setting`'s template rendered raw against {"connection": the whole connection document}.
Result<std::string> render(const Setting<std::string>& setting, const json::object& doc) {
  auto source = setting.read(doc);
  if (!source) return source.error();
  auto t = support::Template::parse(*source, setting.path());
  if (!t) return t.error();
  const json::value context = json::object{{"connection", doc}};
  support::RenderOptions options;
  options.escape = support::Escape::kNone;
  return t->evaluate(context, options);
}

Result<Headers> render_headers(const Setting<json::value>& setting, const json::object& doc) {
  auto headers = read_headers(setting, doc);
  if (!headers) return headers.error();
  const json::value context = json::object{{"connection", doc}};
  for (size_t i = 0; i < headers->size(); ++i) {
    auto t = support::Template::parse((*headers)[i].value,
                                      setting.path() + "." + std::to_string(i) + ".value");
    if (!t) return t.error();
    support::RenderOptions options;
    options.escape = support::Escape::kNone;
    auto value = t->evaluate(context, options);
    if (!value) return value.error();
    (*headers)[i].value = std::move(*value);
  }
  return headers;
}

const char* content_type_of(const std::string& media_type) {
  if (media_type == "json") return "application/json";
  if (media_type == "xml") return "application/xml";
  if (media_type == "plaintext") return "text/plain";
  return "application/x-www-form-urlencoded";
}

Result<std::string> required(const Setting<std::string>& setting, const json::object& doc,
                             const char* when) {
  auto value = setting.read(doc);
  if (!value) return value.error();
  if (value->empty()) {
    return make_error(Status::kInvalidConfig, setting.path() + " is required " + when);
  }
  return value;
}

// http.auth.token.{token, location, headerName, scheme, paramName}: how a token is sent.
Result<TokenAuth> read_placement(const json::object& doc) {
  const ConnectionSettings& s = connection_settings();
  TokenAuth placement;
  auto token = s.token.read(doc);
  if (!token) return token.error();
  auto location = s.token_location.read(doc);
  if (!location) return location.error();
  auto header_name = s.token_header_name.read(doc);
  if (!header_name) return header_name.error();
  auto scheme = s.token_scheme.read(doc);
  if (!scheme) return scheme.error();
  auto param_name = s.token_param_name.read(doc);
  if (!param_name) return param_name.error();
  placement.token = std::move(*token);
  placement.location = *location == "url" ? TokenLocation::kUrl : TokenLocation::kHeader;
  if (!header_name->empty()) placement.header_name = std::move(*header_name);
  placement.scheme = std::move(*scheme);
  if (!param_name->empty()) placement.param_name = std::move(*param_name);
  return placement;
}

// What credentials obtained at run time depend on: the base URI and every auth setting (secrets
// included; only a hash of it is stored). Re-applying the connection with any of them changed
// makes the stored credentials unusable, so new ones are obtained.
std::string state_fingerprint(const json::object& doc) {
  json::object parts;
  if (const json::value* http = doc.if_contains("http"); http != nullptr && http->is_object()) {
    for (const char* name : {"baseURI", "auth"}) {
      if (const json::value* part = http->get_object().if_contains(name)) parts[name] = *part;
    }
  }
  return json::serialize(parts);
}

// RFC 7636 §4.1: 43 to 128 unreserved characters.
bool valid_pkce_verifier(std::string_view text) {
  if (text.size() < 43 || text.size() > 128) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_' ||
           c == '~';
  });
}

Result<std::shared_ptr<support::http::Authenticator>> token_refresh(const json::object& doc,
                                                                    const ClientOptions& options) {
  const ConnectionSettings& s = connection_settings();
  support::http::TokenRefreshOptions refresh;
  auto placement = read_placement(doc);
  if (!placement) return placement.error();
  refresh.placement = std::move(*placement);
  auto uri = render(s.refresh_relative_uri, doc);
  if (!uri) return uri.error();
  auto method = s.refresh_method.read(doc);
  if (!method) return method.error();
  auto body = render(s.refresh_body, doc);
  if (!body) return body.error();
  auto media_type = s.refresh_media_type.read(doc);
  if (!media_type) return media_type.error();
  auto headers = render_headers(s.refresh_headers, doc);
  if (!headers) return headers.error();
  auto token_path = s.refresh_token_path.read(doc);
  if (!token_path) return token_path.error();
  auto token_paths = read_values(s.token_paths, doc);
  if (!token_paths) return token_paths.error();
  refresh.request = TokenRequest{std::move(*method), std::move(*uri), std::move(*headers),
                                 std::move(*body), content_type_of(*media_type)};
  refresh.token_path = token_path->empty() ? std::string("access_token") : std::move(*token_path);
  refresh.secret_paths = std::move(*token_paths);
  refresh.secrets = configured_secrets(doc);
  refresh.connection = options.auth.connection;
  refresh.state_fingerprint = state_fingerprint(doc);
  return support::http::make_token_refresh(options, std::move(refresh));
}

Result<std::shared_ptr<support::http::Authenticator>> oauth2(const json::object& doc,
                                                             const ClientOptions& options) {
  const ConnectionSettings& s = connection_settings();
  constexpr const char* kWhen = "when http.auth.type is oauth";
  support::http::OAuth2Options oauth;
  auto grant = s.oauth_grant_type.read(doc);
  if (!grant) return grant.error();
  oauth.grant = *grant == "password"        ? support::http::OAuthGrant::kPassword
                : *grant == "authorizecode" ? support::http::OAuthGrant::kAuthorizationCode
                                            : support::http::OAuthGrant::kClientCredentials;
  auto token_uri = render(s.oauth_token_uri, doc);
  if (!token_uri) return token_uri.error();
  if (token_uri->empty()) {
    return make_error(Status::kInvalidConfig, "http.auth.oauth.tokenURI is required " +
                                                  std::string(kWhen) +
                                                  ": the token endpoint of the API");
  }
  oauth.token_url = std::move(*token_uri);
  auto client_id = required(s.oauth_client_id, doc, kWhen);
  if (!client_id) return client_id.error();
  oauth.client_id = std::move(*client_id);
  auto client_secret = s.oauth_client_secret.read(doc);
  if (!client_secret) return client_secret.error();
  oauth.client_secret = std::move(*client_secret);
  auto client_auth = s.oauth_client_auth.read(doc);
  if (!client_auth) return client_auth.error();
  oauth.client_auth = *client_auth == "body" ? support::http::OAuthClientAuth::kBody
                                             : support::http::OAuthClientAuth::kBasicHeader;
  auto scope = read_values(s.oauth_scope, doc);
  if (!scope) return scope.error();
  oauth.scope = std::move(*scope);
  auto delimiter = s.oauth_scope_delimiter.read(doc);
  if (!delimiter) return delimiter.error();
  if (!delimiter->empty()) oauth.scope_delimiter = std::move(*delimiter);
  if (oauth.grant == support::http::OAuthGrant::kPassword) {
    constexpr const char* kPasswordGrant = "when http.auth.oauth.grantType is password";
    auto username = required(s.oauth_username, doc, kPasswordGrant);
    if (!username) return username.error();
    auto password = required(s.oauth_password, doc, kPasswordGrant);
    if (!password) return password.error();
    oauth.username = std::move(*username);
    oauth.password = std::move(*password);
  }
  auto refresh_token = s.refresh_token.read(doc);
  if (!refresh_token) return refresh_token.error();
  oauth.refresh_token = std::move(*refresh_token);
  auto placement = read_placement(doc);
  if (!placement) return placement.error();
  oauth.placement = std::move(*placement);
  if (oauth.grant == support::http::OAuthGrant::kAuthorizationCode) {
    auto auth_uri = render(s.oauth_auth_uri, doc);
    if (!auth_uri) return auth_uri.error();
    if (auth_uri->empty()) {
      return make_error(Status::kInvalidConfig,
                        "http.auth.oauth.authURI is required when http.auth.oauth.grantType is "
                        "authorizecode: the API's authorization endpoint, where `sluice "
                        "connection authorize` sends the user");
    }
    if (!support::http::parse_url(*auth_uri)) {
      return make_error(Status::kInvalidConfig,
                        "http.auth.oauth.authURI must be an absolute http:// or https:// URL, "
                        "got '" +
                            support::http::redact_url(*auth_uri) + "'");
    }
    oauth.authorize_url = std::move(*auth_uri);
    auto verifier = s.oauth_pkce_verifier.read(doc);
    if (!verifier) return verifier.error();
    if (!verifier->empty() && !valid_pkce_verifier(*verifier)) {
      return make_error(Status::kInvalidConfig,
                        "http.auth.oauth.pkceCodeVerifier must be 43 to 128 characters of "
                        "A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1); leave it empty to get a fresh "
                        "random one for each authorization");
    }
    oauth.pkce_verifier = std::move(*verifier);
  }
  auto path = s.oauth_access_token_path.read(doc);
  if (!path) return path.error();
  if (!path->empty()) oauth.access_token_path = std::move(*path);
  auto headers = render_headers(s.oauth_access_token_headers, doc);
  if (!headers) return headers.error();
  oauth.token_headers = std::move(*headers);
  oauth.connection = options.auth.connection;
  oauth.state_fingerprint = state_fingerprint(doc);
  return support::http::make_oauth2(options, std::move(oauth));
}

Result<std::shared_ptr<support::http::Authenticator>> cookie_login(const json::object& doc,
                                                                   const ClientOptions& options) {
  const ConnectionSettings& s = connection_settings();
  support::http::CookieLoginOptions cookie;
  auto uri = render(s.cookie_uri, doc);
  if (!uri) return uri.error();
  if (uri->empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.auth.cookie.uri is required when http.auth.type is cookie: the login "
                      "endpoint");
  }
  auto method = s.cookie_method.read(doc);
  if (!method) return method.error();
  auto body = render(s.cookie_body, doc);
  if (!body) return body.error();
  auto success = s.cookie_success_status.read(doc);
  if (!success) return success.error();
  cookie.login =
      TokenRequest{std::move(*method), std::move(*uri), {}, std::move(*body), "application/json"};
  cookie.success_status = static_cast<int>(*success);
  cookie.secrets = configured_secrets(doc);
  cookie.connection = options.auth.connection;
  cookie.state_fingerprint = state_fingerprint(doc);
  return support::http::make_cookie_login(options, std::move(cookie));
}

}  // namespace

bool obtains_credentials(const json::object& doc, const std::string& type) {
  if (type == "oauth" || type == "cookie") return true;
  if (type != "token") return false;
  auto uri = connection_settings().refresh_relative_uri.read(doc);
  return uri && !uri->empty();
}

Result<void> configure_obtained_auth(const json::object& doc, const std::string& type,
                                     ClientOptions& options) {
  const ConnectionSettings& s = connection_settings();
  auto status = s.auth_fail_status_code.read(doc);
  if (!status) return status.error();
  auto path = s.auth_fail_path.read(doc);
  if (!path) return path.error();
  auto values = read_values(s.auth_fail_values, doc);
  if (!values) return values.error();
  if (!path->empty() && values->empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.auth.failPath is set but http.auth.failValues is empty: list the "
                      "values that mean the credentials were refused, e.g. [\"invalid_token\"]");
  }
  options.auth.failure.status_codes = {static_cast<int>(*status)};
  options.auth.failure.path = std::move(*path);
  options.auth.failure.values = std::move(*values);
  options.auth.connection = connection_label(doc);
  if (!obtains_credentials(doc, type)) return {};
  Result<std::shared_ptr<support::http::Authenticator>> authenticator =
      type == "oauth"    ? oauth2(doc, options)
      : type == "cookie" ? cookie_login(doc, options)
                         : token_refresh(doc, options);
  if (!authenticator) return authenticator.error();
  options.auth.authenticator = std::move(*authenticator);
  return {};
}

}  // namespace sluice::plugins::http
