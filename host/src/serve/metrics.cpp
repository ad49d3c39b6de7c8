#include "serve/metrics.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace sluice::serve {

namespace {

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// "{a="1",b="2"}" with `extra` appended (for a bucket's le), or "" for no labels at all.
std::string label_text(const MetricLabels& labels, const std::string& extra = {}) {
  std::string out;
  for (const auto& [name, value] : labels) {
    out += out.empty() ? "{" : ",";
    out += fmt::format("{}=\"{}\"", name, escape_label(value));
  }
  if (!extra.empty()) out += (out.empty() ? "{" : ",") + extra;
  if (!out.empty()) out += "}";
  return out;
}

const char* kind_name(MetricsRegistry::Kind kind) {
  switch (kind) {
    case MetricsRegistry::Kind::kCounter:
      return "counter";
    case MetricsRegistry::Kind::kGauge:
      return "gauge";
    case MetricsRegistry::Kind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void MetricsRegistry::declare(const std::string& name, Kind kind, std::string help,
                              std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  for (const Family& family : families_) {
    if (family.name == name) return;
  }
  std::sort(buckets.begin(), buckets.end());
  families_.push_back(Family{name, kind, std::move(help), std::move(buckets), {}});
}

MetricsRegistry::Family* MetricsRegistry::find(const std::string& name, Kind kind) {
  for (Family& family : families_) {
    if (family.name == name) return family.kind == kind ? &family : nullptr;
  }
  return nullptr;
}

void MetricsRegistry::add(const std::string& name, const MetricLabels& labels, double by) {
  std::lock_guard lock(mutex_);
  if (Family* family = find(name, Kind::kCounter); family != nullptr && by >= 0) {
    family->series[labels].value += by;
  }
}

void MetricsRegistry::set(const std::string& name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  if (Family* family = find(name, Kind::kGauge); family != nullptr) {
    family->series[labels].value = value;
  }
}

void MetricsRegistry::observe(const std::string& name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family* family = find(name, Kind::kHistogram);
  if (family == nullptr) return;
  Series& series = family->series[labels];
  if (series.counts.empty()) series.counts.assign(family->buckets.size() + 1, 0);
  const auto at = std::lower_bound(family->buckets.begin(), family->buckets.end(), value);
  ++series.counts[static_cast<size_t>(at - family->buckets.begin())];
  series.sum += value;
  ++series.count;
}

double MetricsRegistry::value(const std::string& name, const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  for (const Family& family : families_) {
    if (family.name != name) continue;
    auto it = family.series.find(labels);
    return it == family.series.end() ? 0 : it->second.value;
  }
  return 0;
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const Family& family : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, escape_help(family.help),
                       family.name, kind_name(family.kind));
    for (const auto& [labels, series] : family.series) {
      if (family.kind != Kind::kHistogram) {
        out += fmt::format("{}{} {}\n", family.name, label_text(labels), number(series.value));
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= family.buckets.size(); ++i) {
        cumulative += series.counts[i];
        const std::string le =
            i < family.buckets.size() ? number(family.buckets[i]) : std::string("+Inf");
        out += fmt::format("{}_bucket{} {}\n", family.name,
                           label_text(labels, fmt::format("le=\"{}\"", le)), cumulative);
      }
      out += fmt::format("{}_sum{} {}\n", family.name, label_text(labels), number(series.sum));
      out += fmt::format("{}_count{} {}\n", family.name, label_text(labels), series.count);
    }
  }
  return out;
}

std::vector<double> duration_buckets() {
  return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
}

void declare_serve_metrics(MetricsRegistry& m) {
  using K = MetricsRegistry::Kind;
  m.declare("sluice_http_requests_total", K::kCounter,
            "HTTP requests answered, by route pattern (\"\" when none matched), method and status");
  m.declare("sluice_http_request_duration_seconds", K::kHistogram,
            "Time to read, handle and answer an HTTP request, by route pattern",
            duration_buckets());
  m.declare("sluice_webhook_requests_total", K::kCounter,
            "Requests to webhook listeners (/webhooks/{exportId}), by listener and response code");
  m.declare("sluice_jobs_started_total", K::kCounter, "Flow runs started, by flow");
  m.declare("sluice_jobs_total", K::kCounter,
            "Flow runs ended, by flow and final status (completed, failed, canceled)");
  m.declare("sluice_jobs_running", K::kGauge, "Flow runs in progress, by flow");
  m.declare("sluice_job_duration_seconds", K::kHistogram, "Wall time of flow runs, by flow",
            duration_buckets());
  m.declare("sluice_records_total", K::kCounter,
            "Records exported by flow runs, by flow and outcome (success, ignore, error)");
  m.declare("sluice_pages_total", K::kCounter, "Flow pages processed, by flow");
  m.declare("sluice_step_duration_seconds", K::kHistogram,
            "Time a flow step took over one page, by flow and step", duration_buckets());
  m.declare("sluice_plugin_call_duration_seconds", K::kHistogram,
            "Plugin calls, by plugin, call and status, and how long they took", duration_buckets());
  m.declare("sluice_scheduler_lag_seconds", K::kGauge,
            "How late the scheduler started the last run it started, against its due time");
}

void count_request(MetricsRegistry& metrics, const HttpRequest& request, const std::string& pattern,
                   int status, double seconds) {
  const std::string code = std::to_string(status);
  metrics.add("sluice_http_requests_total",
              {{"route", pattern}, {"method", request.method}, {"status", code}});
  metrics.observe("sluice_http_request_duration_seconds", {{"route", pattern}}, seconds);
  if (pattern.starts_with("/webhooks/")) {
    auto listener = request.params.find("exportId");
    metrics.add(
        "sluice_webhook_requests_total",
        {{"listener", listener == request.params.end() ? "" : listener->second}, {"code", code}});
  }
}

}  // namespace sluice::serve
