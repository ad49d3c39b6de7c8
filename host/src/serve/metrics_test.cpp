// The metrics registry's text exposition: exact lines for counters, gauges and histograms,
// label escaping, and updates of undeclared or wrongly-kinded names ignored.
#include "serve/metrics.hpp"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "serve/logging.hpp"

namespace sluice::serve {
namespace {

using K = MetricsRegistry::Kind;

TEST(Metrics, CountersAndGaugesRenderOneLinePerLabelSetUnderTheirHelpAndType) {
  MetricsRegistry m;
  m.declare("jobs_total", K::kCounter, "Jobs ended");
  m.declare("running", K::kGauge, "Jobs running");
  m.add("jobs_total", {{"flow", "b"}, {"status", "completed"}});
  m.add("jobs_total", {{"flow", "a"}, {"status", "failed"}}, 2);
  m.add("jobs_total", {{"flow", "b"}, {"status", "completed"}});
  m.set("running", {}, 3);
  m.set("running", {}, 1.5);
  EXPECT_EQ(m.render(),
            "# HELP jobs_total Jobs ended\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{flow=\"a\",status=\"failed\"} 2\n"
            "jobs_total{flow=\"b\",status=\"completed\"} 2\n"
            "# HELP running Jobs running\n"
            "# TYPE running gauge\n"
            "running 1.5\n");
  EXPECT_EQ(m.value("jobs_total", {{"flow", "b"}, {"status", "completed"}}), 2);
}

TEST(Metrics, HistogramsRenderCumulativeBucketsSumAndCount) {
  MetricsRegistry m;
  m.declare("took_seconds", K::kHistogram, "Time", {0.1, 1});
  m.observe("took_seconds", {{"step", "s"}}, 0.05);
  m.observe("took_seconds", {{"step", "s"}}, 0.1);  // a bound is inclusive (le)
  m.observe("took_seconds", {{"step", "s"}}, 0.5);
  m.observe("took_seconds", {{"step", "s"}}, 7);
  EXPECT_EQ(m.render(),
            "# HELP took_seconds Time\n"
            "# TYPE took_seconds histogram\n"
            "took_seconds_bucket{step=\"s\",le=\"0.1\"} 2\n"
            "took_seconds_bucket{step=\"s\",le=\"1\"} 3\n"
            "took_seconds_bucket{step=\"s\",le=\"+Inf\"} 4\n"
            "took_seconds_sum{step=\"s\"} 7.65\n"
            "took_seconds_count{step=\"s\"} 4\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry m;
  m.declare("c", K::kCounter, "a \\ b\nc");
  m.add("c", {{"path", "a\"b\\c\nd"}});
  EXPECT_EQ(m.render(),
            "# HELP c a \\\\ b\\nc\n"
            "# TYPE c counter\n"
            "c{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, UpdatesOfUndeclaredOrWronglyKindedNamesAndNegativeCountsAreIgnored) {
  MetricsRegistry m;
  m.declare("c", K::kCounter, "C");
  m.add("nope", {});
  m.set("c", {}, 5);
  m.observe("c", {}, 5);
  m.add("c", {}, -1);
  EXPECT_EQ(m.render(), "# HELP c C\n# TYPE c counter\n");
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry m;
  m.declare("c", K::kCounter, "C");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) m.add("c", {{"k", "v"}});
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(m.value("c", {{"k", "v"}}), 4000);
}

TEST(Metrics, RequestsCountByRouteAndWebhookRequestsByListenerAndCode) {
  MetricsRegistry m;
  declare_serve_metrics(m);
  HttpRequest webhook;
  webhook.method = "POST";
  webhook.params = {{"exportId", "orders-hook"}};
  count_request(m, webhook, "/webhooks/{exportId}", 202, 0.002);
  count_request(m, webhook, "/webhooks/{exportId}", 401, 0.001);
  count_request(m, webhook, "/webhooks/{exportId}", 202, 0.003);
  HttpRequest health;
  health.method = "GET";
  count_request(m, health, "/healthz", 200, 0.0001);
  EXPECT_EQ(
      m.value("sluice_webhook_requests_total", {{"listener", "orders-hook"}, {"code", "202"}}), 2);
  EXPECT_EQ(
      m.value("sluice_webhook_requests_total", {{"listener", "orders-hook"}, {"code", "401"}}), 1);
  EXPECT_EQ(m.value("sluice_webhook_requests_total", {{"listener", ""}, {"code", "200"}}), 0);
  EXPECT_EQ(m.value("sluice_http_requests_total",
                    {{"route", "/webhooks/{exportId}"}, {"method", "POST"}, {"status", "202"}}),
            2);
  EXPECT_EQ(m.value("sluice_http_requests_total",
                    {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}}),
            1);
  EXPECT_NE(m.render().find(
                "sluice_http_request_duration_seconds_count{route=\"/webhooks/{exportId}\"} 3\n"),
            std::string::npos);
}

TEST(Logging, PlainLinesQuoteValuesWithSpacesAndJsonLinesHaveFourKeys) {
  const boost::json::object fields{{"flow", "f"}, {"message", "two words"}, {"status", 200}};
  EXPECT_EQ(
      format_log_line(false, "2026-12-02T01:02:03.004Z", LogLevel::kWarn, "job ended", fields),
      "2026-12-02T01:02:03.004Z warn job ended flow=f message=\"two words\" status=200");
  EXPECT_EQ(format_log_line(true, "2026-12-02T01:02:03.004Z", LogLevel::kInfo, "request", fields),
            R"({"ts":"2026-12-02T01:02:03.004Z","level":"info","msg":"request",)"
            R"("fields":{"flow":"f","message":"two words","status":200}})");
}

}  // namespace
}  // namespace sluice::serve
