// make_oauth2 (auth_flows.hpp): RFC 6749 token requests for http.auth.oauth.
#include <Poco/Base64Encoder.h>
#include <Poco/URI.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

#include "auth_crypto.hpp"
#include "auth_obtain.hpp"

namespace sluice::support::http {

namespace {

std::string base64(std::string_view text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(text.data(), static_cast<std::streamsize>(text.size()));
  encoder.close();
  return out.str();
}

const char* grant_name(OAuthGrant grant) {
  switch (grant) {
    case OAuthGrant::kClientCredentials:
      return "client_credentials";
    case OAuthGrant::kPassword:
      return "password";
    case OAuthGrant::kRefreshToken:
      return "refresh_token";
    case OAuthGrant::kAuthorizationCode:
      return "authorization_code";
  }
  return "client_credentials";
}

// The value of query parameter `name` in a raw query ("a=1&b=2"), percent-decoded; nullopt when
// absent.
std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  for (size_t pos = 0; pos <= query.size();) {
    const size_t end = std::min(query.find('&', pos), query.size());
    const std::string_view pair = query.substr(pos, end - pos);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      std::replace(value.begin(), value.end(), '+', ' ');
      std::string decoded;
      try {
        Poco::URI::decode(value, decoded);
      } catch (...) {
        return value;
      }
      return decoded;
    }
    if (end == query.size()) break;
    pos = end + 1;
  }
  return std::nullopt;
}

class OAuth2 final : public detail::ObtainingAuthenticator {
 public:
  OAuth2(ClientOptions transport, OAuth2Options options)
      : ObtainingAuthenticator(
            std::move(transport), options.connection,
            {options.client_secret, options.password, options.refresh_token, options.pkce_verifier},
            options.state_fingerprint),
        options_(std::move(options)),
        refresh_token_(options_.refresh_token) {
    if (!options_.placement.token.empty()) start_with(placed(options_.placement.token));
  }

  Result<AuthorizationUrl> start(std::string_view redirect_uri) {
    if (options_.grant != OAuthGrant::kAuthorizationCode) {
      return make_error(Status::kInvalidConfig,
                        detail::connection_name(connection()) +
                            " does not use the OAuth 2.0 authorization code grant "
                            "(http.auth.oauth.grantType authorizecode): it needs no "
                            "authorization by a user");
    }
    if (options_.authorize_url.empty()) {
      return make_error(Status::kInvalidConfig,
                        "http.auth.oauth.authURI is required for the authorization code grant: "
                        "the API's authorization endpoint");
    }
    std::lock_guard lock(pending_mutex_);
    pending_.verifier = options_.pkce_verifier.empty() ? crypto::base64url(crypto::random_bytes(32))
                                                       : options_.pkce_verifier;
    pending_.state = crypto::base64url(crypto::random_bytes(16));
    pending_.redirect_uri = std::string(redirect_uri);
    pending_.started = true;
    Headers fields = {{"response_type", "code"},
                      {"client_id", options_.client_id},
                      {"redirect_uri", pending_.redirect_uri}};
    if (std::string scope = scope_text(); !scope.empty()) {
      fields.push_back({"scope", std::move(scope)});
    }
    fields.push_back({"state", pending_.state});
    fields.push_back(
        {"code_challenge", crypto::base64url(crypto::digest("SHA256", pending_.verifier))});
    fields.push_back({"code_challenge_method", "S256"});
    std::string url = options_.authorize_url;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += form_encode(fields);
    return AuthorizationUrl{std::move(url), pending_.state};
  }

  Result<std::string> finish(Context& context, std::string_view query) {
    Pending pending;
    {
      std::lock_guard lock(pending_mutex_);
      if (!pending_.started) {
        return make_error(Status::kInternal,
                          "finish_authorization was called before start_authorization");
      }
      pending = std::exchange(pending_, Pending{});
    }
    const std::string who = detail::connection_name(connection());
    if (auto error = query_value(query, "error")) {
      const std::string description = query_value(query, "error_description").value_or("");
      return make_error(Status::kAuthFailed,
                        "the authorization server refused to authorize " + who + ": " + *error +
                            (description.empty() ? "" : " (" + description + ")") +
                            " — run `sluice connection authorize` again and allow the access");
    }
    if (query_value(query, "state").value_or("") != pending.state) {
      return make_error(Status::kAuthFailed,
                        "the authorization redirect for " + who +
                            " carried another state than the one sent: it did not answer this "
                            "authorization; run `sluice connection authorize` again");
    }
    const std::optional<std::string> code = query_value(query, "code");
    if (!code || code->empty()) {
      return make_error(Status::kAuthFailed, "the authorization redirect for " + who +
                                                 " carried no code; check http.auth.oauth.authURI");
    }
    std::string summary;
    auto adopted = adopt(context, [&]() -> Result<detail::Obtained> {
      add_secret(*code);
      add_secret(pending.verifier);
      auto obtained = request_token(context, OAuthGrant::kAuthorizationCode,
                                    {{"code", *code},
                                     {"redirect_uri", pending.redirect_uri},
                                     {"code_verifier", pending.verifier}});
      if (!obtained) return obtained;
      summary = "an access token";
      if (obtained->expires_at_ms) {
        summary +=
            " (expires in " +
            std::to_string((*obtained->expires_at_ms - detail::now_epoch_ms() + 500) / 1000) +
            " s)";
      }
      summary += refresh_token_.empty() ? ", no refresh token (authorize again when it expires)"
                                        : " and a refresh token";
      return obtained;
    });
    if (!adopted) return adopted.error();
    if (!context.keeps_state()) {
      summary += "; this host keeps no connection state, so they last for this process only";
    }
    return summary;
  }

 private:
  struct Pending {
    bool started = false;
    std::string verifier, state, redirect_uri;
  };

  detail::Obtained placed(const std::string& token) const {
    TokenAuth with_token = options_.placement;
    with_token.token = token;
    const Auth auth = Auth::with_token(std::move(with_token));
    detail::Obtained out;
    if (auto header = auth.header()) {
      out.secrets.push_back(header->value);
      out.headers.push_back(std::move(*header));
    }
    if (auto param = auth.query_param()) out.query.push_back(std::move(*param));
    for (std::string& secret : auth.secrets()) out.secrets.push_back(std::move(secret));
    return out;
  }

  std::string scope_text() const {
    std::string scope;
    for (const std::string& s : options_.scope) {
      if (!scope.empty()) scope += options_.scope_delimiter;
      scope += s;
    }
    return scope;
  }

  // The token request for `grant` (RFC 6749 §4.4.2, §4.3.2, §4.1.3, §6) with `extra` fields,
  // client authenticated as options_.client_auth says (§2.3.1).
  TokenRequest request_for(OAuthGrant grant, const Headers& extra) const {
    TokenRequest request;
    request.method = "POST";
    request.url = options_.token_url;
    request.headers = options_.token_headers;
    request.headers.push_back({"Accept", "application/json"});
    Headers fields = {{"grant_type", grant_name(grant)}};
    if (grant == OAuthGrant::kPassword) {
      fields.push_back({"username", options_.username});
      fields.push_back({"password", options_.password});
    }
    if (grant == OAuthGrant::kRefreshToken) fields.push_back({"refresh_token", refresh_token_});
    for (const Header& field : extra) fields.push_back(field);
    if (grant == OAuthGrant::kClientCredentials || grant == OAuthGrant::kPassword) {
      if (std::string scope = scope_text(); !scope.empty()) {
        fields.push_back({"scope", std::move(scope)});
      }
    }
    if (options_.client_auth == OAuthClientAuth::kBody) {
      fields.push_back({"client_id", options_.client_id});
      if (!options_.client_secret.empty()) {
        fields.push_back({"client_secret", options_.client_secret});
      }
    } else {
      if (grant == OAuthGrant::kAuthorizationCode && options_.client_secret.empty()) {
        // A public client (§2.1) identifies itself; PKCE stands in for its secret.
        fields.push_back({"client_id", options_.client_id});
      } else {
        // §2.3.1: client id and secret form-encoded, then joined by ':' and base64-encoded.
        set_header(request.headers, "Authorization",
                   "Basic " + base64(percent_encode(options_.client_id) + ":" +
                                     percent_encode(options_.client_secret)));
      }
    }
    request.body = form_encode(fields);
    return request;
  }

  Result<detail::Obtained> request_token(Context& context, OAuthGrant grant,
                                         const Headers& extra = {}) {
    const TokenRequest request = request_for(grant, extra);
    if (auto header = find_header(request.headers, "Authorization")) add_secret(*header);
    const std::string what = std::string("the OAuth 2.0 token request (grant_type=") +
                             grant_name(grant) + ", http.auth.oauth.tokenURI)";
    auto response = send(context, request, what,
                         grant == OAuthGrant::kRefreshToken
                             ? "the refresh token may have been revoked; authorize the "
                               "connection again (`sluice connection authorize`)"
                         : grant == OAuthGrant::kAuthorizationCode
                             ? "the code may have expired or been used; run `sluice connection "
                               "authorize` again, and check http.auth.oauth.clientId, "
                               "clientSecret and tokenURI"
                             : "check http.auth.oauth.clientId, clientSecret, "
                               "clientCredentialsLocation, scope and the grant's credentials");
    if (!response) return response.error();
    auto body = parse_body(*response, request, what);
    if (!body) return body.error();
    if (auto refresh = detail::text_at(*body, "refresh_token")) {
      refresh_token_ = *refresh;
      add_secret(std::move(*refresh));
    }
    auto token = detail::text_at(*body, options_.access_token_path);
    if (!token || token->empty()) {
      return make_error(
          Status::kAuthFailed,
          redact_locked(what + " of " + detail::connection_name(connection()) + " answered HTTP " +
                        std::to_string(response->status) + " without an access token at '" +
                        options_.access_token_path + "' (http.auth.oauth.accessTokenPath): " +
                        body_snippet(redact_locked(response->body))));
    }
    detail::Obtained out = placed(*token);
    if (auto expires_in = detail::text_at(*body, "expires_in")) {
      char* end = nullptr;
      const long long seconds = std::strtoll(expires_in->c_str(), &end, 10);
      if (end != expires_in->c_str() && seconds > 0) {
        out.renew_after = std::chrono::steady_clock::now() + std::chrono::seconds(seconds) -
                          options_.expiry_margin;
        out.expires_at_ms = detail::now_epoch_ms() + seconds * 1000;
      }
    }
    out.persisted = persisted(*token);
    return out;
  }

  boost::json::object persisted(const std::string& token) const {
    boost::json::object doc{{"accessToken", token}};
    if (!refresh_token_.empty()) doc["refreshToken"] = refresh_token_;
    return doc;
  }

  std::optional<detail::Obtained> restore(const boost::json::object& saved) override {
    if (const boost::json::value* refresh = saved.if_contains("refreshToken");
        refresh != nullptr && refresh->is_string() && !refresh->get_string().empty()) {
      refresh_token_ = std::string(refresh->get_string());
      add_secret(refresh_token_);
    }
    const boost::json::value* token = saved.if_contains("accessToken");
    if (token == nullptr || !token->is_string() || token->get_string().empty()) return std::nullopt;
    detail::Obtained out = placed(std::string(token->get_string()));
    if (const boost::json::value* expires = saved.if_contains("expiresAt");
        expires != nullptr && expires->is_int64()) {
      const int64_t left_ms = expires->get_int64() - detail::now_epoch_ms();
      out.expires_at_ms = expires->get_int64();
      out.renew_after = std::chrono::steady_clock::now() + std::chrono::milliseconds(left_ms) -
                        options_.expiry_margin;
    }
    out.persisted = persisted(std::string(token->get_string()));
    return out;
  }

  Result<detail::Obtained> obtain(Context& context, bool renewing) override {
    const bool by_refresh_only = options_.grant == OAuthGrant::kRefreshToken ||
                                 options_.grant == OAuthGrant::kAuthorizationCode;
    if (!refresh_token_.empty() && (renewing || by_refresh_only)) {
      auto refreshed = request_token(context, OAuthGrant::kRefreshToken);
      // A refused refresh token falls back to the configured grant, which needs no user.
      if (refreshed || by_refresh_only || refreshed.error().status != Status::kAuthFailed) {
        return refreshed;
      }
      context.log(LogLevel::kWarn, refreshed.error().message +
                                       "; requesting a new token with "
                                       "grant_type=" +
                                       grant_name(options_.grant));
      refresh_token_.clear();
    }
    if (options_.grant == OAuthGrant::kAuthorizationCode) {
      return make_error(Status::kAuthFailed,
                        detail::connection_name(connection()) +
                            " has no OAuth 2.0 access token it can use or renew: run `sluice "
                            "connection authorize` to authorize it (http.auth.oauth.grantType "
                            "authorizecode)");
    }
    if (options_.grant == OAuthGrant::kRefreshToken) {
      return make_error(Status::kAuthFailed,
                        detail::connection_name(connection()) +
                            " has no refresh token to renew its OAuth 2.0 access token with; run "
                            "'sluice connection authorize' or set http.auth.token.refreshToken");
    }
    return request_token(context, options_.grant);
  }

  OAuth2Options options_;
  std::string refresh_token_;
  std::mutex pending_mutex_;
  Pending pending_;
};

}  // namespace

std::shared_ptr<Authenticator> make_oauth2(ClientOptions transport, OAuth2Options options) {
  return std::make_shared<OAuth2>(std::move(transport), std::move(options));
}

Result<AuthorizationUrl> start_authorization(Authenticator& oauth2, std::string_view redirect_uri) {
  auto* flow = dynamic_cast<OAuth2*>(&oauth2);
  if (flow == nullptr) {
    return make_error(Status::kInvalidConfig,
                      "the connection does not use OAuth 2.0 (http.auth.type oauth with "
                      "http.auth.oauth.grantType authorizecode): it needs no authorization by a "
                      "user");
  }
  return flow->start(redirect_uri);
}

Result<std::string> finish_authorization(Authenticator& oauth2, Context& context,
                                         std::string_view redirect_query) {
  auto* flow = dynamic_cast<OAuth2*>(&oauth2);
  if (flow == nullptr) {
    return make_error(Status::kInvalidConfig, "the connection does not use OAuth 2.0");
  }
  return flow->finish(context, redirect_query);
}

std::string form_encode(const Headers& fields) {
  std::string out;
  for (const Header& field : fields) {
    if (!out.empty()) out += '&';
    percent_encode_to(out, field.name);
    out += '=';
    percent_encode_to(out, field.value);
  }
  return out;
}

}  // namespace sluice::support::http
