// The HTTP connection's limit settings — concurrency, the non-standard rate limiter and the
// retry header — with integrator.io's JSON names (reference/integratorio.md §3). Declarations
// only, as auth_settings.hpp; limits_config.hpp reads them into the client's options.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/value.hpp>

#include "sluice/schema.hpp"
#include "sluice/settings.hpp"

namespace sluice::plugins::http {

// integrator.io's default http.concurrencyLevel, and its largest value.
inline constexpr int64_t kDefaultConcurrencyLevel = 25;
inline constexpr int64_t kMaxConcurrencyLevel = 50;

// Declared into the connection schema by ConnectionSettings, in form order.
struct LimitSettings {
  explicit LimitSettings(Schema& schema);
  Setting<int64_t> concurrency_level;
  Setting<int64_t> rate_limit_status;
  Setting<std::string> rate_limit_path;
  Setting<boost::json::value> rate_limit_values;
  Setting<int64_t> rate_limit_wait;
  Setting<std::string> retry_header;
};

}  // namespace sluice::plugins::http
