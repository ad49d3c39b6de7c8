#include "ping.hpp"

#include <boost/json/parse.hpp>

namespace sluice::tools::mock_api {

std::optional<Reply> ping(std::string_view method, std::string_view path, const std::string& body) {
  const bool get = method == "GET" || method == "HEAD";
  if (get && path == "/api/ping/health") return Reply{200, R"({"status":"ok","user":"demo"})"};
  if (get && path == "/api/ping/maintenance") {
    return Reply{
        200,
        R"({"status":"maintenance","message":"The API is down for maintenance until 02:00 UTC"})"};
  }
  if (get && path == "/api/ping/expired") {
    return Reply{
        200,
        R"({"ok":false,"error":{"code":"invalid_token","message":"The access token expired"}})"};
  }
  if (get && path == "/api/ping/statuses") return Reply{200, R"({"statuses":["degraded","ok"]})"};
  if (get && path == "/api/ping/forbidden") {
    return Reply{403, R"({"error":{"code":"insufficient_scope","message":"The token lacks the )"
                      R"(read:account scope"}})"};
  }
  if (method == "POST" && path == "/api/ping/graphql") {
    boost::json::error_code ec;
    const boost::json::value request = boost::json::parse(body, ec);
    const boost::json::object* object = ec ? nullptr : request.if_object();
    const boost::json::value* query = object != nullptr ? object->if_contains("query") : nullptr;
    if (query != nullptr && query->is_string() && !query->get_string().empty()) {
      return Reply{200, R"({"data":{"viewer":{"login":"demo"}}})"};
    }
    return Reply{400, R"({"errors":[{"message":"Must provide query string."}]})"};
  }
  return std::nullopt;
}

}  // namespace sluice::tools::mock_api
