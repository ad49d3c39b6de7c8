// The `sluice serve` process (issue 12 part 1, docs/serve.md "Running the server"): one
// HttpServer over one Router, the JobLauncher every run goes through, the metrics, the log and
// the background parts, started in order and drained on SIGTERM or SIGINT.
//
// Wiring points for the other parts of serve:
//   - build_router(): every route of the server; add a part's routes there.
//   - Background::start()/stop(): the parts that run on their own threads (the scheduler, the
//     webhook intake workers); start them there, stop them there (stop runs before the drain).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/registry.hpp"
#include "serve/http.hpp"
#include "serve/job_launcher.hpp"
#include "serve/logging.hpp"
#include "serve/metrics.hpp"
#include "sluice/result.hpp"
#include "store/store.hpp"

namespace sluice::serve {

struct ApiContext;  // serve/api/api.hpp

struct ServeConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8480;
  bool allow_remote = false;  // a host that is not loopback is refused without it
  std::string port_file;      // written with the bound port once listening; empty: none
  // How long the drain waits for running jobs to end "canceled" before the process exits anyway
  // (its jobs then look like those of a dead process: `sluice flow run --resume` continues them).
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(30)};
  int threads = 8;                        // requests handled at once
  std::vector<std::string> run_at_start;  // flows launched once when the server is up
  // Each webhook listener's leaky bucket: holds `webhook_burst` requests and drains
  // `webhook_rate` of them a second; a request beyond it gets 429 with Retry-After.
  double webhook_burst = 1000;
  double webhook_rate = 100;
};

// The default --listen.
constexpr std::string_view kDefaultListen = "127.0.0.1:8480";

// Parses --listen: "HOST:PORT" with HOST an IPv4 address or "localhost", or "[IPv6]:PORT";
// PORT 0..65535 (0: a free port). Sets config.host and config.port. kInvalidConfig naming the
// value and the form expected; and when the address is not a loopback one and
// config.allow_remote is false, kInvalidConfig saying to pass --allow-remote.
Result<void> parse_listen(std::string_view text, ServeConfig& config);

// What the parts of the server share; all outlive the server.
struct ServeContext {
  host::Store& store;
  const host::PluginRegistry& registry;
  JobLauncher& launcher;
  MetricsRegistry& metrics;
  Logger& log;
  // Set once the drain has begun (the canceled jobs' message names it).
  const std::atomic<bool>& shutting_down;
};

// The parts of the server that run on threads of their own: the scheduler (serve/schedule/,
// reloading the flows every kScheduleReload so that flows applied or changed through the API are
// picked up) and the webhook intake worker (serve/webhook/intake_worker.hpp), which the listeners
// wake as they queue records.
class Background {
 public:
  static constexpr std::chrono::seconds kScheduleReload{30};

  explicit Background(ServeContext& context);
  ~Background();  // stops
  Result<void> start();
  void stop();  // idempotent; before the launcher's drain
  // Records were queued for listener `export_id` (from the server's threads).
  void queued(std::string_view export_id);
  // What the REST API's routes share (store, registry, launcher, run options).
  ApiContext& api_context();

 private:
  struct Parts;
  ServeContext& context_;
  std::unique_ptr<Parts> parts_;
};

// /healthz and /metrics.
void add_core_routes(Router& router, ServeContext& context);
// Every route of the server: the core routes, the webhook listeners (waking `background`'s
// intake worker; their rate limit from `config`) and the REST API (/api/v1).
Router build_router(ServeContext& context, Background& background, const ServeConfig& config);

// The run function of the server's JobLauncher: run_flow with the job's metrics (jobs, records,
// pages, duration), its start and end logged, and, while shutting down, the canceled job's
// message "canceled: sluice serve is shutting down (signal received)".
JobLauncher::RunFn make_run_fn(ServeContext& context);

// Runs the server until `wait_for_stop` returns (the name of the signal that stopped it, for
// the log), then drains: stops the background parts, stops accepting connections, cancels the
// running jobs (each ends "canceled" after its current page) and waits for them up to
// config.drain_timeout. Returns 0 after a clean drain, 1 when the server could not start (the
// error logged). When the drain times out it logs the flows still running and ends the process
// at once with status 1 (std::_Exit: their threads still use the store; their jobs are left
// "running" with this dead process's pid, which `sluice flow run --resume` recognises).
int run_server(const ServeConfig& config, host::Store& store, const host::PluginRegistry& registry,
               Logger& log, const std::function<std::string()>& wait_for_stop);

}  // namespace sluice::serve
