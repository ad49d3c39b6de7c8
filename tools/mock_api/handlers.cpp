#include "handlers.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <optional>
#include <string_view>

#include "customers.hpp"
#include "media.hpp"
#include "limits.hpp"
#include "oauth.hpp"
#include "orders.hpp"
#include "paging.hpp"
#include "ping.hpp"
#include "records_api.hpp"

namespace sluice::tools::mock_api {
namespace {

constexpr std::int64_t kDefaultPageSize = 100;
constexpr std::int64_t kMaxPageSize = 5000;

using Query = Poco::URI::QueryParameters;

const std::string* find_parameter(const Query& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::optional<std::int64_t> parse_positive(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

class Router : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Router(ServerContext& context) : context_(context) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    // Read the whole body first, always: an unread body would corrupt the next request on
    // a kept-alive connection.
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    bool shutdown = false;
    Reply reply;
    try {
      reply = route(request, std::move(body), shutdown);
    } catch (const Poco::SyntaxException& e) {
      reply = {400, error_json(fmt::format("malformed request URI: {}", e.displayText()))};
    } catch (const std::exception& e) {
      reply = {500, error_json(fmt::format("internal error in the mock API: {}", e.what()))};
    }
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    response.setContentType("application/json");
    for (const auto& [name, value] : reply.headers) {
      if (Poco::icompare(name, "Content-Type") == 0) {
        response.setContentType(value);  // a reply whose body is not JSON (media.hpp)
      } else {
        response.add(name, value);
      }
    }
    // The last answer of a server that is stopping: close this connection after it, so that the
    // server can wait for it to end before it stops (a reset would lose the answer).
    if (shutdown) response.setKeepAlive(false);
    response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    response.sendBuffer(reply.body.data(), reply.body.size());
    if (shutdown && context_.request_shutdown) context_.request_shutdown();
  }

 private:
  Reply route(const Poco::Net::HTTPServerRequest& request, std::string body, bool& shutdown) {
    const Poco::URI uri(request.getURI());
    const std::string& path = uri.getPath();
    const std::string& method = request.getMethod();
    const bool get = method == "GET";
    const bool post = method == "POST";

    if (get && path == "/health") return {200, R"({"status":"ok"})"};
    if (path.starts_with("/auth/") || path == "/_mock/auth/keys") {  // auth.hpp
      boost::json::object headers;
      for (const auto& [name, value] : request) headers[Poco::toLower(name)] = value;
      if (path != "/_mock/auth/keys")
        context_.recorder.record(method, request.getURI(), std::move(headers), body);
      return context_.auth.handle(request, body);
    }
    if (path.starts_with("/api/")) {
      boost::json::object headers;
      for (const auto& [name, value] : request) headers[Poco::toLower(name)] = value;
      context_.recorder.record(method, request.getURI(), std::move(headers), body);
      const Query query = uri.getQueryParameters();
      if (path.starts_with("/api/auth/")) return auth_api(request, path, query, body);
      if (!authorized(request, query)) {
        return {
            401,
            R"({"error":"missing or wrong token","hint":"send Authorization: Bearer <token>"})"};
      }
      const bool echo = context_.options.echo_credentials;
      const Credentials credentials = credentials_of(request, query);
      const EchoCut cut = [&] {
        const std::string* text = find_parameter(query, "echoCut");
        return text != nullptr && *text == "json" ? EchoCut::kJson : EchoCut::kRaw;
      }();
      if (echo && path == "/api/echo") return {403, echo_body(credentials, cut)};
      if (path.starts_with("/api/media/"))
        return media_reply(request, path, body)
            .value_or(Reply{404, error_json("no such media endpoint: " + path)});
      if (get && path == "/api/me") return {200, R"({"user":"demo","authenticated":true})"};
      if (auto reply = paging(method, path, query, request.getHost(), body)) return *reply;
      if (auto reply = path.starts_with("/api/ping/") ? ping(method, path, body) : std::nullopt)
        return *reply;
      if (get && path == "/api/orders") {
        if (echo && page_of(query) == context_.options.fail_page) {
          return {403, echo_body(credentials, cut)};
        }
        return orders(query);
      }
      if (get) {
        if (auto reply = customers(path, find_parameter(query, "email"))) return *reply;
      }
      if (auto reply = limits_api(method, path, query, body)) return *reply;  // limits.hpp
      if (path.starts_with("/api/callbacks/")) {
        return {200, R"({"ok":true})"};
      }
      if (auto reply = records_api(method, path, body)) return *reply;
      if (post && path == "/api/sink") {
        return context_.sink.ingest(std::move(body), echo ? &credentials : nullptr);
      }
    }
    if (get && path == "/_mock/sink") return {200, context_.sink.summary_json()};
    if (get && path == "/_mock/sink/bodies") return context_.sink.bodies_json();
    if (get && path == "/_mock/sink/ids") return {200, context_.sink.ids_json()};
    if (get && path == "/_mock/requests") return {200, context_.recorder.json()};
    if (path.starts_with("/_mock/limits")) {
      if (auto reply = limits_api(method, path, uri.getQueryParameters(), body)) return *reply;
    }
    if (post && path == "/_mock/reset") {
      context_.sink.reset();
      context_.recorder.reset();
      return {200, R"({"status":"reset"})"};
    }
    if (post && path == "/_mock/reject") return set_reject(body);
    if (post && path == "/_mock/shutdown") {
      shutdown = true;
      return {200, R"({"status":"shutting down"})"};
    }
    return {404, error_json(fmt::format("no such endpoint: {} {}", method, path))};
  }

  bool authorized(const Poco::Net::HTTPServerRequest& request, const Query& query) const {
    const std::string& token = context_.options.token;
    // By value: get() with a default returns a reference that may be to that temporary.
    const std::string header = request.get("Authorization", std::string());
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() == kBearer.size() + token.size() && header.starts_with(kBearer) &&
        std::string_view(header).substr(kBearer.size()) == token) {
      return true;
    }
    const std::string* access_token = find_parameter(query, "access_token");
    return access_token != nullptr && *access_token == token;
  }

  static Credentials credentials_of(const Poco::Net::HTTPServerRequest& request,
                                    const Query& query) {
    Credentials credentials;
    credentials.authorization = request.get("Authorization", std::string());
    constexpr std::string_view kBearer = "Bearer ";
    if (credentials.authorization.starts_with(kBearer)) {
      credentials.token = credentials.authorization.substr(kBearer.size());
    } else if (const std::string* access_token = find_parameter(query, "access_token")) {
      credentials.token = *access_token;
    }
    return credentials;
  }

  // The page a GET /api/orders asks for (1 when absent or malformed; orders() reports those).
  static std::int64_t page_of(const Query& query) {
    const std::string* text = find_parameter(query, "page");
    return text != nullptr ? parse_positive(*text).value_or(1) : 1;
  }

  Reply orders(const Query& query) const {
    std::int64_t page = 1;
    std::int64_t page_size = kDefaultPageSize;
    if (const std::string* text = find_parameter(query, "page")) {
      const auto value = parse_positive(*text);
      if (!value) {
        return {400, error_json(fmt::format("query parameter page={}: expected a page number >= 1",
                                            *text))};
      }
      page = *value;
    }
    if (const std::string* text = find_parameter(query, "pageSize")) {
      const auto value = parse_positive(*text);
      if (!value || *value > kMaxPageSize) {
        return {400, error_json(fmt::format("query parameter pageSize={}: expected a number 1..{}",
                                            *text, kMaxPageSize))};
      }
      page_size = *value;
    }
    if (page == context_.options.fail_page) {
      return {500, error_json(fmt::format("injected failure on page {}", page))};
    }
    if (const std::string* since = find_parameter(query, "updated_since")) {
      const auto first = first_order_since(*since);
      if (!first) {
        return {400, error_json(fmt::format("query parameter updated_since={}: expected an ISO "
                                            "8601 UTC time such as 2026-01-01T10:00:00Z",
                                            *since))};
      }
      return {200, orders_page_json(page, page_size, context_.options.orders, context_.base_url,
                                    *first, *since)};
    }
    return {200, orders_page_json(page, page_size, context_.options.orders, context_.base_url)};
  }

  Reply set_reject(const std::string& body) {
    boost::json::error_code ec;
    const boost::json::value ids = boost::json::parse(body, ec);
    const auto bad = [] {
      return Reply{400, error_json("expected a JSON array of order id strings, e.g. "
                                   R"(["ORD-000007"])")};
    };
    if (ec || !ids.is_array()) return bad();
    std::vector<std::string> list;
    for (const auto& id : ids.get_array()) {
      if (!id.is_string()) return bad();
      list.emplace_back(id.get_string());
    }
    context_.sink.set_reject(list);
    return {200, fmt::format(R"({{"reject":{}}})", boost::json::serialize(ids))};
  }

  ServerContext& context_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new Router(context_);
}

}  // namespace sluice::tools::mock_api
