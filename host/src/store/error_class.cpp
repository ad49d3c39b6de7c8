#include "store/error_class.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string>

namespace sluice::host {

namespace {

bool has_any(const std::string& code, std::initializer_list<std::string_view> parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [&](std::string_view part) { return code.find(part) != std::string::npos; });
}

bool is_one_of(const std::string& code, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

std::string_view classify_error(std::string_view raw) {
  std::string code(raw.size(), '\0');
  std::transform(raw.begin(), raw.end(), code.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (is_one_of(code, {"rate_limited", "429"}) ||
      (code.find("rate") != std::string::npos && code.find("limit") != std::string::npos) ||
      has_any(code, {"throttl"})) {
    return "rate limit";
  }
  if (is_one_of(code, {"record_too_large", "page_too_large", "413"}) ||
      has_any(code, {"too_large", "toolarge", "too large"})) {
    return "too large";
  }
  if (is_one_of(code, {"auth_failed", "cancelled", "401", "403", "407", "495", "496", "497", "498",
                       "499"}) ||
      has_any(code, {"auth", "connection", "offline", "forbidden"})) {
    return "connection";
  }
  if (is_one_of(code, {"transient", "408", "500", "502", "503", "504"}) ||
      has_any(code, {"timeout", "transient", "unavailable"})) {
    return "intermittent";
  }
  if (is_one_of(code, {"409"}) || has_any(code, {"duplicate", "exists", "conflict"})) {
    return "duplicate";
  }
  if (is_one_of(code, {"not_found", "404", "410"}) ||
      has_any(code, {"missing", "required", "notfound", "not found"})) {
    return "missing";
  }
  if (is_one_of(code, {"internal"}) || has_any(code, {"parse", "json", "malformed", "syntax"})) {
    return "parse";
  }
  return "value";
}

}  // namespace sluice::host
