// URL helpers for HTTP connectors: integrator.io's base + relative URI rule, query parameters,
// percent-encoding, and hiding credentials before a URL goes into a message or a log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::support::http {

// The parts of an absolute http(s) URL, as views into the string it was parsed from.
struct UrlParts {
  bool https = false;
  std::string_view userinfo;  // "user:password" before '@', or empty
  std::string_view host;      // without the brackets of an IPv6 literal
  uint16_t port = 0;          // the explicit port, else 80 or 443
  std::string_view target;    // path and query as written ("/" when absent), no fragment
};

// True when `text` starts with "http://" or "https://" (case-insensitively).
bool is_absolute_url(std::string_view text) noexcept;

// Parses an absolute http:// or https:// URL with a host; nullopt otherwise. The path and query
// are kept byte for byte (no decoding and re-encoding, which would turn %2F into '/').
std::optional<UrlParts> parse_url(std::string_view url) noexcept;

// integrator.io's rule: an absolute `relative` is used as it is; otherwise `base` and `relative`
// are concatenated with exactly one '/' between them (none when `relative` starts with '?', and
// `base` alone when `relative` is empty).
std::string join_url(std::string_view base, std::string_view relative);

// Sets the query parameter `name` to `value` (percent-encoded here), replacing the first
// parameter of that name if there is one, else appending it with '?' or '&'.
void set_query_param(std::string& url, std::string_view name, std::string_view value);

// True when the query of `url` has a parameter named `name` (exact, case-sensitive).
bool has_query_param(std::string_view url, std::string_view name) noexcept;

// Percent-encodes like JavaScript's encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * '
// ( ) is encoded as %XX of its UTF-8 bytes.
void percent_encode_to(std::string& out, std::string_view text);
std::string percent_encode(std::string_view text);

// `url` without its userinfo and with the values of the query parameters named in
// `secret_params` (compared case-insensitively) replaced by "******".
std::string redact_url(std::string_view url, const std::vector<std::string>& secret_params = {});

}  // namespace sluice::support::http
