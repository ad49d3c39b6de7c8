#include "serve/api/api_support.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <charconv>

#include "resources/resource_reader.hpp"
#include "serve/api/api_token.hpp"

namespace sluice::serve::api {

namespace json = boost::json;

HttpResponse error_response(int status, std::string_view message, std::string_view status_word,
                            const std::vector<std::string>& problems) {
  json::object error{{"message", message}, {"status", status_word}};
  if (!problems.empty()) {
    json::array list;
    for (const std::string& p : problems) list.emplace_back(p);
    error["problems"] = std::move(list);
  }
  return HttpResponse::json(status, json::serialize(json::object{{"error", std::move(error)}}));
}

HttpResponse error_response(const Error& error) {
  int status = 500;
  switch (error.status) {
    case Status::kNotFound:
      status = 404;
      break;
    case Status::kInvalidConfig:
      status = 422;
      break;
    case Status::kTransient:
      status = 409;
      break;
    case Status::kUnsupported:
      status = 501;
      break;
    default:
      break;
  }
  return error_response(status, error.message, to_string(error.status));
}

HttpResponse json_response(int status, const json::value& body) {
  return HttpResponse::json(status, json::serialize(body));
}

Handler authorized(ApiContext& context, Handler handler) {
  return [&context, handler = std::move(handler)](const HttpRequest& request) {
    auto unauthorized = [](std::string_view message) {
      HttpResponse response = error_response(401, message, "unauthorized");
      response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"sluice\"");
      return response;
    };
    const std::optional<std::string> token = bearer_token(request);
    if (!token) {
      return unauthorized(
          "this request has no API token: send `Authorization: Bearer TOKEN` with a token "
          "made by `sluice token create NAME`");
    }
    auto tokens = context.store.list_api_tokens();
    if (!tokens) return error_response(tokens.error());
    if (!matching_api_token(*token, *tokens)) {
      return unauthorized(
          "the API token is not valid (unknown or revoked): make one with `sluice token "
          "create NAME`");
    }
    return handler(request);
  };
}

ParsedBody parse_object_body(const HttpRequest& request, bool empty_is_object) {
  ParsedBody parsed;
  if (empty_is_object && request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    parsed.object.emplace();
    return parsed;
  }
  auto value = host::parse_resource_text(request.body, "request body");
  if (!value) {
    parsed.problem = error_response(400, value.error().message, "invalid_request");
    return parsed;
  }
  if (!value->is_object()) {
    parsed.problem =
        error_response(400,
                       fmt::format("request body: expected a JSON object, found {}",
                                   value->is_array() ? "an array" : json::serialize(*value)),
                       "invalid_request");
    return parsed;
  }
  parsed.object = std::move(value->as_object());
  return parsed;
}

std::optional<size_t> limit_parameter(const HttpRequest& request, std::string_view name,
                                      size_t fallback, size_t max, HttpResponse& problem) {
  const std::optional<std::string> text = request.query_value(name);
  if (!text) return fallback;
  size_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value == 0 || value > max) {
    problem = error_response(
        400,
        fmt::format("query parameter {}: expected a whole number from 1 to {}, found \"{}\"", name,
                    max, *text),
        "invalid_request");
    return std::nullopt;
  }
  return value;
}

}  // namespace sluice::serve::api
