// AWS Signature Version 4, as the aws4 helper computes it (exposed for tests against AWS's
// published vectors).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"

namespace sluice::support::tmpl {

// The Authorization header value for `request` ({"method", "url", "headers", "body"}). Signs
// host, x-amz-date (the request's, else `now`), x-amz-security-token (when a session token is
// given) and every other header of the request except authorization, user-agent, connection,
// expect and content-length. An empty region or service is read from the host
// (service.region.amazonaws.com); the region defaults to us-east-1.
Result<std::string> aws4_authorization(const boost::json::object& request, std::string access_key,
                                       std::string secret_key, std::string session_token,
                                       std::string region, std::string service,
                                       std::chrono::system_clock::time_point now);

// The derived signing key, hex.
std::string aws4_signing_key(std::string_view secret_key, std::string_view date,
                             std::string_view region, std::string_view service);

}  // namespace sluice::support::tmpl
