// make_cookie_login (auth_flows.hpp): http.auth.cookie. Set-Cookie is read by a small parser of
// names and values (RFC 6265 §5.2): the cookies go back to the one API of the connection, so
// domain and path matching do not apply, and a session that expires is noticed by the auth
// failure rule, not by the Expires attribute.
#include <algorithm>
#include <cctype>
#include <utility>

#include "auth_obtain.hpp"

namespace sluice::support::http {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

class CookieLogin final : public detail::ObtainingAuthenticator {
 public:
  CookieLogin(ClientOptions transport, CookieLoginOptions options)
      : ObtainingAuthenticator(std::move(transport), options.connection, options.secrets,
                               options.state_fingerprint),
        options_(std::move(options)) {}

 private:
  Result<detail::Obtained> obtain(Context& context, bool) override {
    constexpr std::string_view kWhat = "the cookie login request (http.auth.cookie.uri)";
    auto response = send(context, options_.login, kWhat,
                         "check http.auth.cookie.uri, method, body and successStatusCode",
                         options_.success_status);
    if (!response) return response.error();
    std::string cookies = cookie_header_from(response->headers);
    if (cookies.empty()) {
      return make_error(
          Status::kAuthFailed,
          redact_locked(std::string(kWhat) + " of " + detail::connection_name(connection()) +
                        " answered HTTP " + std::to_string(response->status) +
                        " without a Set-Cookie header — check http.auth.cookie.uri "
                        "and the login body"));
    }
    detail::Obtained out;
    // Each cookie value is a credential on its own, as is the header as a whole.
    for (const Header& h : response->headers) {
      if (!iequals(h.name, "Set-Cookie")) continue;
      std::string_view pair = std::string_view(h.value).substr(0, h.value.find(';'));
      if (const size_t eq = pair.find('='); eq != std::string_view::npos) {
        out.secrets.emplace_back(trim(pair.substr(eq + 1)));
      }
    }
    out.secrets.push_back(cookies);
    out.persisted = {{"cookie", cookies}};
    out.headers.push_back({"Cookie", std::move(cookies)});
    return out;
  }

  std::optional<detail::Obtained> restore(const boost::json::object& saved) override {
    const boost::json::value* cookie = saved.if_contains("cookie");
    if (cookie == nullptr || !cookie->is_string() || cookie->get_string().empty()) {
      return std::nullopt;
    }
    detail::Obtained out;
    std::string cookies(cookie->get_string());
    // Each value on its own is a credential too ("a=1; b=2").
    for (size_t pos = 0; pos < cookies.size();) {
      const size_t end = std::min(cookies.find(';', pos), cookies.size());
      const std::string_view pair = trim(std::string_view(cookies).substr(pos, end - pos));
      if (const size_t eq = pair.find('='); eq != std::string_view::npos) {
        out.secrets.emplace_back(trim(pair.substr(eq + 1)));
      }
      pos = end + 1;
    }
    out.secrets.push_back(cookies);
    out.persisted = {{"cookie", cookies}};
    out.headers.push_back({"Cookie", std::move(cookies)});
    return out;
  }

  CookieLoginOptions options_;
};

}  // namespace

std::shared_ptr<Authenticator> make_cookie_login(ClientOptions transport,
                                                 CookieLoginOptions options) {
  return std::make_shared<CookieLogin>(std::move(transport), std::move(options));
}

std::string cookie_header_from(const Headers& headers) {
  std::vector<std::pair<std::string, std::string>> jar;
  for (const Header& h : headers) {
    if (!iequals(h.name, "Set-Cookie")) continue;
    std::string_view rest = h.value;
    const size_t semi = rest.find(';');
    const std::string_view pair = rest.substr(0, semi);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(trim(pair.substr(0, eq)));
    const std::string value(trim(pair.substr(eq + 1)));
    if (name.empty()) continue;
    bool removed = value.empty();
    for (std::string_view attrs = semi == std::string_view::npos ? "" : rest.substr(semi + 1);
         !attrs.empty();) {
      const size_t next = attrs.find(';');
      const std::string_view attr = trim(attrs.substr(0, next));
      const size_t attr_eq = attr.find('=');
      if (attr_eq != std::string_view::npos && iequals(trim(attr.substr(0, attr_eq)), "Max-Age") &&
          trim(attr.substr(attr_eq + 1)).starts_with('-')) {
        removed = true;
      }
      if (attr_eq != std::string_view::npos && iequals(trim(attr.substr(0, attr_eq)), "Max-Age") &&
          trim(attr.substr(attr_eq + 1)) == "0") {
        removed = true;
      }
      attrs = next == std::string_view::npos ? std::string_view() : attrs.substr(next + 1);
    }
    auto it = std::find_if(jar.begin(), jar.end(), [&](const auto& c) { return c.first == name; });
    if (it != jar.end()) jar.erase(it);
    if (!removed) jar.emplace_back(name, value);
  }
  std::string out;
  for (const auto& [name, value] : jar) {
    if (!out.empty()) out += "; ";
    out += name + "=" + value;
  }
  return out;
}

}  // namespace sluice::support::http
