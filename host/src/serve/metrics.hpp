// The metrics of `sluice serve` (issue 12 part 5, docs/serve.md "Metrics"): a small registry of
// counters, gauges and histograms with labels, rendered at /metrics in the Prometheus text
// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// A family is declared once (name, help, kind; histograms with their bucket bounds) and then
// updated by name with a set of labels; each distinct label set is one series. Updating a name
// that was not declared, or with the wrong kind, does nothing (a programming error; the test of
// each metric catches it). Label values are escaped (\\, \", \n) when rendered.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "serve/http.hpp"

namespace sluice::serve {

// Ordered (name, value) pairs; the order given is the order rendered.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  enum class Kind { kCounter, kGauge, kHistogram };

  // Declares a family; declaring a name again keeps the first declaration. `buckets`: the upper
  // bounds of a histogram's buckets, ascending (+Inf is implied).
  void declare(const std::string& name, Kind kind, std::string help,
               std::vector<double> buckets = {});

  void add(const std::string& name, const MetricLabels& labels, double by = 1);     // counter
  void set(const std::string& name, const MetricLabels& labels, double value);      // gauge
  void observe(const std::string& name, const MetricLabels& labels, double value);  // histogram

  // The current value of a counter's or gauge's series (0 when it has none); for tests.
  double value(const std::string& name, const MetricLabels& labels) const;

  // Every family in declaration order, its series in label order, as the text format.
  std::string render() const;

 private:
  struct Series {
    double value = 0;              // counter, gauge
    std::vector<uint64_t> counts;  // histogram: per bucket (not cumulative), then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    std::string name;
    Kind kind;
    std::string help;
    std::vector<double> buckets;
    std::map<MetricLabels, Series> series;
  };
  Family* find(const std::string& name, Kind kind);

  mutable std::mutex mutex_;
  std::vector<Family> families_;
};

// Bucket bounds in seconds for durations from a millisecond to a few minutes.
std::vector<double> duration_buckets();

// The families of `sluice serve` (docs/serve.md lists them), declared on `metrics`:
//   sluice_http_requests_total{route,method,status}     counter
//   sluice_http_request_duration_seconds{route}         histogram
//   sluice_webhook_requests_total{listener,code}        counter
//   sluice_jobs_started_total{flow}                     counter
//   sluice_jobs_total{flow,status}                      counter (ended jobs, by final status)
//   sluice_jobs_running{flow}                           gauge
//   sluice_job_duration_seconds{flow}                   histogram
//   sluice_records_total{flow,outcome}                  counter (success, ignore, error)
//   sluice_pages_total{flow}                            counter (pages processed)
//   sluice_step_duration_seconds{flow,step}             histogram
//   sluice_plugin_call_duration_seconds{plugin,call,status}  histogram
//   sluice_scheduler_lag_seconds                        gauge (set by the scheduler)
void declare_serve_metrics(MetricsRegistry& metrics);

// Counts one answered request (HttpServer's on_request): sluice_http_requests_total and
// sluice_http_request_duration_seconds by route pattern, and, for a route under /webhooks/,
// sluice_webhook_requests_total by its {exportId} parameter ("" when it has none) and status.
void count_request(MetricsRegistry& metrics, const HttpRequest& request, const std::string& pattern,
                   int status, double seconds);

}  // namespace sluice::serve
