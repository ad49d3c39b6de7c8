// `sluice errors retry FLOW [--step STEP] [ERROR_ID...]`: runs errors' retry data again from the
// step where each failed, as a job of type "retry" (runtime/retry_runner.hpp).
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/cmd_errors.hpp"
#include "plugins/call_limits.hpp"
#include "runtime/record_json.hpp"
#include "runtime/retry_runner.hpp"

namespace sluice::cli {

namespace json = boost::json;

int cmd_errors_retry(const Env& env, const Args& words) {
  constexpr const char* kUsage =
      "usage: sluice errors retry FLOW [--step STEP] [ERROR_ID...] [--json]\n"
      "Runs the retry data of the named open errors (without ids: of every open error of the\n"
      "flow, or of one step with --step) again, from the import where each failed through the\n"
      "flow's later steps, as a job of its own (type \"retry\", see `sluice get jobs`). An error\n"
      "whose record now succeeds is resolved; one that fails again stays open with the new\n"
      "message. Edit a record first with `sluice errors edit FLOW ERROR_ID`.";
  Args args = words;
  std::vector<std::string> ids;
  take_error_ids(args, ids, {"--step"});
  po::options_description options("options");
  options.add_options()("json", "print the retry job and what became of the errors as JSON")(
      "step", po::value<std::string>()->value_name("STEP"),
      "only the errors of this step (an import id)")("flow", po::value<std::string>()->required(),
                                                     "a flow id (see `sluice get flows`)");
  po::positional_options_description positional;
  positional.add("flow", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  auto store = env.open_store();
  if (!store) return kExitFailure;
  const std::string flow = vm["flow"].as<std::string>();
  runtime::RetryOptions retry;
  if (vm.count("step") != 0u) retry.step_id = vm["step"].as<std::string>();
  retry.error_ids = ids;
  auto limits = host::call_limits_from_environment();
  if (!limits) {
    print_error(limits.error().message);
    return kExitFailure;
  }
  retry.limits = *limits;
  if (!flow_exists(*store, flow)) return kExitFailure;
  const host::PluginRegistry registry = env.load_plugins(vm.count("json") != 0u);
  auto ran = runtime::run_retry(*store, registry, flow, retry);
  if (!ran) {
    print_error(ran.error());
    return kExitFailure;
  }
  const host::Job& job = ran->job;
  if (vm.count("json") != 0u) {
    json::array notes;
    for (const std::string& note : ran->notes) notes.emplace_back(note);
    std::cout << runtime::record_json(json::object{{"job", job.to_json()},
                                                   {"retried", ran->retried},
                                                   {"resolved", ran->resolved},
                                                   {"stillOpen", ran->still_open},
                                                   {"skipped", ran->skipped},
                                                   {"notes", std::move(notes)}})
              << '\n';
  } else {
    std::cout << fmt::format("job {}  flow {}  retry {}\n", job.id, job.flow_id, job.status);
    std::cout << fmt::format("  retried {}   success {}   ignored {}   errors {}\n", job.num_export,
                             job.num_success, job.num_ignore, job.num_error);
    if (!job.message.empty()) std::cout << "  " << job.message << '\n';
    std::cout << fmt::format("  {} error{} resolved", ran->resolved, ran->resolved == 1 ? "" : "s");
    if (ran->still_open > 0) {
      std::cout << fmt::format("; {} failed again and stay{} open: see `sluice errors {}`",
                               ran->still_open, ran->still_open == 1 ? "s" : "", flow);
    }
    std::cout << '\n';
    if (ran->skipped > 0) {
      std::cout << fmt::format("  {} error{} not retried:\n", ran->skipped,
                               ran->skipped == 1 ? "" : "s");
      for (const std::string& note : ran->notes) std::cout << "    " << note << '\n';
    }
  }
  if (job.status == "completed") return kExitOk;
  return job.status == "canceled" ? kExitCanceled : kExitFailure;
}

}  // namespace sluice::cli
