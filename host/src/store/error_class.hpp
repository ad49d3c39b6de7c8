// The classification of a job error (integrator.io's error classes), derived from the code the
// runtime records. The code is a Sluice status name (sluice/result.hpp: "auth_failed", ...), an
// HTTP status an import result carried ("422"), a code the application or a hook gave ("rejected",
// "DUPLICATE_VALUE"), or one of the runtime's own ("record_too_large", "page_too_large"). The
// first matching rule wins:
//
//   rate limit   : rate_limited, 429, or a code containing "rate" and "limit" / "throttl"
//   too large    : record_too_large, page_too_large, 413, or a code containing "too_large" /
//                  "toolarge" / "too large"
//   connection   : auth_failed, cancelled, 401, 403, 407, 495-499, or a code containing
//                  "auth" / "connection" / "offline" / "forbidden"
//   intermittent : transient, 408, 500, 502, 503, 504, or a code containing "timeout" /
//                  "transient" / "unavailable"
//   duplicate    : 409, or a code containing "duplicate" / "exists" / "conflict"
//   missing      : not_found, 404, 410, or a code containing "missing" / "required" /
//                  "not_found" / "notfound" / "not found"
//   parse        : internal, or a code containing "parse" / "json" / "malformed" / "syntax"
//   value        : everything else (hook, invalid_config, remote_error, unsupported, 400, 422, any
//                  other 4xx/5xx, "rejected", a hook's own codes, no code)
//
// Codes are compared case-insensitively. docs/errors.md has the same table for operators.
#pragma once

#include <string_view>

namespace sluice::host {

// One of "value", "missing", "connection", "intermittent", "rate limit", "too large", "parse",
// "duplicate".
std::string_view classify_error(std::string_view code);

}  // namespace sluice::host
