// make_token_refresh (auth_flows.hpp): http.auth.token with refreshRelativeURI.
#include "auth_obtain.hpp"

namespace sluice::support::http {

namespace {

// The credentials that send `token` as `placement` says.
detail::Obtained placed(const TokenAuth& placement, const std::string& token) {
  TokenAuth with_token = placement;
  with_token.token = token;
  const Auth auth = Auth::with_token(std::move(with_token));
  detail::Obtained out;
  if (auto header = auth.header()) out.headers.push_back(std::move(*header));
  if (auto param = auth.query_param()) out.query.push_back(std::move(*param));
  out.secrets = auth.secrets();
  if (auto header = auth.header()) out.secrets.push_back(header->value);
  return out;
}

class TokenRefresh final : public detail::ObtainingAuthenticator {
 public:
  TokenRefresh(ClientOptions transport, TokenRefreshOptions options)
      : ObtainingAuthenticator(std::move(transport), options.connection, options.secrets,
                               options.state_fingerprint),
        options_(std::move(options)) {
    if (!options_.placement.token.empty()) {
      start_with(placed(options_.placement, options_.placement.token));
    }
  }

 private:
  Result<detail::Obtained> obtain(Context& context, bool) override {
    constexpr std::string_view kWhat =
        "the token refresh request (http.auth.token.refreshRelativeURI)";
    auto response = send(context, options_.request, kWhat,
                         "check http.auth.token.refreshRelativeURI, refreshBody and the refresh "
                         "token");
    if (!response) return response.error();
    auto body = parse_body(*response, options_.request, kWhat);
    if (!body) return body.error();
    std::vector<std::string> others;
    for (const std::string& path : options_.secret_paths) {
      if (auto value = detail::text_at(*body, path)) {
        add_secret(*value);
        others.push_back(std::move(*value));
      }
    }
    auto token = detail::text_at(*body, options_.token_path);
    if (!token || token->empty()) {
      return make_error(
          Status::kAuthFailed,
          redact_locked(std::string(kWhat) + " of " + detail::connection_name(connection()) +
                        " answered HTTP " + std::to_string(response->status) +
                        " without a token at '" + options_.token_path +
                        "' (http.auth.token.refreshTokenPath): " +
                        body_snippet(redact_locked(response->body)) +
                        " — set refreshTokenPath to the token's path in that body"));
    }
    detail::Obtained out = placed(options_.placement, *token);
    for (std::string& other : others) out.secrets.push_back(std::move(other));
    out.persisted = {{"accessToken", *token}};
    return out;
  }

  std::optional<detail::Obtained> restore(const boost::json::object& saved) override {
    const boost::json::value* token = saved.if_contains("accessToken");
    if (token == nullptr || !token->is_string() || token->get_string().empty()) return std::nullopt;
    detail::Obtained out = placed(options_.placement, std::string(token->get_string()));
    out.persisted = {{"accessToken", token->get_string()}};
    return out;
  }

  TokenRefreshOptions options_;
};

}  // namespace

std::shared_ptr<Authenticator> make_token_refresh(ClientOptions transport,
                                                  TokenRefreshOptions options) {
  return std::make_shared<TokenRefresh>(std::move(transport), std::move(options));
}

}  // namespace sluice::support::http
