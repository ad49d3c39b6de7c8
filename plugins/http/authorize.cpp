// HttpConnection::authorize_start/finish: the OAuth 2.0 authorization code grant with PKCE behind
// `sluice connection authorize ID` (sluice/connector.hpp), over support::http's
// start_authorization/finish_authorization.
#include "connection.hpp"
#include "sluice/support/http/auth_flows.hpp"

namespace sluice::plugins::http {

namespace {

Error not_authorizecode() {
  return make_error(Status::kInvalidConfig,
                    "this connection does not use the OAuth 2.0 authorization code grant, so "
                    "there is nothing to authorize: set http.auth.type oauth with "
                    "http.auth.oauth.grantType authorizecode, authURI, tokenURI and clientId");
}

}  // namespace

Result<AuthorizationStart> HttpConnection::authorize_start(Context&,
                                                           std::string_view redirect_uri) {
  if (!authenticator_) return not_authorizecode();
  auto started = support::http::start_authorization(*authenticator_, redirect_uri);
  if (!started) return started.error();
  return AuthorizationStart{std::move(started->url), std::move(started->state)};
}

Result<std::string> HttpConnection::authorize_finish(Context& context, std::string_view,
                                                     std::string_view redirect_query) {
  if (!authenticator_) return not_authorizecode();
  return support::http::finish_authorization(*authenticator_, context, redirect_query);
}

}  // namespace sluice::plugins::http
