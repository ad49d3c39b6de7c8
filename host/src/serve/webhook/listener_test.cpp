// The listener routes, called as the server calls them, over a real SQLite store.
#include "serve/webhook/listener.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/test_home.hpp"

namespace sluice::serve::webhook {
namespace {

namespace json = boost::json;

constexpr char kToken[] = "Zx81-listener-token";

class ListenerTest : public host::testing::StoreTest {
 protected:
  void SetUp() override {
    auto opened = host::open_sqlite_store(home_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    put_export("orders", json::object{{"verify", "token"},
                                      {"token", kToken},
                                      {"tokenLocation", "header"},
                                      {"tokenHeaderName", "X-Token"},
                                      {"tokenHeaderScheme", "none"}});
  }

  void put_export(const std::string& id, json::object webhook,
                  std::string adaptor = "WebhookExport") {
    host::Resource r;
    r.kind = host::ResourceKind::kExport;
    r.id = id;
    r.doc = json::object{{"_id", id}, {"adaptorType", adaptor}, {"webhook", std::move(webhook)}};
    r.secret_paths = {"webhook.token", "webhook.key", "webhook.password"};
    ASSERT_TRUE(store_->put_resources({r}));
  }

  void mount(ListenerOptions options = {}) {
    router_ = Router{};
    add_webhook_routes(router_, *store_, std::move(options));
  }

  HttpResponse call(std::string method, std::string path, std::string body,
                    std::string content_type = "application/json", bool signed_in = true) {
    if (router_.routes().empty()) mount();
    HttpRequest request;
    request.method = std::move(method);
    const size_t q = path.find('?');
    if (q != std::string::npos) {
      std::string query = path.substr(q + 1);
      path.resize(q);
      size_t at = 0;
      while (at <= query.size()) {
        const size_t amp = std::min(query.find('&', at), query.size());
        const std::string pair = query.substr(at, amp - at);
        const size_t eq = pair.find('=');
        request.query.emplace(pair.substr(0, eq),
                              eq == std::string::npos ? "" : pair.substr(eq + 1));
        at = amp + 1;
      }
    }
    request.path = path;
    request.target = path;
    request.body = std::move(body);
    if (!content_type.empty()) request.headers.emplace("Content-Type", content_type);
    if (signed_in) request.headers.emplace("X-Token", kToken);
    Router::Match match = router_.match(request.method, request.path);
    EXPECT_NE(match.route, nullptr) << request.method << " " << request.path;
    if (match.route == nullptr) return {};
    request.params = match.params;
    return match.route->handler(request);
  }

  std::vector<std::string> queued(const std::string& id) {
    auto read = store_->read_intake(id, 0, 1000);
    EXPECT_TRUE(read);
    std::vector<std::string> out;
    if (read) {
      for (const host::IntakeRecord& r : *read) out.push_back(r.record);
    }
    return out;
  }

  std::unique_ptr<host::Store> store_;
  Router router_;
};

TEST_F(ListenerTest, AVerifiedPostIsQueuedBeforeThe204) {
  const HttpResponse response = call("POST", "/webhooks/orders", R"({"id":7,"total":"9.50"})");
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(response.content_type, "");
  EXPECT_EQ(queued("orders"), std::vector<std::string>{R"({"id":7,"total":"9.50"})"});
}

TEST_F(ListenerTest, AnArrayBodyIsOneRecordPerElement) {
  EXPECT_EQ(call("PUT", "/webhooks/orders", R"([{"id":1},{"id":2},{"id":3}])").status, 204);
  EXPECT_EQ(queued("orders"),
            (std::vector<std::string>{R"({"id":1})", R"({"id":2})", R"({"id":3})"}));
}

TEST_F(ListenerTest, PathToRecordsPicksTheRecordsOutOfThePayload) {
  put_export("batch", json::object{{"verify", "token"},
                                   {"token", kToken},
                                   {"tokenLocation", "header"},
                                   {"tokenHeaderName", "X-Token"},
                                   {"tokenHeaderScheme", "none"},
                                   {"pathToRecords", "data.items"}});
  EXPECT_EQ(call("POST", "/webhooks/batch", R"({"data":{"items":[{"a":1},{"a":2}]},"n":2})").status,
            204);
  EXPECT_EQ(queued("batch"), (std::vector<std::string>{R"({"a":1})", R"({"a":2})"}));
}

TEST_F(ListenerTest, XmlAndFormBodiesBecomeJsonRecords) {
  EXPECT_EQ(call("POST", "/webhooks/orders", "<order id=\"5\"><sku>A</sku><sku>B</sku></order>",
                 "application/xml")
                .status,
            204);
  EXPECT_EQ(call("POST", "/webhooks/orders", "name=Ada+L&tag=a&tag=b",
                 "application/x-www-form-urlencoded")
                .status,
            204);
  EXPECT_EQ(queued("orders"), (std::vector<std::string>{R"({"order":{"@id":"5","sku":["A","B"]}})",
                                                        R"({"name":"Ada L","tag":["a","b"]})"}));
}

TEST_F(ListenerTest, AFailedVerificationIs401WithoutDetailAndQueuesNothing) {
  std::string why;
  ListenerOptions options;
  options.on_refused = [&](std::string_view, int, std::string_view reason) { why = reason; };
  mount(std::move(options));
  const HttpResponse response =
      call("POST", "/webhooks/orders", R"({"id":1})", "application/json", false);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, R"({"error":{"message":"unauthorized","status":"unauthorized"}})");
  EXPECT_EQ(why, "no X-Token header");
  EXPECT_TRUE(queued("orders").empty());
}

TEST_F(ListenerTest, UnknownAndNonWebhookExportsAre404) {
  put_export("pull", json::object{}, "HTTPExport");
  EXPECT_EQ(call("POST", "/webhooks/nope", "{}").status, 404);
  EXPECT_EQ(call("POST", "/webhooks/pull", "{}").status, 404);
}

TEST_F(ListenerTest, SecretUrlTakesTheTokenFromTheLastSegment) {
  put_export("secret", json::object{{"verify", "secret_url"}, {"token", "s3gment"}});
  EXPECT_EQ(call("POST", "/webhooks/secret/s3gment", R"({"x":1})").status, 204);
  EXPECT_EQ(call("POST", "/webhooks/secret/other", R"({"x":2})").status, 401);
  EXPECT_EQ(call("POST", "/webhooks/secret", R"({"x":3})").status, 401);
  EXPECT_EQ(queued("secret"), std::vector<std::string>{R"({"x":1})"});
}

TEST_F(ListenerTest, TheSuccessResponseIsTheOneConfigured) {
  put_export("custom",
             json::object{{"verify", "token"},
                          {"token", kToken},
                          {"tokenLocation", "header"},
                          {"tokenHeaderName", "X-Token"},
                          {"tokenHeaderScheme", "none"},
                          {"successStatusCode", 202},
                          {"successBody", R"({"received":"{{id}}"})"},
                          {"successMediaType", "json"},
                          {"successResponseHeaders",
                           json::array{json::object{{"name", "X-Seen"}, {"value", "1"}}}}});
  const HttpResponse response = call("POST", "/webhooks/custom", R"({"id":"o-9"})");
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"received":"o-9"})");
  EXPECT_EQ(response.headers, (std::vector<std::pair<std::string, std::string>>{{"X-Seen", "1"}}));
}

TEST_F(ListenerTest, ChallengesAreAnsweredAndNotQueued) {
  put_export("slack", json::object{{"verify", "token"},
                                   {"token", kToken},
                                   {"tokenLocation", "header"},
                                   {"tokenHeaderName", "X-Token"},
                                   {"tokenHeaderScheme", "none"},
                                   {"challengeSuccessBody", R"({"challenge":"{{challenge}}"})"}});
  const HttpResponse slack =
      call("POST", "/webhooks/slack", R"({"type":"url_verification","challenge":"3eZbrw1a"})");
  EXPECT_EQ(slack.status, 200);
  EXPECT_EQ(slack.content_type, "application/json");
  EXPECT_EQ(slack.body, R"({"challenge":"3eZbrw1a"})");
  put_export("meta", json::object{{"verify", "token"},
                                  {"token", kToken},
                                  {"tokenLocation", "queryParam"},
                                  {"tokenQueryParamName", "hub.verify_token"},
                                  {"challengeSuccessBody", "{{hub.challenge}}"},
                                  {"challengeSuccessMediaType", "plaintext"}});
  const HttpResponse meta = call(
      "GET",
      std::string("/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=") +
          kToken,
      "", "");
  EXPECT_EQ(meta.status, 200);
  EXPECT_EQ(meta.content_type, "text/plain");
  EXPECT_EQ(meta.body, "1158201444");
  EXPECT_TRUE(queued("slack").empty());
  EXPECT_TRUE(queued("meta").empty());
}

TEST_F(ListenerTest, AGetThatIsNoChallengeIs405) {
  const HttpResponse response = call("GET", "/webhooks/orders", "", "");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers,
            (std::vector<std::pair<std::string, std::string>>{{"Allow", "POST, PUT"}}));
}

TEST_F(ListenerTest, AMalformedBodyIs400AndAnUnreadableTypeIs415) {
  EXPECT_EQ(call("POST", "/webhooks/orders", "{\"id\":").status, 400);
  EXPECT_EQ(call("POST", "/webhooks/orders", "a,b\n1,2", "text/csv").status, 204);  // plaintext
  EXPECT_EQ(call("POST", "/webhooks/orders", "\x01\x02", "application/octet-stream").status, 415);
  EXPECT_EQ(queued("orders"), std::vector<std::string>{R"({"body":"a,b\n1,2"})"});
}

TEST_F(ListenerTest, TheLeakyBucketRefusesTheRequestOverItsCapacityWithRetryAfter) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  ListenerOptions options;
  options.burst = 3;
  options.per_second = 0.5;
  options.now = [&now] { return now; };
  mount(std::move(options));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call("POST", "/webhooks/orders", "{}").status, 204);
  const HttpResponse full = call("POST", "/webhooks/orders", "{}");
  EXPECT_EQ(full.status, 429);
  EXPECT_EQ(full.headers, (std::vector<std::pair<std::string, std::string>>{{"Retry-After", "2"}}));
  now += std::chrono::seconds(2);  // one request has drained
  EXPECT_EQ(call("POST", "/webhooks/orders", "{}").status, 204);
  EXPECT_EQ(call("POST", "/webhooks/orders", "{}").status, 429);
  EXPECT_EQ(queued("orders").size(), 4u);
}

TEST_F(ListenerTest, RoutesCarryTheBodyLimit) {
  ListenerOptions options;
  options.max_body_bytes = 1234;
  mount(std::move(options));
  ASSERT_EQ(router_.routes().size(), 6u);
  for (const Route& route : router_.routes()) EXPECT_EQ(route.max_body_bytes, 1234u);
}

// A store whose intake queue fails: the request must not be acknowledged.
class FullStore : public host::Store {
 public:
  explicit FullStore(host::Store& real) : real_(real) {}
  Result<void> put_resources(const std::vector<host::Resource>& r) override {
    return real_.put_resources(r);
  }
  Result<std::optional<json::object>> get_resource(host::ResourceKind k, std::string_view id,
                                                   host::Secrets s) override {
    return real_.get_resource(k, id, s);
  }
  Result<std::vector<json::object>> list_resources(host::ResourceKind k, host::Secrets s) override {
    return real_.list_resources(k, s);
  }
  Result<void> put_job(const host::Job& j) override { return real_.put_job(j); }
  Result<std::optional<host::Job>> get_job(std::string_view id) override {
    return real_.get_job(id);
  }
  Result<std::vector<host::Job>> list_jobs(std::string_view f, size_t l) override {
    return real_.list_jobs(f, l);
  }
  Result<FlowClaim> claim_flow(const host::Job& j,
                               const std::function<bool(host::Job&)>& c) override {
    return real_.claim_flow(j, c);
  }
  Result<bool> update_running_job(const host::Job& j,
                                  const std::vector<host::JobError>& e) override {
    return real_.update_running_job(j, e);
  }
  Result<void> add_errors(const std::vector<host::JobError>& e) override {
    return real_.add_errors(e);
  }
  Result<std::vector<host::JobError>> list_errors(std::string_view f, size_t l) override {
    return real_.list_errors(f, l);
  }
  Result<json::value> get_state(std::string_view id) override { return real_.get_state(id); }
  Result<void> put_state(std::string_view id, const json::value& s) override {
    return real_.put_state(id, s);
  }
  Result<void> append_intake(std::string_view, const std::vector<std::string>&) override {
    return make_error(Status::kTransient, "disk full");
  }

 private:
  host::Store& real_;
};

TEST_F(ListenerTest, ARequestThatCannotBeStoredIs503) {
  FullStore full(*store_);
  std::string why;
  ListenerOptions options;
  options.on_refused = [&](std::string_view, int, std::string_view reason) { why = reason; };
  router_ = Router{};
  add_webhook_routes(router_, full, std::move(options));
  const HttpResponse response = call("POST", "/webhooks/orders", R"({"id":1})");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(why, "disk full");
  EXPECT_EQ(response.headers,
            (std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}}));
}

}  // namespace
}  // namespace sluice::serve::webhook
