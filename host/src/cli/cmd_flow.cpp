#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/cmd_errors.hpp"
#include "cli/cmd_flow.hpp"
#include "cli/command.hpp"
#include "cli/job_summary.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/flow_runner.hpp"
#include "runtime/job_recorder.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

// Ctrl-C (SIGINT) and SIGTERM while a job runs. The first sets `cancel`: the job stops after the
// page in hand and ends canceled. The second ends the process at once — whatever a plugin is
// doing — after recording the job as canceled from its last recorded page (what was confirmed,
// what was in flight). Signals are taken by a thread of its own with sigwait(), so nothing runs
// in a signal handler: the constructor blocks both signals in the calling thread, and so in every
// thread started after it, and must run before any other thread starts.
class SignalWatcher {
 public:
  SignalWatcher(host::Store& store, std::atomic<bool>& cancel) : store_(store), cancel_(cancel) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    thread_ = std::thread([this] { watch(); });
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  // Stops watching; signals arriving from now on act as they did before.
  ~SignalWatcher() {
    stopping_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);  // wakes sigwait()
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

  // The job to record if a second signal comes.
  void job_started(const std::string& id) {
    std::lock_guard lock(mutex_);
    job_id_ = id;
  }

 private:
  void watch() {
    int received = 0;
    for (int count = 0;;) {
      if (sigwait(&signals_, &received) != 0) continue;
      if (stopping_) return;
      if (++count == 1) {
        cancel_ = true;
        std::cerr << "\nstopping after the page in hand; press Ctrl-C again to stop at once\n"
                  << std::flush;
        continue;
      }
      std::string id;
      {
        std::lock_guard lock(mutex_);
        id = job_id_;
      }
      if (!id.empty()) {
        const std::string why = fmt::format("canceled: a second {} ended the process at once",
                                            received == SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM");
        auto ended = runtime::end_job_now(store_, id, why);
        if (!ended) {
          print_error(fmt::format("job {} could not be recorded as canceled: {}", id,
                                  ended.error().message));
        } else if (*ended) {
          std::cerr << fmt::format("job {}  flow {}  canceled\n  {}\n", id, (*ended)->flow_id,
                                   (*ended)->message)
                    << std::flush;
        }
      }
      ::_exit(kExitCanceled);
    }
  }

  host::Store& store_;
  std::atomic<bool>& cancel_;
  sigset_t signals_{};
  sigset_t previous_{};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::string job_id_;
  std::thread thread_;
};

std::string grouped(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Which page size means what (docs/resources.md, "Page sizes"): a flow page holds the export's
// pageSize records (default 20) on their way through the steps; how many records the plugin asks
// the application for per request is the plugin's own setting, which plugins do not report yet.
std::string page_sizes_line(const runtime::FlowPlan& plan) {
  std::string sizes;
  for (const runtime::GeneratorStep& g : plan.generators) {
    const json::value* set = g.doc.if_contains("pageSize");
    sizes += fmt::format("{}{} records (export {}'s pageSize{})", sizes.empty() ? "" : ", ",
                         g.page_size, g.name, set && !set->is_null() ? "" : ", the default");
  }
  return fmt::format(
      "  paging   flow pages of {}; the records per request to the application are the "
      "plugin's own setting (plugins do not report it yet)\n",
      sizes);
}

void print_summary(const host::Job& job, double seconds, const std::string& paging) {
  std::cout << fmt::format("job {}  flow {}  {} in {:.2f} s\n", job.id, job.flow_id, job.status,
                           seconds);
  if (!job.resumed_from.empty()) {
    std::cout << fmt::format("  resumed job {}: these counts are this job's only\n",
                             job.resumed_from);
  }
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
  std::cout << '\n' << paging;
  if (!job.message.empty()) std::cout << "  " << job.message << '\n';
  if (job.num_error > 0) {
    std::cout << fmt::format("  {} record{} failed: see `sluice errors {}`\n",
                             grouped(job.num_error), job.num_error == 1 ? "" : "s",
                             errors_list_words(job.flow_id));
  }
  std::cout << format_warnings(job);
}

struct RunFlags {
  bool as_json = false, quiet = false, resume = false, verbose = false, debug = false;
  std::optional<runtime::ExportType> type;
  std::string start_date;
  std::string data;  // --data FILE: the data loader's file
};

// --data feeds the flow's data loader sources (SimpleExport) and nothing else; a data loader
// needs it. The refusal, or nullopt.
std::optional<std::string> data_problem(const runtime::FlowPlan& plan, const std::string& data) {
  bool simple = false;
  for (const runtime::GeneratorStep& g : plan.generators) simple |= g.simple;
  if (!data.empty() && !simple) {
    return fmt::format(
        "--data {}: flow {} has no data loader source (an export with \"adaptorType\": "
        "\"SimpleExport\"); its sources fetch their own records, so leave --data out",
        data, plan.flow_id);
  }
  if (data.empty() && simple) {
    std::string names;
    for (const runtime::GeneratorStep& g : plan.generators) {
      if (g.simple) names += fmt::format("{}{}", names.empty() ? "" : ", ", g.export_id);
    }
    return fmt::format(
        "flow {} reads a file the operator gives (data loader export {}): run it with "
        "`sluice flow run {} --data FILE`",
        plan.flow_id, names, plan.flow_id);
  }
  return std::nullopt;
}

int run(const Env& env, const std::string& flow_id, const RunFlags& flags) {
  const bool as_json = flags.as_json, quiet = flags.quiet, resume = flags.resume,
             verbose = flags.verbose;
  std::atomic<bool> cancel{false};
  auto store = env.open_store();
  if (!store) return kExitFailure;
  std::optional<SignalWatcher> watcher;
  watcher.emplace(*store, cancel);
  host::PluginRegistry registry = env.load_plugins(as_json);
  const bool live = !as_json && !quiet && isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();
  auto last_draw = started;
  runtime::RunOptions options;
  options.cancelled = &cancel;
  options.resume = resume;
  options.on_start = [&](const host::Job& job) { watcher->job_started(job.id); };
  auto limits = host::call_limits_from_environment();  // SLUICE_CALL_DEADLINE_*, page limit
  if (!limits) {
    print_error(limits.error().message);
    return kExitFailure;
  }
  options.limits = *limits;
  auto record_bytes = record_limit_from_environment();
  if (!record_bytes) {
    print_error(record_bytes.error().message);
    return kExitFailure;
  }
  options.record_bytes = *record_bytes;
  options.type = flags.type;
  options.start_date = flags.start_date;
  // Debug lines are kept in the job's log only with -v or --debug (runtime/job_log.hpp).
  options.keep_debug = verbose || flags.debug;
  // Plugins' log lines: warn and error always to stderr, info and debug with -v; all of them
  // but debug are in the job's log (`sluice jobs log JOB`), debug ones with -v or --debug.
  options.on_log = [&, verbose](const host::JobLogLine& line) {
    if (!verbose && line.level != "warn" && line.level != "error") return;
    if (live) std::cerr << "\r" << std::string(72, ' ') << "\r";
    std::cerr << line.level << " [" << line.step << "] " << line.message << '\n';
  };
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
  // The page sizes the run will use, for the summary; run_flow reports a flow that does not
  // resolve.
  std::string paging;
  if (auto plan = runtime::resolve_flow(*store, registry, flow_id)) {
    if (auto problem = data_problem(*plan, flags.data)) {
      print_error(*problem);
      return kExitFailure;
    }
    paging = page_sizes_line(*plan);
  }
  options.data_file = flags.data;
  auto job = runtime::run_flow(*store, registry, flow_id, options);
  watcher.reset();
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
    print_summary(*job, seconds, paging);
  }
  if (job->status == "canceled") return kExitCanceled;
  return job->status == "completed" ? kExitOk : kExitFailure;
}

}  // namespace

Result<size_t> record_limit_from_environment() {
  const char* text = std::getenv("SLUICE_RECORD_LIMIT_BYTES");
  if (text == nullptr || *text == '\0') return size_t{5} << 20;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || value == 0 || text[0] == '-' || value > (uint64_t{1} << 32)) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("SLUICE_RECORD_LIMIT_BYTES is \"{}\"; it takes a whole number "
                                  "of bytes from 1 to {} (default 5242880, 5 MB)",
                                  text, uint64_t{1} << 32));
  }
  return static_cast<size_t>(value);
}

int cmd_flow(const Env& env, const Args& args) {
  if (!args.empty() && args[0] == "test")
    return cmd_flow_test(env, Args(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "schedule")
    return cmd_flow_schedule(env, Args(args.begin() + 1, args.end()));
  constexpr const char* kUsage =
      "usage: sluice flow run ID [--data FILE] [--resume] [--type test] [--start-date ISO] "
      "[--json] [--quiet]\n       [-v] [--debug]\n"
      "Runs a flow now as a job: shows live progress on a terminal and a summary at the end.\n"
      "Plugins' warnings and errors go to stderr; with -v their info and debug lines too. All "
      "but the\ndebug lines are kept in the job's log (`sluice jobs log JOB`); the debug lines (an "
      "HTTP\nexport's request/response trace) only with -v or --debug.\n"
      "With --resume, continues the flow's last unfinished job (failed, canceled, or whose "
      "process died)\n"
      "after its last confirmed page instead of starting again.\n"
      "With --type test, every export runs as a test export: at most its test.limit records "
      "(default 1),\nwith testMode in its run context, and nothing stored for the next run.\n"
      "With --start-date 2026-01-31T00:00:00Z, delta exports export what changed since then "
      "(backdating\nthis run); the stored time advances as usual when the job completes.\n"
      "With --data orders.csv, a data loader flow (its source an export with adaptorType "
      "SimpleExport)\nreads that file, parsed with the export's `file` settings "
      "(docs/files.md); it is\nrefused for other flows, and a data loader flow needs it.\n"
      "Exit status: 0 completed (records may still have failed: see `sluice errors ID`), 1 "
      "failed,\n"
      "130 canceled (Ctrl-C cancels cleanly; a second Ctrl-C exits at once, recording what is "
      "known).\n"
      "`sluice flow test ID` test-runs a flow one step at a time and sends nothing: see "
      "`sluice flow test --help`.\n"
      "`sluice flow schedule ID` lists the next run times of a flow's schedule: see "
      "`sluice flow schedule --help`.";
  po::options_description options("options");
  options.add_options()("json", "print the job document instead of a summary")("quiet,q",
                                                                               "no live progress")(
      "verbose,v",
      "also print the plugins' info and debug log lines as they come (and keep the debug ones)")(
      "debug", "keep the plugins' debug lines (HTTP request/response traces) in the job's log")(
      "resume", "continue the last unfinished job from its last confirmed page")(
      "type", po::value<std::string>(), "run every export as this type: test")(
      "data", po::value<std::string>(),
      "FILE: the file a data loader flow (SimpleExport source) reads")(
      "start-date", po::value<std::string>(),
      "ISO 8601 date-time: the lastExportDateTime of delta exports for this run")(
      "action", po::value<std::string>()->required(), "what to do: `sluice flow run ID`")(
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
  RunFlags flags;
  flags.as_json = vm.count("json") != 0u;
  flags.quiet = vm.count("quiet") != 0u;
  flags.resume = vm.count("resume") != 0u;
  flags.verbose = vm.count("verbose") != 0u;
  flags.debug = vm.count("debug") != 0u;
  if (vm.count("type") != 0u) {
    if (vm["type"].as<std::string>() != "test") {
      std::cerr << "error: --type: expected \"test\" (a run of every export as a test export), "
                   "found \""
                << vm["type"].as<std::string>() << "\"; leave it out to run each export as its "
                << "own type\n\n"
                << kUsage << '\n';
      return kExitUsage;
    }
    flags.type = runtime::ExportType::kTest;
  }
  if (vm.count("start-date") != 0u) flags.start_date = vm["start-date"].as<std::string>();
  if (vm.count("data") != 0u) {
    flags.data = vm["data"].as<std::string>();
    if (flags.data.empty()) {
      std::cerr << "error: --data: expected the path of the file to load\n\n" << kUsage << '\n';
      return kExitUsage;
    }
  }
  return run(env, vm["id"].as<std::string>(), flags);
}

}  // namespace sluice::cli
