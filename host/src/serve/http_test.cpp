// The router's matching, and the server over real HTTP on loopback (Poco's client).
#include "serve/http.hpp"
#include "serve/http_server.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

namespace sluice::serve {
namespace {

Handler says(std::string what) {
  return [what](const HttpRequest&) { return HttpResponse::text(200, what); };
}

TEST(Router, LiteralSegmentsWinOverParametersAndBindThem) {
  Router router;
  router.add({.method = "GET", .pattern = "/api/v1/flows/{id}", .handler = says("one")});
  router.add({.method = "GET", .pattern = "/api/v1/flows/schedule", .handler = says("lit")});
  router.add({.method = "POST", .pattern = "/api/v1/flows/{id}/run", .handler = says("run")});
  auto one = router.match("GET", "/api/v1/flows/f1");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.route->pattern, "/api/v1/flows/{id}");
  EXPECT_EQ(one.params.at("id"), "f1");
  EXPECT_EQ(router.match("GET", "/api/v1/flows/schedule").route->pattern, "/api/v1/flows/schedule");
  EXPECT_EQ(router.match("POST", "/api/v1/flows/f1/run").params.at("id"), "f1");
  EXPECT_EQ(router.match("GET", "/api/v1/flows").route, nullptr);
  EXPECT_TRUE(router.match("GET", "/api/v1/flows").allow.empty());
  EXPECT_EQ(router.match("GET", "/api/v1/flows/f1/run/x").route, nullptr);
}

TEST(Router, AnotherMethodOnAKnownPathListsTheAllowedOnes) {
  Router router;
  router.add({.method = "GET", .pattern = "/jobs/{id}", .handler = says("get")});
  router.add({.method = "DELETE", .pattern = "/jobs/{id}", .handler = says("del")});
  auto match = router.match("PUT", "/jobs/7");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allow, (std::vector<std::string>{"GET", "DELETE"}));
}

TEST(Router, ARestParameterTakesTheRemainingSegments) {
  Router router;
  router.add({.method = "*", .pattern = "/webhooks/{rest...}", .handler = says("w")});
  auto match = router.match("POST", "/webhooks/e1/tok");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("rest"), "e1/tok");
  EXPECT_EQ(router.match("POST", "/webhooks").route, nullptr);
}

TEST(HttpRequest, HeadersCompareWithoutCase) {
  HttpRequest request;
  request.headers.emplace("X-Hub-Signature-256", "sha256=ab");
  EXPECT_EQ(request.header("x-hub-signature-256"), "sha256=ab");
  EXPECT_EQ(request.header("x-hub-signature"), std::nullopt);
}

struct Reply {
  int status;
  std::string body;
  std::string allow;
};

Reply call(uint16_t port, const std::string& method, const std::string& target,
           const std::string& body = "") {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  return {static_cast<int>(response.getStatus()), text.str(), response.get("Allow", "")};
}

TEST(HttpServer, ServesRoutesOverLoopbackWithLimitsAndErrors) {
  Router router;
  router.add({.method = "POST",
              .pattern = "/echo/{name}",
              .handler =
                  [](const HttpRequest& request) {
                    return HttpResponse::text(201, request.params.at("name") + ":" + request.body +
                                                       ":" +
                                                       request.query_value("q").value_or("-"));
                  },
              .max_body_bytes = 10});
  router.add(
      {.method = "GET", .pattern = "/boom", .handler = [](const HttpRequest&) -> HttpResponse {
         throw std::runtime_error("secret detail");
       }});
  std::string errors;
  HttpServer server(router, {.on_error = [&](const std::string& what) { errors += what; }});
  ASSERT_TRUE(server.start());
  ASSERT_NE(server.port(), 0);

  Reply echo = call(server.port(), "POST", "/echo/a%20b?q=x%26y", "hello");
  EXPECT_EQ(echo.status, 201);
  EXPECT_EQ(echo.body, "a b:hello:x&y");
  EXPECT_EQ(call(server.port(), "POST", "/echo/a", "01234567890").status, 413);
  Reply missing = call(server.port(), "GET", "/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":{"message":"no such path","status":"not_found"}})");
  Reply wrong = call(server.port(), "GET", "/echo/a");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "POST");
  Reply boom = call(server.port(), "GET", "/boom");
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.body.find("secret"), std::string::npos);
  server.stop();
  EXPECT_NE(errors.find("secret detail"), std::string::npos);
}

TEST(HttpServer, AnAddressInUseIsAClearError) {
  Router router;
  HttpServer first(router, {});
  ASSERT_TRUE(first.start());
  HttpServer second(router, {.port = first.port()});
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos);
}

}  // namespace
}  // namespace sluice::serve
