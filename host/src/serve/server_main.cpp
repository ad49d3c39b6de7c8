#include "serve/server_main.hpp"

#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stop_token>
#include <system_error>
#include <thread>
#include <utility>

#include <Poco/Net/IPAddress.h>
#include <fmt/format.h>

#include "plugins/call_observer.hpp"
#include "runtime/flow_runner.hpp"
#include "serve/api/api.hpp"
#include "serve/http_server.hpp"
#include "serve/schedule/scheduler.hpp"
#include "serve/webhook/intake_worker.hpp"
#include "serve/webhook/listener.hpp"
#include "sluice/version.hpp"

namespace sluice::serve {

namespace json = boost::json;

namespace {

constexpr const char* kShutdownMessage =
    "canceled: sluice serve is shutting down (signal received); the flow runs again on its next "
    "schedule, or continue it now with `sluice flow run FLOW --resume`";

Result<void> bad_listen(std::string_view text, std::string_view why) {
  return make_error(Status::kInvalidConfig,
                    fmt::format("--listen {}: {}; expected HOST:PORT, e.g. {} or [::1]:8480", text,
                                why, kDefaultListen));
}

// Writes the port to `path` through a temporary file renamed over it, so a reader never sees
// a partial file.
Result<void> write_port_file(const std::string& path, uint16_t port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("--port-file {}: cannot write it; check that its folder "
                                    "exists and is writable",
                                    path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("--port-file {}: {}", path, ec.message()));
  }
  return {};
}

json::object job_fields(const host::Job& job) {
  json::object fields{{"flow", job.flow_id},           {"job", job.id},
                      {"status", job.status},          {"numExport", job.num_export},
                      {"numSuccess", job.num_success}, {"numIgnore", job.num_ignore},
                      {"numError", job.num_error},     {"pages", job.num_pages_processed}};
  if (!job.message.empty()) fields["message"] = job.message;
  return fields;
}

// What a run has already counted into the metrics, so that each progress report adds only
// what is new.
struct Counted {
  int64_t pages = 0, success = 0, ignore = 0, error = 0;
};

void count_progress(MetricsRegistry& metrics, const host::Job& job, Counted& counted) {
  const MetricLabels flow{{"flow", job.flow_id}};
  metrics.add("sluice_pages_total", flow,
              static_cast<double>(job.num_pages_processed - counted.pages));
  const std::pair<const char*, int64_t Counted::*> outcomes[] = {
      {"success", &Counted::success}, {"ignore", &Counted::ignore}, {"error", &Counted::error}};
  const int64_t now[] = {job.num_success, job.num_ignore, job.num_error};
  for (size_t i = 0; i < 3; ++i) {
    const int64_t delta = now[i] - counted.*(outcomes[i].second);
    if (delta > 0) {
      metrics.add("sluice_records_total", {{"flow", job.flow_id}, {"outcome", outcomes[i].first}},
                  static_cast<double>(delta));
    }
    counted.*(outcomes[i].second) = now[i];
  }
  counted.pages = job.num_pages_processed;
}

}  // namespace

Result<void> parse_listen(std::string_view text, ServeConfig& config) {
  std::string host;
  std::string_view port_text;
  if (text.starts_with("[")) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad_listen(text, "an IPv6 address is written [ADDRESS]:PORT");
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return bad_listen(text, "no port");
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned long port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string_view::npos ||
      (port = std::stoul(std::string(port_text))) > 65535) {
    return bad_listen(text, "the port must be a number from 0 to 65535 (0: any free port)");
  }
  if (host == "localhost") host = "127.0.0.1";
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(host, address)) {
    return bad_listen(text, fmt::format("'{}' is not an IP address", host));
  }
  if (!address.isLoopback() && !config.allow_remote) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("--listen {}: {} is not a loopback address, and the server has no TLS of its "
                    "own; pass --allow-remote to listen there anyway (put a TLS proxy in front), "
                    "or listen on 127.0.0.1",
                    text, host));
  }
  config.host = host;
  config.port = static_cast<uint16_t>(port);
  return {};
}

void add_core_routes(Router& router, ServeContext& context) {
  router.add(Route{.method = "GET",
                   .pattern = "/healthz",
                   .handler =
                       [&context](const HttpRequest&) {
                         json::object body{
                             {"status", context.shutting_down.load() ? "shutting_down" : "ok"},
                             {"version", SLUICE_SDK_VERSION}};
                         return HttpResponse::json(context.shutting_down.load() ? 503 : 200,
                                                   json::serialize(body));
                       },
                   .max_body_bytes = 0,
                   .summary = "liveness: {\"status\":\"ok\",\"version\"}"});
  router.add(Route{.method = "GET",
                   .pattern = "/metrics",
                   .handler =
                       [&context](const HttpRequest&) {
                         return HttpResponse::text(200, context.metrics.render(),
                                                   "text/plain; version=0.0.4; charset=utf-8");
                       },
                   .max_body_bytes = 0,
                   .summary = "metrics in the Prometheus text format"});
}

struct Background::Parts {
  Parts(ServeContext& context)
      : worker(context.store, context.launcher),
        scheduler(
            context.store, context.launcher, [] { return std::chrono::system_clock::now(); },
            [&metrics = context.metrics, this](const std::string&, const std::string&,
                                               const Result<host::Job>&) {
              metrics.set("sluice_scheduler_lag_seconds", {}, scheduler.lag_seconds());
            }),
        api{context.store, context.registry, context.launcher, {}} {}

  webhook::IntakeWorker worker;
  schedule::Scheduler scheduler;
  ApiContext api;
  std::jthread scheduler_thread;
  std::jthread reload_thread;
  bool started = false;
};

Background::Background(ServeContext& context)
    : context_(context), parts_(std::make_unique<Parts>(context)) {}

Background::~Background() { stop(); }

Result<void> Background::start() {
  if (Result<void> loaded = parts_->scheduler.reload(); !loaded) return loaded.error();
  for (const std::string& problem : parts_->scheduler.problems()) {
    context_.log.error("a flow's schedule is left out", {{"problem", problem}});
  }
  parts_->worker.start();
  parts_->scheduler_thread =
      std::jthread([this](std::stop_token stop) { parts_->scheduler.run(stop); });
  parts_->reload_thread = std::jthread([this](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      std::unique_lock lock(mutex);
      if (wake.wait_for(lock, stop, kScheduleReload, [] { return false; })) break;
      if (stop.stop_requested()) break;
      if (Result<void> loaded = parts_->scheduler.reload(); !loaded) {
        context_.log.error("cannot reload the schedules", {{"error", loaded.error().message}});
        continue;
      }
      parts_->scheduler.wake();
    }
  });
  parts_->started = true;
  return {};
}

void Background::stop() {
  if (!parts_ || !parts_->started) return;
  parts_->started = false;
  parts_->worker.stop();
  parts_->reload_thread.request_stop();
  parts_->scheduler_thread.request_stop();
  parts_->scheduler.wake();
  if (parts_->reload_thread.joinable()) parts_->reload_thread.join();
  if (parts_->scheduler_thread.joinable()) parts_->scheduler_thread.join();
}

ApiContext& Background::api_context() { return parts_->api; }

void Background::queued(std::string_view export_id) {
  if (parts_) parts_->worker.notify(export_id);
}

Router build_router(ServeContext& context, Background& background, const ServeConfig& config) {
  Router router;
  add_core_routes(router, context);
  webhook::ListenerOptions listeners;
  listeners.burst = config.webhook_burst;
  listeners.per_second = config.webhook_rate;
  listeners.on_queued = [&background](std::string_view export_id, size_t) {
    background.queued(export_id);
  };
  listeners.on_refused = [&context](std::string_view export_id, int status, std::string_view why) {
    context.log.warn(
        "webhook request refused",
        {{"export", std::string(export_id)}, {"status", status}, {"why", std::string(why)}});
  };
  webhook::add_webhook_routes(router, context.store, std::move(listeners));
  add_api_routes(router, background.api_context());
  return router;
}

JobLauncher::RunFn make_run_fn(ServeContext& context) {
  return [&context](const std::string& flow_id, const runtime::RunOptions& given) {
    runtime::RunOptions options = given;
    auto counted = std::make_shared<Counted>();
    MetricsRegistry& metrics = context.metrics;
    const MetricLabels flow{{"flow", flow_id}};
    const auto started = std::chrono::steady_clock::now();
    options.on_start = [&context, given_start = given.on_start](const host::Job& job) {
      context.metrics.add("sluice_jobs_started_total", {{"flow", job.flow_id}});
      context.metrics.set("sluice_jobs_running", {{"flow", job.flow_id}}, 1);
      context.log.info("job started", {{"flow", job.flow_id}, {"job", job.id}});
      if (given_start) given_start(job);
    };
    options.on_progress = [&metrics, counted,
                           given_progress = given.on_progress](const host::Job& job) {
      count_progress(metrics, job, *counted);
      if (given_progress) given_progress(job);
    };
    options.on_step_time = [&metrics, flow_id](const std::string& step_id, double seconds) {
      metrics.observe("sluice_step_duration_seconds", {{"flow", flow_id}, {"step", step_id}},
                      seconds);
    };
    if (!options.cancel_message) {
      options.cancel_message = [&context]() -> std::string {
        return context.shutting_down.load() ? kShutdownMessage : "canceled by the operator";
      };
    }
    Result<host::Job> job = runtime::run_flow(context.store, context.registry, flow_id, options);
    metrics.set("sluice_jobs_running", flow, 0);
    if (!job) {
      context.log.error("job not started", {{"flow", flow_id}, {"error", job.error().message}});
      return job;
    }
    count_progress(metrics, *job, *counted);
    metrics.add("sluice_jobs_total", {{"flow", flow_id}, {"status", job->status}});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics.observe("sluice_job_duration_seconds", flow, took.count());
    context.log.log(job->status == "failed" ? LogLevel::kWarn : LogLevel::kInfo, "job ended",
                    job_fields(*job));
    return job;
  };
}

int run_server(const ServeConfig& config, host::Store& store, const host::PluginRegistry& registry,
               Logger& log, const std::function<std::string()>& wait_for_stop) {
  MetricsRegistry metrics;
  declare_serve_metrics(metrics);
  std::atomic<bool> shutting_down{false};
  // Before any plugin call; cleared before `metrics` goes (no call runs after the drain).
  host::set_call_observer([&metrics](std::string_view plugin, std::string_view call,
                                     std::string_view outcome, double seconds) {
    metrics.observe("sluice_plugin_call_duration_seconds",
                    {{"plugin", std::string(plugin)},
                     {"call", std::string(call)},
                     {"status", std::string(outcome)}},
                    seconds);
  });
  struct ClearObserver {
    ~ClearObserver() { host::set_call_observer({}); }
  } clear_observer;
  // The launcher's run function needs the context, and the context the launcher: the
  // function is made from a context whose launcher is bound right after.
  std::unique_ptr<JobLauncher> launcher;
  ServeContext* context_ptr = nullptr;
  launcher = std::make_unique<JobLauncher>(
      [&context_ptr](const std::string& flow_id, const runtime::RunOptions& options) {
        return make_run_fn(*context_ptr)(flow_id, options);
      });
  ServeContext context{store, registry, *launcher, metrics, log, shutting_down};
  context_ptr = &context;

  Background background(context);
  const Router router = build_router(context, background, config);
  ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.on_request = [&log, &metrics](const HttpRequest& request, const std::string& pattern,
                                        int status, double seconds) {
    count_request(metrics, request, pattern, status, seconds);
    log.info("request", {{"method", request.method},
                         {"path", request.path},
                         {"route", pattern},
                         {"status", status},
                         {"ms", std::round(seconds * 1e6) / 1e3},
                         {"remote", request.remote}});
  };
  options.on_error = [&log](const std::string& what) { log.error(what); };

  HttpServer server(router, options);
  if (Result<void> started = server.start(); !started) {
    log.error("cannot listen", {{"addr", fmt::format("{}:{}", config.host, config.port)},
                                {"error", started.error().message}});
    return 1;
  }
  const std::string addr = config.host.find(':') != std::string::npos
                               ? fmt::format("[{}]:{}", config.host, server.port())
                               : fmt::format("{}:{}", config.host, server.port());
  if (!config.port_file.empty()) {
    if (Result<void> written = write_port_file(config.port_file, server.port()); !written) {
      log.error("cannot write the port file", {{"error", written.error().message}});
      server.stop();
      return 1;
    }
  }
  if (Result<void> started = background.start(); !started) {
    log.error("cannot start", {{"error", started.error().message}});
    server.stop();
    return 1;
  }
  log.info("listening", {{"addr", addr}, {"version", SLUICE_SDK_VERSION}});
  for (const std::string& flow_id : config.run_at_start) {
    if (Result<void> launched = launcher->launch(flow_id, {}); !launched) {
      log.error("cannot start the flow", {{"flow", flow_id}, {"error", launched.error().message}});
    }
  }

  const std::string signal = wait_for_stop();
  shutting_down = true;
  const std::vector<std::string> running = launcher->running_flows();
  log.info("shutting down",
           {{"signal", signal},
            {"runningJobs", static_cast<int64_t>(running.size())},
            {"drainTimeoutMs", static_cast<int64_t>(config.drain_timeout.count())}});
  background.stop();
  server.stop();
  if (!launcher->drain(config.drain_timeout)) {
    json::array flows;
    for (const std::string& flow_id : launcher->running_flows()) flows.emplace_back(flow_id);
    log.error(
        "drain timed out; exiting with runs still going (continue them with `sluice flow "
        "run FLOW --resume`)",
        {{"flows", flows}});
    std::fflush(nullptr);
    std::_Exit(1);
  }
  log.info("stopped");
  return 0;
}

}  // namespace sluice::serve
