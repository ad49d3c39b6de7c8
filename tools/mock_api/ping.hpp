// Endpoints an HTTP connection's test (http.ping) is pointed at, answering as real APIs do when
// they are up, down, or refuse the credentials. Below /api/, so the token is checked first (a
// wrong one is the router's 401):
//
//   GET|HEAD /api/ping/health       200 {"status":"ok","user":"demo"}
//   GET  /api/ping/maintenance      200 {"status":"maintenance","message":"The API is down for
//                                   maintenance until 02:00 UTC"}
//   GET  /api/ping/expired          200 {"ok":false,"error":{"code":"invalid_token","message":
//                                   "The access token expired"}} (Slack-style: 200 and a flag)
//   GET  /api/ping/statuses         200 {"statuses":["degraded","ok"]} (one per region)
//   GET  /api/ping/forbidden        403 {"error":{"code":"insufficient_scope","message":"The
//                                   token lacks the read:account scope"}}
//   POST /api/ping/graphql          a body {"query":"..."}: 200 {"data":{"viewer":{"login":
//                                   "demo"}}}; otherwise 400 {"errors":[{"message":"Must
//                                   provide query string."}]}
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// The answer to `method` `path` (below /api/ping/), or nullopt when `path` is not a ping path.
std::optional<Reply> ping(std::string_view method, std::string_view path, const std::string& body);

}  // namespace sluice::tools::mock_api
