// The HTTP surface of `sluice serve` (DESIGN.md §6): one server, many routes. Handlers see a
// whole request (its body already read, within the route's limit) and return a whole response;
// they never touch sockets, so each is tested by calling it, and the server (http_server.hpp)
// is tested once over real HTTP.
//
// Thread safety: the server calls handlers from several threads at once; a handler must be safe
// for that (most hold only const state and the store, which is thread-safe).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::serve {

// Header names compare without case (RFC 9110 §5.1).
struct Caseless {
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string path;    // decoded path without the query, e.g. "/webhooks/orders"
  std::string target;  // the raw request target, query included, for signatures over it
  std::multimap<std::string, std::string> query;  // decoded query parameters, in order
  std::multimap<std::string, std::string, Caseless> headers;
  std::string body;
  std::string remote;  // "127.0.0.1:53122"
  // The route's parameters: for the pattern "/webhooks/{exportId}/{token}", {"exportId": ...}.
  std::map<std::string, std::string> params;

  // The first value of header `name`, or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string> query_value(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";             // empty: no Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;  // added as given
  std::string body;

  // {"error":{"message": message, "status": status_word}} with `status`.
  static HttpResponse error(int status, std::string_view message,
                            std::string_view status_word = "failed");
  static HttpResponse json(int status, std::string body);
  static HttpResponse text(int status, std::string body, std::string content_type = "text/plain");
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

struct Route {
  std::string method;   // "GET", "POST", ...; "*" for any
  std::string pattern;  // "/api/v1/flows/{id}/run": literal segments and {name} segments
  Handler handler;
  size_t max_body_bytes = size_t{5} << 20;  // a longer body gets 413 before the handler runs
  std::string summary;  // one line, for listings (the OpenAPI document is written by hand)
};

// Maps (method, path) to a route. Segments match exactly; "{name}" matches one non-empty segment
// and binds it; a pattern ending in "/{name...}" binds the rest of the path (one or more
// segments). When several routes match, the one with more literal segments wins. A path that
// no route matches is 404; one that a route matches with another method is 405 with `Allow`.
class Router {
 public:
  void add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;  // null: none; then `allow` lists the methods the path has
    std::map<std::string, std::string> params;
    std::vector<std::string> allow;
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace sluice::serve
