// The connection's limits against the mock API's /api/limits/ routes (tools/mock_api/limits.hpp):
// http.concurrencyLevel as real requests in flight for import batches and lookups, proven by the
// server's own count, with results in record order; retries logged with their reasons; the
// retry header in both forms; http.rateLimit's failPath and limit; a clear error once retries
// are spent.
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lookup.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;
using ::testing::MatchesRegex;

std::mutex g_log_mutex;
std::vector<std::string> g_log;
void capture_log(sluice_call*, int32_t, sluice_str message) {
  std::lock_guard lock(g_log_mutex);
  g_log.emplace_back(message.ptr, message.len);
}

class HttpLimits : public ::testing::Test {
 protected:
  HttpLimits() : server_({.orders = 1}) {
    g_log.clear();
    host_.struct_size = sizeof host_;
    host_.log = &capture_log;
  }

  // The test connection (test_util.hpp) with `http` merged into its http object.
  std::unique_ptr<HttpConnection> connect(std::string_view http) {
    json::object doc = connection_doc(server_);
    for (const auto& [name, value] : object(http)) doc["http"].as_object()[name] = value;
    return open_connection(doc);
  }

  Result<std::vector<RecordResult>> submit(const HttpConnection& connection, std::string_view http,
                                           const json::array& records) {
    Context context(&host_, nullptr);
    auto writer = HttpImportWriter::open(context, connection, json::object{{"http", object(http)}});
    if (!writer) return writer.error();
    return (*writer)->submit(context, records);
  }

  Result<std::vector<LookupResult>> lookup(const HttpConnection& connection, std::string_view http,
                                           const json::array& records) {
    Context context(&host_, nullptr);
    auto opened = HttpLookup::open(context, connection,
                                   json::object{{"isLookup", true}, {"http", object(http)}});
    if (!opened) return opened.error();
    return (*opened)->lookup(context, records);
  }

  // The mock's counts for `key`: {"requests": n, "maxInFlight": m}.
  json::object counts(const std::string& key) {
    return server_.get_json("/_mock/limits").at(key).as_object();
  }

  static json::array records(int n) {
    json::array out;
    for (int i = 1; i <= n; ++i) out.push_back(json::object{{"id", "R" + std::to_string(i)}});
    return out;
  }

  MockApiServer server_;
  sluice_host_api host_{};
};

TEST_F(HttpLimits, ImportBatchesAreSentConcurrencyLevelAtOnceAndResultsStayInRecordOrder) {
  auto connection = connect(R"({"concurrencyLevel":3})");
  ASSERT_TRUE(connection);
  const json::array sent = records(12);
  // Each request is held until three are in flight together: only real concurrency passes.
  auto results = submit(*connection, R"({"method":"POST","batchSize":2,
      "relativeURI":"/api/limits/slow?counter=import&hold=3&ms=5000",
      "response":{"resourceIdPath":"id"}})",
                        sent);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ((*results)[i].id, sent[i].at("id")) << i;
    EXPECT_TRUE((*results)[i].errors.empty()) << i;
  }
  EXPECT_EQ(counts("import").at("requests"), 6);
  EXPECT_EQ(counts("import").at("maxInFlight"), 3);
}

TEST_F(HttpLimits, LookupsRunConcurrencyLevelAtOnceAndEachRecordGetsItsOwnResponse) {
  auto connection = connect(R"({"concurrencyLevel":4})");
  ASSERT_TRUE(connection);
  const json::array sent = records(8);
  auto results = lookup(
      *connection,
      R"({"relativeURI":"/api/limits/slow/{{record.id}}?counter=lookup&hold=4&ms=5000"})", sent);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    ASSERT_EQ((*results)[i].data.size(), 1u) << i;
    EXPECT_EQ((*results)[i].data[0].at("id"), sent[i].at("id")) << i;
  }
  EXPECT_EQ(counts("lookup").at("requests"), 8);
  EXPECT_EQ(counts("lookup").at("maxInFlight"), 4);
}

TEST_F(HttpLimits, ConcurrencyLevelOneSendsOneRequestAtATime) {
  auto connection = connect(R"({"concurrencyLevel":1})");
  ASSERT_TRUE(connection);
  // hold=2 would release a pair at once; alone, each request waits its 100 ms out.
  auto results =
      lookup(*connection,
             R"({"relativeURI":"/api/limits/slow/{{record.id}}?counter=serial&hold=2&ms=100"})",
             records(3));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(counts("serial").at("maxInFlight"), 1);
}

TEST_F(HttpLimits, ARateLimitWaitBetweenRequestsSendsOneAtATimeWhateverTheConcurrencyLevel) {
  auto connection = connect(R"({"concurrencyLevel":5,"rateLimit":{"limit":10}})");
  ASSERT_TRUE(connection);
  auto results =
      lookup(*connection,
             R"({"relativeURI":"/api/limits/slow/{{record.id}}?counter=spaced&hold=2&ms=100"})",
             records(3));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(counts("spaced").at("requests"), 3);
  EXPECT_EQ(counts("spaced").at("maxInFlight"), 1);
}

TEST_F(HttpLimits, FlakyFailuresAreRetriedAndEachRetryIsLoggedWithItsReason) {
  auto connection = connect("{}");
  ASSERT_TRUE(connection);
  auto results =
      submit(*connection,
             R"({"method":"POST","batchSize":5,"relativeURI":"/api/limits/flaky?counter=f2"})",
             records(5));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(counts("f2").at("requests"), 3);
  const std::string url = server_.base_url() + "/api/limits/flaky\\?counter=f2";
  ASSERT_EQ(g_log.size(), 2u);
  EXPECT_THAT(g_log[0], MatchesRegex("retry 1/2 in [01] ms: HTTP 503 Service Unavailable from "
                                     "POST " +
                                     url));
  EXPECT_THAT(g_log[1], MatchesRegex("retry 2/2 in [0-2] ms: HTTP 503 Service Unavailable from "
                                     "POST " +
                                     url));
}

TEST_F(HttpLimits, RetriesLoggedFromConcurrentBatchesReachTheHost) {
  auto connection = connect(R"({"concurrencyLevel":4})");
  ASSERT_TRUE(connection);
  // Four batches, each to its own flaky key failing once.
  json::array sent = records(4);
  auto results = submit(*connection, R"({"method":"POST","batchSize":1,
      "relativeURI":"/api/limits/flaky?counter=c{{record.id}}&fail=1"})",
                        sent);
  ASSERT_TRUE(results) << results.error().message;
  std::vector<std::string> lines = g_log;
  std::sort(lines.begin(), lines.end());
  ASSERT_EQ(lines.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(lines[i], MatchesRegex("retry 1/2 in [01] ms: HTTP 503 Service Unavailable from "
                                       "POST .*/api/limits/flaky\\?counter=cR" +
                                       std::to_string(i + 1) + "&fail=1"));
  }
}

TEST_F(HttpLimits, WhenRetriesAreSpentTheErrorNamesTheAttemptsAndTheLastReason) {
  auto connection = connect("{}");
  ASSERT_TRUE(connection);
  auto results = submit(
      *connection,
      R"({"method":"POST","batchSize":5,"relativeURI":"/api/limits/flaky?counter=f9&fail=9"})",
      records(5));
  // An import's 5xx that outlives the retries fails only its request's records (the page's
  // other requests go on), each with the client's final error.
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 5u);
  for (const RecordResult& r : *results) {
    EXPECT_EQ(r.status_code, 503);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "503");
    EXPECT_EQ(r.errors[0].message,
              "POST " + server_.base_url() +
                  "/api/limits/flaky?counter=f9&fail=9: HTTP 503 Service Unavailable: "
                  R"({"error":"injected failure 3 of this key"} — the server failed after 3 )"
                  "attempts; retry later");
  }
  EXPECT_EQ(counts("f9").at("requests"), 3);
}

TEST_F(HttpLimits, TheRetryHeaderTheConnectionNamesIsHonouredInSeconds) {
  auto connection = connect(R"({"retryHeader":"X-Wait"})");
  ASSERT_TRUE(connection);
  // X-Wait: 1 s, capped by the test tuning's 5 ms; without the header the wait would be 0-1 ms.
  auto results = lookup(
      *connection, R"({"relativeURI":"/api/limits/ratelimited?counter=rs&header=X-Wait&after=1"})",
      records(1));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(g_log.size(), 1u);
  EXPECT_EQ(g_log[0], "retry 1/2 in 5 ms: rate limited, HTTP 429 Too Many Requests from GET " +
                          server_.base_url() +
                          "/api/limits/ratelimited?counter=rs&header=X-Wait&after=1");
}

TEST_F(HttpLimits, TheRetryHeaderIsHonouredAsAnHttpDate) {
  auto connection = connect(R"({"retryHeader":"X-Wait"})");
  ASSERT_TRUE(connection);
  auto results = lookup(
      *connection,
      R"({"relativeURI":"/api/limits/ratelimited?counter=rd&form=date&header=X-Wait&after=3600"})",
      records(1));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(g_log.size(), 1u);
  EXPECT_THAT(g_log[0], MatchesRegex("retry 1/2 in 5 ms: rate limited, HTTP 429 .*"));
}

TEST_F(HttpLimits, ARateLimitBodyAtFailPathIsRetriedUntilTheRealResponse) {
  auto connection =
      connect(R"({"rateLimit":{"failPath":"error.code","failValues":["rate_limited"]}})");
  ASSERT_TRUE(connection);
  auto results = lookup(*connection,
                        R"({"relativeURI":"/api/limits/ratelimited?counter=rb&form=body&fail=2"})",
                        records(1));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  ASSERT_EQ((*results)[0].data.size(), 1u);
  EXPECT_EQ((*results)[0].data[0], json::parse(R"({"ok":true})"));
  EXPECT_EQ(counts("rb").at("requests"), 3);
  ASSERT_EQ(g_log.size(), 2u);
  EXPECT_THAT(g_log[1], MatchesRegex("retry 2/2 in [0-2] ms: rate limited, HTTP 200 whose "
                                     "error.code is 'rate_limited' \\(http.rateLimit.failPath\\) "
                                     "from GET .*"));
}

TEST_F(HttpLimits, ARateLimitBodyThatNeverLiftsFailsThePageAsRateLimited) {
  auto connection =
      connect(R"({"rateLimit":{"failPath":"error.code","failValues":["rate_limited"]}})");
  ASSERT_TRUE(connection);
  auto results = lookup(*connection,
                        R"({"relativeURI":"/api/limits/ratelimited?counter=rn&form=body&fail=9"})",
                        records(1));
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().status, Status::kRateLimited);
  EXPECT_THAT(
      results.error().message,
      MatchesRegex("GET .*/api/limits/ratelimited\\?counter=rn&form=body&fail=9: rate limited "
                   "\\(HTTP 200 whose error.code is 'rate_limited' "
                   "\\(http.rateLimit.failPath\\)\\) after 3 attempts: .*"));
}

TEST_F(HttpLimits, FailValuesWithoutFailPathAreRefusedAtOpen) {
  json::object doc = connection_doc(server_);
  doc["http"].as_object()["rateLimit"] = json::parse(R"({"failValues":["x"]})");
  Context context = no_host();
  auto opened = HttpConnection::open(context, doc, kFast);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInvalidConfig);
  EXPECT_EQ(opened.error().message,
            "http.rateLimit.failValues is set without http.rateLimit.failPath: set the path of "
            "the response field the values are compared with");
}

TEST_F(HttpLimits, AConcurrencyLevelOutOfBoundsIsRefusedAtOpen) {
  json::object doc = connection_doc(server_);
  doc["http"].as_object()["concurrencyLevel"] = 51;
  Context context = no_host();
  auto opened = HttpConnection::open(context, doc, kFast);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().status, Status::kInvalidConfig);
  EXPECT_THAT(opened.error().message, ::testing::HasSubstr("http.concurrencyLevel"));
}

}  // namespace
}  // namespace sluice::plugins::http
