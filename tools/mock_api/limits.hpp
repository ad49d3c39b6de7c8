// /api/limits/...: the mock acting as rate-limited, flaky and slow APIs do, for the HTTP
// connector's tests of concurrency, rate limits and retries. Every route takes ?counter=K (default
// "default"): counts are kept per counter, so tests running at once do not disturb each other
// (not "key": the HTTP plugin masks query parameters of that name in its messages).
//
//   ANY /api/limits/slow[/ID]    counts the requests in flight and records the most seen at
//                                once. ?hold=N holds each request until N are in flight (all
//                                then go on), or ?ms=M milliseconds have passed (default 2000,
//                                at most 10000), so overlap is certain, not left to timing.
//                                Answers {"id":"ID","inFlight":n} (ID from the path, else null);
//                                a POST of a JSON array gets one {"id":..} item per element
//                                (each element's "id").
//   ANY /api/limits/ratelimited  the first ?fail=N requests (default 1) are refused: with
//                                ?form=seconds (default) 429 and Retry-After: S (?after=S,
//                                default 0), ?form=date 429 and an HTTP-date S seconds ahead,
//                                ?form=body 200 {"error":{"code":"rate_limited"}}; ?header=H
//                                names the header instead of Retry-After. Then 200 {"ok":true}.
//   ANY /api/limits/flaky        the first ?fail=N requests (default 2) answer ?status=S
//                                (default 503); then 200 {"ok":true}.
//   GET  /_mock/limits           {"KEY":{"requests":n,"maxInFlight":m}, ...}
//   POST /_mock/limits/reset     forgets every key
#pragma once

#include <Poco/URI.h>

#include <optional>
#include <string>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// Answers a request below /api/limits/ or /_mock/limits (thread-safe; state lives as long as
// the process); nullopt for any other path.
std::optional<Reply> limits_api(const std::string& method, const std::string& path,
                                const Poco::URI::QueryParameters& query, const std::string& body);

}  // namespace sluice::tools::mock_api
