#include "limits_config.hpp"

#include "config.hpp"
#include "settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::http::GateOptions;
using support::http::RequestGate;

Result<void> configure_limits(const json::object& doc, support::http::ClientOptions& options) {
  const LimitSettings& s = connection_settings().limits;
  auto concurrency = s.concurrency_level.read(doc);
  if (!concurrency) return concurrency.error();
  auto status = s.rate_limit_status.read(doc);
  if (!status) return status.error();
  auto path = s.rate_limit_path.read(doc);
  if (!path) return path.error();
  auto values = read_values(s.rate_limit_values, doc);
  if (!values) return values.error();
  if (path->empty() != values->empty()) {
    return make_error(Status::kInvalidConfig,
                      path->empty() ? "http.rateLimit.failValues is set without "
                                      "http.rateLimit.failPath: set the path of the response "
                                      "field the values are compared with"
                                    : "http.rateLimit.failPath is set without "
                                      "http.rateLimit.failValues: list the values at that path "
                                      "that mean the request was rate limited");
  }
  auto wait = s.rate_limit_wait.read(doc);
  if (!wait) return wait.error();
  auto header = s.retry_header.read(doc);
  if (!header) return header.error();

  options.rate_limit = {.status_code = static_cast<int>(*status),
                        .path = std::move(*path),
                        .values = std::move(*values)};
  options.retry_header = header->empty() ? std::string("Retry-After") : std::move(*header);
  GateOptions gate;
  gate.concurrency = static_cast<int>(*concurrency);
  if (*wait > 0) {
    gate.concurrency = 1;
    gate.min_interval = std::chrono::milliseconds(*wait);
  }
  const json::value* id = doc.if_contains("_id");
  if (id != nullptr && id->is_string() && !id->get_string().empty()) {
    options.gate = RequestGate::for_key("http-connection:" + std::string(id->get_string()), gate);
  } else {
    options.gate = std::make_shared<RequestGate>(gate);
  }
  return {};
}

}  // namespace sluice::plugins::http
