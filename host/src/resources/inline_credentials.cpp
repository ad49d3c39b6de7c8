#include "resources/inline_credentials.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

#include <boost/json/value.hpp>

namespace sluice::host {

namespace json = boost::json;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool named_like_a_uri(std::string_view key) {
  const std::string name = lower(key);
  return name.ends_with("uri") || name.ends_with("url");
}

bool schema_says_uri(const json::object* property) {
  if (property == nullptr) return false;
  const json::value* format = property->if_contains("format");
  if (format == nullptr || !format->is_string()) return false;
  const std::string value = lower(format->get_string());
  return value == "uri" || value == "url" || value == "uri-reference";
}

const json::object* child_schema(const json::object* schema, std::string_view key) {
  if (schema == nullptr) return nullptr;
  const json::value* properties = schema->if_contains("properties");
  if (properties == nullptr || !properties->is_object()) return nullptr;
  const json::value* child = properties->get_object().if_contains(key);
  return child != nullptr ? child->if_object() : nullptr;
}

const json::object* item_schema(const json::object* schema) {
  if (schema == nullptr) return nullptr;
  const json::value* items = schema->if_contains("items");
  return items != nullptr ? items->if_object() : nullptr;
}

// The URI with its user information hidden, e.g. "https://******@api.example.com/v1", or
// nullopt when it has none.
std::optional<std::string> without_userinfo(std::string_view uri) {
  const size_t scheme_end = uri.find("://");
  size_t authority_begin = 0;
  if (scheme_end != std::string_view::npos) {
    authority_begin = scheme_end + 3;
  } else if (uri.empty() || uri.front() == '/') {
    return std::nullopt;
  }
  const size_t authority_end = std::min(uri.find_first_of("/?#", authority_begin), uri.size());
  const std::string_view authority = uri.substr(authority_begin, authority_end - authority_begin);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  // Without a scheme, only "user:password@host" reads as credentials ("a@b" may be anything).
  if (scheme_end == std::string_view::npos &&
      authority.substr(0, at).find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  std::string shown(uri.substr(0, authority_begin));
  shown.append("******").append(uri.substr(authority_begin + at));
  return shown;
}

constexpr std::array<std::string_view, 3> kCredentialHeaders = {"authorization",
                                                                "proxy-authorization", "cookie"};

std::string header_advice(const std::string& name) {
  if (name == "cookie") {
    return "set http.auth.type: token with http.auth.token.headerName: Cookie, "
           "http.auth.token.scheme: \"\" and the cookie as http.auth.token.token";
  }
  if (name == "proxy-authorization") {
    return "set http.auth.type: token with http.auth.token.headerName: Proxy-Authorization and "
           "the credential as http.auth.token.token";
  }
  return "set http.auth.type: token with the token as http.auth.token.token (sent as "
         "\"Authorization: Bearer <token>\"; http.auth.token.scheme changes \"Bearer\"), or "
         "http.auth.type: basic with http.auth.basic.username and http.auth.basic.password";
}

class Finder {
 public:
  explicit Finder(std::vector<std::string>& problems) : problems_(problems) {}

  void visit(const json::value& node, const std::string& path, std::string_view key,
             const json::object* schema) {
    if (const auto* text = node.if_string()) {
      if (named_like_a_uri(key) || schema_says_uri(schema)) check_uri(*text, path);
    } else if (const auto* object = node.if_object()) {
      for (const auto& [child_key, child] : *object) {
        visit(child, fmt::format("{}.{}", path, std::string_view(child_key)), child_key,
              child_schema(schema, child_key));
      }
    } else if (const auto* array = node.if_array()) {
      for (size_t i = 0; i < array->size(); ++i) {
        const std::string item_path = fmt::format("{}[{}]", path, i);
        check_header((*array)[i], item_path);
        visit((*array)[i], item_path, key, item_schema(schema));
      }
    }
  }

 private:
  void check_uri(std::string_view uri, const std::string& path) {
    const auto shown = without_userinfo(uri);
    if (!shown) return;
    problems_.push_back(fmt::format(
        "{}: credentials in the URI's user information (\"{}\") would be stored and shown in "
        "plain text — remove them from the URI and set http.auth.type: basic with "
        "http.auth.basic.username and http.auth.basic.password (or http.auth.type: token with "
        "http.auth.token.token), which are stored encrypted",
        path, *shown));
  }

  // An element of an array of headers: {"name": ..., "value": ...}.
  void check_header(const json::value& item, const std::string& path) {
    const json::object* header = item.if_object();
    if (header == nullptr || !header->contains("value")) return;
    const json::value* name = header->if_contains("name");
    if (name == nullptr || !name->is_string()) return;
    const std::string lowered = lower(name->get_string());
    if (std::find(kCredentialHeaders.begin(), kCredentialHeaders.end(), lowered) ==
        kCredentialHeaders.end()) {
      return;
    }
    problems_.push_back(
        fmt::format("{}: a literal {} header would be stored and shown in plain text — remove "
                    "it and {}, which is stored encrypted",
                    path, std::string_view(name->get_string()), header_advice(lowered)));
  }

  std::vector<std::string>& problems_;
};

}  // namespace

std::vector<std::string> find_inline_credentials(const json::object& doc,
                                                 const json::object& schema) {
  std::vector<std::string> problems;
  Finder finder(problems);
  for (const auto& [key, child] : doc) {
    finder.visit(child, fmt::format("$.{}", std::string_view(key)), key,
                 child_schema(&schema, key));
  }
  return problems;
}

}  // namespace sluice::host
