// What the REST API's handlers (api_*.cpp) share: the bearer-token check, JSON bodies and
// errors, query parameters. Internal to serve/api.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "serve/api/api.hpp"
#include "serve/http.hpp"
#include "sluice/result.hpp"

namespace sluice::serve::api {

inline constexpr std::string_view kPrefix = "/api/v1";

// {"error":{"message","status"[,"problems"]}} with HTTP `status`.
HttpResponse error_response(int status, std::string_view message, std::string_view status_word,
                            const std::vector<std::string>& problems = {});
// An Error of the store or the runtime, with the HTTP status that fits its Status (not_found 404,
// invalid_config 422, transient 409, unsupported 501, others 500).
HttpResponse error_response(const Error& error);
HttpResponse json_response(int status, const boost::json::value& body);

// Wraps `handler` so that it runs only for a request with a valid bearer token; else 401 with
// "WWW-Authenticate: Bearer" and a message saying how to get one.
Handler authorized(ApiContext& context, Handler handler);

// The body of a request as a JSON object, parsed as resource files are (line and column in the
// message, named "request body"); an HttpResponse (400) when it is not one.
struct ParsedBody {
  std::optional<boost::json::object> object;
  HttpResponse problem;
};
ParsedBody parse_object_body(const HttpRequest& request, bool empty_is_object = false);

// Query parameter `name` as a whole number 1..max; `fallback` when absent; nullopt when malformed
// (then `problem` is the 400 to send).
std::optional<size_t> limit_parameter(const HttpRequest& request, std::string_view name,
                                      size_t fallback, size_t max, HttpResponse& problem);

// Route registration helpers for the api_*.cpp files.
void add_resource_routes(Router& router, ApiContext& context);
void add_job_routes(Router& router, ApiContext& context);
void add_error_routes(Router& router, ApiContext& context);
void add_plugin_routes(Router& router, ApiContext& context);

}  // namespace sluice::serve::api
