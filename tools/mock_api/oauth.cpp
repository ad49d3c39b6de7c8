#include "oauth.hpp"
#include "oauth_code.hpp"

#include <Poco/Base64Decoder.h>
#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

namespace sluice::tools::mock_api {
namespace {

constexpr std::string_view kClientId = "sluice-client";
constexpr std::string_view kClientSecret = "client-secret";
constexpr std::string_view kUsername = "demo";
constexpr std::string_view kPassword = "demo-pass";
constexpr std::string_view kSeedRefreshToken = "seed-refresh-token";

using Fields = std::map<std::string, std::string>;

// A credential issued and how many more API calls it is good for (nullopt: unlimited).
struct Issued {
  std::optional<std::int64_t> uses_left;
};

class Credentials {
 public:
  std::string issue(const std::string& kind, std::optional<std::int64_t> uses) {
    std::lock_guard lock(mutex_);
    const std::string value = fmt::format("{}-{}", kind, ++counts_[kind]);
    live_[value] = Issued{uses};
    return value;
  }
  // Spends one use of `value`; false when it is unknown or used up.
  bool use(const std::string& value) {
    std::lock_guard lock(mutex_);
    auto it = live_.find(value);
    if (it == live_.end()) return false;
    if (it->second.uses_left) {
      if (*it->second.uses_left <= 0) return false;
      --*it->second.uses_left;
    }
    return true;
  }
  bool known(const std::string& value) {
    std::lock_guard lock(mutex_);
    return live_.contains(value);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> counts_;
  std::map<std::string, Issued> live_;
};

Credentials& credentials() {
  static Credentials store;
  return store;
}

const std::string* find(const Poco::URI::QueryParameters& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::optional<std::int64_t> number(const Poco::URI::QueryParameters& query, std::string_view name) {
  const std::string* text = find(query, name);
  if (text == nullptr) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

std::string oauth_error(std::string_view code, std::string_view description) {
  return boost::json::serialize(
      boost::json::object{{"error", code}, {"error_description", description}});
}

// The fields of an application/x-www-form-urlencoded or JSON body.
Fields fields_of(const Poco::Net::HTTPServerRequest& request, const std::string& body) {
  Fields out;
  if (request.getContentType().starts_with("application/json")) {
    boost::json::error_code ec;
    const boost::json::value json = boost::json::parse(body, ec);
    if (!ec && json.is_object()) {
      for (const auto& [key, value] : json.get_object()) {
        if (value.is_string()) out[std::string(key)] = std::string(value.get_string());
      }
    }
    return out;
  }
  for (const auto& [key, value] : Poco::URI("/?" + body).getQueryParameters()) out[key] = value;
  return out;
}

std::string base64_decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::string out;
  try {
    for (char c; decoder.get(c);) out.push_back(c);
  } catch (...) {
    return {};
  }
  return out;
}

std::string field(const Fields& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

Reply token_endpoint(const Poco::Net::HTTPServerRequest& request,
                     const Poco::URI::QueryParameters& query, const std::string& body) {
  const Fields form = fields_of(request, body);
  const std::string authorization = request.get("Authorization", std::string());
  const bool in_header = authorization.starts_with("Basic ");
  const bool in_body = form.contains("client_id");
  if (in_header && in_body) {
    return {400, oauth_error("invalid_request", "more than one client authentication method")};
  }
  std::string id;
  std::string secret;
  if (in_header) {
    const std::string pair = base64_decode(authorization.substr(6));
    const size_t colon = pair.find(':');
    if (colon != std::string::npos) {
      id = Poco::URI("/?a=" + pair.substr(0, colon)).getQueryParameters().at(0).second;
      secret = Poco::URI("/?a=" + pair.substr(colon + 1)).getQueryParameters().at(0).second;
    }
  } else {
    id = field(form, "client_id");
    secret = field(form, "client_secret");
  }
  if (id != kClientId || secret != kClientSecret) {
    return {401,
            oauth_error("invalid_client", "client authentication failed"),
            {{"WWW-Authenticate", R"(Basic realm="mock")"}}};
  }
  const std::string grant = field(form, "grant_type");
  if (grant == "password") {
    if (field(form, "username") != kUsername || field(form, "password") != kPassword) {
      return {400, oauth_error("invalid_grant", "wrong username or password")};
    }
  } else if (grant == "refresh_token") {
    const std::string refresh = field(form, "refresh_token");
    if (refresh != kSeedRefreshToken && !credentials().known(refresh)) {
      return {400, oauth_error("invalid_grant", "unknown refresh token")};
    }
  } else if (grant == "authorization_code") {
    if (auto refused = check_code(form)) return *refused;
  } else if (grant != "client_credentials") {
    return {400, oauth_error("unsupported_grant_type", "grant_type '" + grant + "'")};
  }
  const auto uses = number(query, "uses");
  boost::json::object answer{{"access_token", credentials().issue("access-token", uses)},
                             {"token_type", "Bearer"},
                             {"expires_in", number(query, "expires_in").value_or(3600)},
                             {"refresh_token", credentials().issue("refresh-token", uses)}};
  if (form.contains("scope")) answer["scope"] = field(form, "scope");
  return {200, boost::json::serialize(answer), {{"Cache-Control", "no-store"}}};
}

Reply refresh_endpoint(const Poco::Net::HTTPServerRequest& request,
                       const Poco::URI::QueryParameters& query, const std::string& body) {
  const std::string refresh = field(fields_of(request, body), "refresh_token");
  if (refresh != kSeedRefreshToken && !credentials().known(refresh)) {
    return {401, R"({"error":"unknown refresh token"})"};
  }
  const auto uses = number(query, "uses");
  return {
      200,
      boost::json::serialize(boost::json::object{
          {"data", boost::json::object{{"token", credentials().issue("access-token", uses)},
                                       {"refresh", credentials().issue("refresh-token", uses)}}}})};
}

Reply login_endpoint(const Poco::Net::HTTPServerRequest& request,
                     const Poco::URI::QueryParameters& query, const std::string& body) {
  const Fields form = fields_of(request, body);
  if (field(form, "username") != kUsername || field(form, "password") != kPassword) {
    return {401, R"({"error":"wrong username or password"})"};
  }
  const std::string session = credentials().issue("session", number(query, "uses"));
  return {200,
          R"({"loggedIn":true})",
          {{"Set-Cookie", "session=" + session + "; Path=/api; HttpOnly"},
           {"Set-Cookie", "theme=dark; Path=/"}}};
}

// The session cookie's value, if the request carries one.
std::string session_of(const Poco::Net::HTTPServerRequest& request) {
  const std::string cookies = request.get("Cookie", std::string());
  for (size_t pos = 0; pos < cookies.size();) {
    const size_t end = std::min(cookies.find(';', pos), cookies.size());
    std::string pair = cookies.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.erase(0, 1);
    if (pair.starts_with("session=")) return pair.substr(8);
    pos = end + 1;
  }
  return {};
}

Reply resource(const Poco::Net::HTTPServerRequest& request,
               const Poco::URI::QueryParameters& query) {
  const bool deny = find(query, "deny") != nullptr;
  const std::string authorization = request.get("Authorization", std::string());
  std::string via;
  bool live = false;
  if (authorization.starts_with("Bearer ")) {
    via = "bearer";
    live = credentials().use(authorization.substr(7));
  } else if (const std::string* token = find(query, "access_token")) {
    via = "param";
    live = credentials().use(*token);
  } else if (const std::string session = session_of(request); !session.empty()) {
    via = "cookie";
    live = credentials().use(session);
  }
  if (live && !deny) {
    return {200, boost::json::serialize(boost::json::object{{"ok", true}, {"via", via}})};
  }
  if (find(query, "soft") != nullptr) {
    return {200, R"({"status":"error","error":{"code":"invalid_token"}})"};
  }
  return {401,
          R"({"error":"invalid_token","error_description":"the access token expired"})",
          {{"WWW-Authenticate", R"(Bearer realm="mock", error="invalid_token")"}}};
}

}  // namespace

Reply auth_api(const Poco::Net::HTTPServerRequest& request, const std::string& path,
               const Poco::URI::QueryParameters& query, const std::string& body) {
  const std::string& method = request.getMethod();
  if (method == "POST" && path == "/api/auth/oauth/token") {
    return token_endpoint(request, query, body);
  }
  if (method == "POST" && path == "/api/auth/refresh")
    return refresh_endpoint(request, query, body);
  if (method == "POST" && path == "/api/auth/login") return login_endpoint(request, query, body);
  if (method == "GET" && path == "/api/auth/resource") return resource(request, query);
  if (method == "GET" && path == "/api/auth/oauth/authorize") return authorize_endpoint(query);
  return {404, fmt::format(R"({{"error":"no such endpoint: {} {}"}})", method, path)};
}

}  // namespace sluice::tools::mock_api
