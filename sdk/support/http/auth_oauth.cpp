// make_oauth2 (auth_flows.hpp): RFC 6749 token requests for http.auth.oauth.
#include <Poco/Base64Encoder.h>

#include <sstream>

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
  }
  return "client_credentials";
}

class OAuth2 final : public detail::ObtainingAuthenticator {
 public:
  OAuth2(ClientOptions transport, OAuth2Options options)
      : ObtainingAuthenticator(std::move(transport), options.connection,
                               {options.client_secret, options.password, options.refresh_token}),
        options_(std::move(options)),
        refresh_token_(options_.refresh_token) {
    if (!options_.placement.token.empty()) start_with(placed(options_.placement.token));
  }

 private:
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

  // The token request for `grant` (RFC 6749 §4.4.2, §4.3.2, §6), client authenticated as
  // options_.client_auth says (§2.3.1).
  TokenRequest request_for(OAuthGrant grant) const {
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
    if (!options_.scope.empty() && grant != OAuthGrant::kRefreshToken) {
      std::string scope;
      for (const std::string& s : options_.scope) {
        if (!scope.empty()) scope += options_.scope_delimiter;
        scope += s;
      }
      fields.push_back({"scope", std::move(scope)});
    }
    if (options_.client_auth == OAuthClientAuth::kBody) {
      fields.push_back({"client_id", options_.client_id});
      if (!options_.client_secret.empty()) {
        fields.push_back({"client_secret", options_.client_secret});
      }
    } else {
      // §2.3.1: client id and secret form-encoded, then joined by ':' and base64-encoded.
      set_header(request.headers, "Authorization",
                 "Basic " + base64(percent_encode(options_.client_id) + ":" +
                                   percent_encode(options_.client_secret)));
    }
    request.body = form_encode(fields);
    return request;
  }

  Result<detail::Obtained> request_token(Context& context, OAuthGrant grant) {
    const TokenRequest request = request_for(grant);
    if (auto header = find_header(request.headers, "Authorization")) add_secret(*header);
    const std::string what = std::string("the OAuth 2.0 token request (grant_type=") +
                             grant_name(grant) + ", http.auth.oauth.tokenURI)";
    auto response = send(context, request, what,
                         grant == OAuthGrant::kRefreshToken
                             ? "the refresh token may have been revoked; authorize the "
                               "connection again"
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
      }
    }
    return out;
  }

  Result<detail::Obtained> obtain(Context& context, bool renewing) override {
    if (!refresh_token_.empty() && (renewing || options_.grant == OAuthGrant::kRefreshToken)) {
      auto refreshed = request_token(context, OAuthGrant::kRefreshToken);
      // A refused refresh token falls back to the configured grant, which needs no user.
      if (refreshed || options_.grant == OAuthGrant::kRefreshToken ||
          refreshed.error().status != Status::kAuthFailed) {
        return refreshed;
      }
      context.log(LogLevel::kWarn, refreshed.error().message +
                                       "; requesting a new token with "
                                       "grant_type=" +
                                       grant_name(options_.grant));
      refresh_token_.clear();
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
};

}  // namespace

std::shared_ptr<Authenticator> make_oauth2(ClientOptions transport, OAuth2Options options) {
  return std::make_shared<OAuth2>(std::move(transport), std::move(options));
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
