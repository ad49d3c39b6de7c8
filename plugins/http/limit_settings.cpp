#include "limit_settings.hpp"

namespace sluice::plugins::http {

LimitSettings::LimitSettings(Schema& schema)
    : concurrency_level(
          schema.integer("http.concurrencyLevel")
              .label("Concurrency level")
              .default_value(kDefaultConcurrencyLevel)
              .minimum(1)
              .maximum(kMaxConcurrencyLevel)
              .group("Limits")
              .help("The most requests this connection has in flight at once, counted across "
                    "every flow running in the host process (connections are told apart by "
                    "_id). An import sends up to this many batches of one page at once and a "
                    "lookup this many records' requests; results stay in record order. Lower it "
                    "when the API limits simultaneous requests; 1 sends one request at a time.")),
      rate_limit_status(
          schema.integer("http.rateLimit.failStatusCode")
              .label("HTTP status code for rate-limit errors")
              .default_value(429)
              .minimum(100)
              .maximum(599)
              .group("Limits")
              .help("A response with this status (and always 429) means the API is limiting the "
                    "request rate: the request is sent again after the wait the retry header "
                    "names, else after an exponential backoff with jitter, up to 3 attempts.")),
      rate_limit_path(schema.string("http.rateLimit.failPath")
                          .label("Path to rate-limit errors in HTTP response body")
                          .group("Limits")
                          .help("Dotted path in a JSON response body, for APIs that answer 200 "
                                "with a \"slow down\" body, e.g. errors.0.code; its value is "
                                "compared with http.rateLimit.failValues.")),
      rate_limit_values(schema.array("http.rateLimit.failValues")
                            .label("Rate-limit error values")
                            .items(FieldType::kString)
                            .group("Limits")
                            .help("Values at http.rateLimit.failPath that mean the request was "
                                  "rate limited (compared as text), e.g. [\"rate_limited\"].")),
      rate_limit_wait(
          schema.integer("http.rateLimit.limit")
              .label("Wait time between HTTP requests (ms)")
              .minimum(1)
              .group("Limits")
              .help("For APIs with a fixed request rate: the least time, in milliseconds, "
                    "between the starts of two requests of this connection (1000: one request "
                    "a second). Setting it sends one request at a time, whatever "
                    "http.concurrencyLevel says.")),
      retry_header(schema.string("http.retryHeader")
                       .label("Retry header")
                       .default_value("Retry-After")
                       .group("Limits")
                       .help("The response header naming how long to wait before retrying a "
                             "rate-limited or failed request: seconds (120) or an HTTP date "
                             "(Wed, 21 Oct 2026 07:28:00 GMT). The wait is capped at 30 "
                             "seconds.")) {}

}  // namespace sluice::plugins::http
