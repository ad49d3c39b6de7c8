// What the HTTP engine's "a value at a path of the response body means X" rules share
// (http.auth.failPath/failValues, http.rateLimit.failPath/failValues): reading that value.
// Internal to sluice_support_http.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sluice/support/http/message.hpp"

namespace sluice::support::http {

// When `response`'s body is JSON whose value at `path` (a dotted path) is a scalar whose text
// (a string as it is, null as "null", other scalars as JSON) is one of `values`: why, as
// "HTTP <status> whose <path> is '<text>' (<setting>)". nullopt otherwise, and when `path` or
// `values` is empty.
std::optional<std::string> body_value_matches(const Response& response, const std::string& path,
                                              const std::vector<std::string>& values,
                                              const char* setting);

// "HTTP <status>" and its reason phrase when the response has one.
std::string status_text(const Response& response);

}  // namespace sluice::support::http
