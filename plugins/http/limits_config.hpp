// Reads the connection's limit settings (limit_settings.hpp) into the client's options: the
// process-wide request gate of the connection, the rate-limit rule and the retry header.
#pragma once

#include <boost/json/object.hpp>

#include "sluice/result.hpp"
#include "sluice/support/http/client.hpp"

namespace sluice::plugins::http {

// Sets options.gate (RequestGate::for_key of the connection's _id, so every flow of the process
// on this connection shares it; a connection without _id gets a gate of its own),
// options.rate_limit and options.retry_header from `doc`. kInvalidConfig names the setting at
// fault, e.g. http.rateLimit.failValues without failPath.
Result<void> configure_limits(const boost::json::object& doc,
                              support::http::ClientOptions& options);

}  // namespace sluice::plugins::http
