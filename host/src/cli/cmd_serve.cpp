// `sluice serve`: the long-running server (host/src/serve/server_main.hpp, docs/serve.md).
#include <pthread.h>

#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "serve/server_main.hpp"

namespace sluice::cli {

namespace {

// Blocks SIGTERM and SIGINT in this thread and every thread started after it, so that only
// wait_for_signal() receives them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

std::string wait_for_signal(const sigset_t& set) {
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) == 0) return signal == SIGINT ? "SIGINT" : "SIGTERM";
  }
}

}  // namespace

int cmd_serve(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice serve [--listen HOST:PORT] [--allow-remote] [--port-file FILE] [--log-json]\n"
      "                    [--drain-timeout SECONDS] [--threads N] [--webhook-burst N]\n"
      "                    [--webhook-rate N] [--run-now FLOW]...\n"
      "Runs the server until SIGTERM or SIGINT: the scheduler (flows' schedules, reloaded every\n"
      "30 s), the webhook listeners at /webhooks/{exportId}, the REST API at /api/v1 (a token\n"
      "from `sluice token create`), /healthz and /metrics, on one HTTP server. Then it drains: it "
      "stops\n"
      "accepting connections, starts no new runs, cancels the running jobs (each ends "
      "\"canceled\"\n"
      "after its current page) and exits once they have ended, or after --drain-timeout with\n"
      "status 1. It listens on loopback unless told otherwise with --allow-remote.\n"
      "Logs go to stderr: plain lines, or one JSON object per line with --log-json.";
  po::options_description options("options");
  options.add_options()("listen",
                        po::value<std::string>()->default_value(std::string(serve::kDefaultListen)),
                        "the address and port to listen on, HOST:PORT or [IPv6]:PORT (port 0: "
                        "any free port; see --port-file)")(
      "allow-remote",
      "allow a --listen address that is not loopback (the server has no TLS: put "
      "a TLS proxy in front)")("port-file", po::value<std::string>(),
                               "write the port listened on to FILE once listening")(
      "log-json", "log one JSON object per line {\"ts\",\"level\",\"msg\",\"fields\"}")(
      "drain-timeout", po::value<unsigned>()->default_value(30),
      "on SIGTERM, how many seconds to wait for running jobs to end canceled")(
      "threads", po::value<unsigned>()->default_value(8), "HTTP requests handled at once (1-256)")(
      "webhook-burst", po::value<double>()->default_value(1000, "1000"),
      "requests each webhook listener takes at once before answering 429")(
      "webhook-rate", po::value<double>()->default_value(100, "100"),
      "requests a second each webhook listener takes over time (its bucket drains that fast)")(
      "run-now", po::value<std::vector<std::string>>(),
      "start FLOW once the server is listening (repeatable)");
  po::positional_options_description positional;
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;

  serve::ServeConfig config;
  config.allow_remote = vm.count("allow-remote") != 0u;
  if (Result<void> listen = serve::parse_listen(vm["listen"].as<std::string>(), config); !listen) {
    return usage_error(listen.error().message, kUsage);
  }
  if (vm.count("port-file") != 0u) config.port_file = vm["port-file"].as<std::string>();
  const unsigned drain = vm["drain-timeout"].as<unsigned>();
  if (drain > 3600) {
    return usage_error(fmt::format("--drain-timeout {}: at most 3600 seconds (an hour)", drain),
                       kUsage);
  }
  config.drain_timeout = std::chrono::seconds(drain);
  const unsigned threads = vm["threads"].as<unsigned>();
  if (threads < 1 || threads > 256) {
    return usage_error(fmt::format("--threads {}: expected 1 to 256", threads), kUsage);
  }
  config.threads = static_cast<int>(threads);
  config.webhook_burst = vm["webhook-burst"].as<double>();
  config.webhook_rate = vm["webhook-rate"].as<double>();
  if (!(config.webhook_burst >= 1 && config.webhook_burst <= 1e9) ||
      !(config.webhook_rate > 0 && config.webhook_rate <= 1e9)) {
    return usage_error(fmt::format("--webhook-burst {} / --webhook-rate {}: expected a burst of at "
                                   "least 1 and a rate above 0 (each at most 1e9)",
                                   config.webhook_burst, config.webhook_rate),
                       kUsage);
  }
  if (vm.count("run-now") != 0u) config.run_at_start = vm["run-now"].as<std::vector<std::string>>();

  // Before any thread starts (plugins may start some): only the main thread takes the signals.
  const sigset_t stop_signals = block_stop_signals();
  std::unique_ptr<host::Store> store = env.open_store();
  if (store == nullptr) return kExitFailure;
  const host::PluginRegistry registry = env.load_plugins();
  serve::Logger log(std::cerr, vm.count("log-json") != 0u);
  return serve::run_server(config, *store, registry, log,
                           [&stop_signals] { return wait_for_signal(stop_signals); });
}

}  // namespace sluice::cli
