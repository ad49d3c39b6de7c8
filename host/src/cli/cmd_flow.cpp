#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>

#include <unistd.h>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "runtime/flow_runner.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_interrupt(int) {
  g_cancel.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
  std::signal(SIGTERM, SIG_DFL);
}

std::string grouped(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void print_summary(const host::Job& job, double seconds) {
  std::cout << fmt::format("job {}  flow {}  {} in {:.2f} s\n", job.id, job.flow_id, job.status,
                           seconds);
  std::cout << fmt::format("  exported {}   success {}   ignored {}   errors {}\n",
                           grouped(job.num_export), grouped(job.num_success),
                           grouped(job.num_ignore), grouped(job.num_error));
  std::cout << fmt::format("  pages    {} generated, {} processed",
                           grouped(job.num_pages_generated), grouped(job.num_pages_processed));
  if (seconds > 0 && job.num_export > 0) {
    std::cout << fmt::format(
        "   ({} records/s)",
        grouped(static_cast<int64_t>(static_cast<double>(job.num_export) / seconds)));
  }
  std::cout << '\n';
  if (!job.message.empty()) std::cout << "  " << job.message << '\n';
  if (job.num_error > 0) {
    std::cout << fmt::format("  {} record{} failed: see `sluice errors {}`\n",
                             grouped(job.num_error), job.num_error == 1 ? "" : "s", job.flow_id);
  }
}

int run(const Env& env, const std::string& flow_id, bool as_json, bool quiet) {
  auto store = env.open_store();
  if (!store) return kExitFailure;
  host::PluginRegistry registry = env.load_plugins(as_json);
  g_cancel = false;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const bool live = !as_json && !quiet && isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();
  auto last_draw = started;
  runtime::RunOptions options;
  options.cancelled = &g_cancel;
  if (live) {
    options.on_progress = [&](const host::Job& job) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_draw < std::chrono::milliseconds(100)) return;
      last_draw = now;
      const double seconds = std::chrono::duration<double>(now - started).count();
      std::cerr << fmt::format(
                       "\r  {} records · {} pages · {} errors · {} records/s   ",
                       grouped(job.num_export), grouped(job.num_pages_processed),
                       grouped(job.num_error),
                       grouped(seconds > 0 ? static_cast<int64_t>(
                                                 static_cast<double>(job.num_export) / seconds)
                                           : 0))
                << std::flush;
    };
  }
  auto job = runtime::run_flow(*store, registry, flow_id, options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (live) std::cerr << "\r" << std::string(72, ' ') << "\r" << std::flush;
  if (!job) {
    print_error(job.error().message);
    return kExitFailure;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (as_json) {
    std::cout << json::serialize(job->to_json()) << '\n';
  } else {
    print_summary(*job, seconds);
  }
  if (job->status == "canceled") return kExitCanceled;
  return job->status == "completed" ? kExitOk : kExitFailure;
}

}  // namespace

int cmd_flow(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice flow run ID [--json] [--quiet]\n"
      "Runs a flow now as a job: shows live progress on a terminal and a summary at the end.\n"
      "Exit status: 0 completed (records may still have failed: see `sluice errors ID`), 1 "
      "failed,\n"
      "130 canceled (Ctrl-C cancels cleanly; a second Ctrl-C exits at once).";
  po::options_description options("options");
  options.add_options()("json", "print the job document instead of a summary")(
      "quiet,q", "no live progress")("action", po::value<std::string>()->required(),
                                     "what to do: `sluice flow run ID`")(
      "id", po::value<std::string>(), "flow _id");
  po::positional_options_description positional;
  positional.add("action", 1).add("id", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  if (vm["action"].as<std::string>() != "run" || vm.count("id") == 0u) {
    std::cerr << "error: expected `sluice flow run ID`\n\n" << kUsage << '\n';
    return kExitUsage;
  }
  return run(env, vm["id"].as<std::string>(), vm.count("json") != 0u, vm.count("quiet") != 0u);
}

}  // namespace sluice::cli
