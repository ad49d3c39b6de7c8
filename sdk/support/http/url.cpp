// URL handling is written here rather than with Poco::URI on purpose: Poco::URI decodes the path
// and re-encodes it when the request target is built, which changes URLs such as ".../a%2Fb"
// that some APIs depend on. Connectors must send the URL the user configured, byte for byte.
#include "sluice/support/http/url.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace sluice::support::http {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::strchr("-_.!~*'()", c) != nullptr;
}

// The query of `url` as [begin, end) offsets: after '?' and before '#'. begin == npos if none.
std::pair<size_t, size_t> query_range(std::string_view url) noexcept {
  const size_t hash = url.find('#');
  const size_t end = hash == std::string_view::npos ? url.size() : hash;
  const size_t q = url.substr(0, end).find('?');
  if (q == std::string_view::npos) return {std::string_view::npos, end};
  return {q + 1, end};
}

// Calls fn(name_begin, name_end, value_begin, value_end) for each parameter of the query
// [begin, end) of url; stops when fn returns true.
template <class Fn>
void for_each_param(std::string_view url, size_t begin, size_t end, Fn fn) {
  size_t pos = begin;
  while (pos <= end && begin != std::string_view::npos) {
    size_t amp = url.find('&', pos);
    if (amp == std::string_view::npos || amp > end) amp = end;
    const size_t eq = url.substr(0, amp).find('=', pos);
    const size_t name_end = eq == std::string_view::npos ? amp : eq;
    const size_t value_begin = eq == std::string_view::npos ? amp : eq + 1;
    if (fn(pos, name_end, value_begin, amp)) return;
    pos = amp + 1;
  }
}

}  // namespace

bool is_absolute_url(std::string_view text) noexcept {
  return istarts_with(text, "http://") || istarts_with(text, "https://");
}

std::optional<UrlParts> parse_url(std::string_view url) noexcept {
  UrlParts parts;
  std::string_view rest;
  if (istarts_with(url, "http://")) {
    rest = url.substr(7);
  } else if (istarts_with(url, "https://")) {
    parts.https = true;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = rest.substr(authority_end);
  target = target.substr(0, std::min(target.find('#'), target.size()));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    parts.userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parts.host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    parts.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (parts.host.empty()) return std::nullopt;
  parts.port = parts.https ? 443 : 80;
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return std::nullopt;
    }
    parts.port = static_cast<uint16_t>(port);
  }
  parts.target = target.empty() ? std::string_view("/") : target;
  if (parts.target.front() == '?') return std::nullopt;  // "http://host?x" has no path; refuse
  return parts;
}

std::string join_url(std::string_view base, std::string_view relative) {
  if (is_absolute_url(relative)) return std::string(relative);
  std::string out;
  out.reserve(base.size() + relative.size() + 1);
  out.append(base);
  if (relative.empty()) return out;
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (relative.front() == '?') {
    out.append(relative);
    return out;
  }
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  out.push_back('/');
  out.append(relative);
  return out;
}

void percent_encode_to(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.reserve(out.size() + text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

std::string percent_encode(std::string_view text) {
  std::string out;
  percent_encode_to(out, text);
  return out;
}

bool has_query_param(std::string_view url, std::string_view name) noexcept {
  auto [begin, end] = query_range(url);
  bool found = false;
  for_each_param(url, begin, end, [&](size_t nb, size_t ne, size_t, size_t) {
    found = url.substr(nb, ne - nb) == name;
    return found;
  });
  return found;
}

void set_query_param(std::string& url, std::string_view name, std::string_view value) {
  std::string encoded;
  percent_encode_to(encoded, value);
  auto [begin, end] = query_range(url);
  bool replaced = false;
  for_each_param(url, begin, end, [&](size_t nb, size_t ne, size_t vb, size_t ve) {
    if (std::string_view(url).substr(nb, ne - nb) != name) return false;
    if (vb == ve && ne == ve) {
      url.insert(ne, "=" + encoded);
    } else {
      url.replace(vb, ve - vb, encoded);
    }
    replaced = true;
    return true;
  });
  if (replaced) return;
  std::string param;
  param.reserve(name.size() + encoded.size() + 2);
  if (begin == std::string::npos) {
    param.push_back('?');
  } else if (end > begin && url[end - 1] != '&') {
    param.push_back('&');
  }
  param.append(name);
  param.push_back('=');
  param.append(encoded);
  url.insert(end, param);
}

std::string redact_url(std::string_view url, const std::vector<std::string>& secret_params) {
  // Userinfo is dropped even from URLs parse_url() refuses ("http://user:pw@"), since those
  // end up in error messages too.
  std::string out(url);
  if (const size_t scheme_end = out.find("://"); scheme_end != std::string::npos) {
    const size_t authority = scheme_end + 3;
    const size_t authority_end = std::min(out.find_first_of("/?#", authority), out.size());
    const size_t at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority && at < authority_end) {
      out.erase(authority, at + 1 - authority);
    }
  }
  auto [begin, end] = query_range(out);
  if (begin == std::string::npos || secret_params.empty()) return out;
  std::string result;
  result.reserve(out.size());
  size_t copied = 0;
  for_each_param(out, begin, end, [&](size_t nb, size_t ne, size_t vb, size_t ve) {
    const std::string_view name = std::string_view(out).substr(nb, ne - nb);
    const bool secret = std::any_of(secret_params.begin(), secret_params.end(),
                                    [&](const std::string& s) { return iequals(s, name); });
    if (secret && ve > vb) {
      result.append(out, copied, vb - copied);
      result.append("******");
      copied = ve;
    }
    return false;
  });
  result.append(out, copied, std::string::npos);
  return result;
}

}  // namespace sluice::support::http
