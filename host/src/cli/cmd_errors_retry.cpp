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
  int code = kExitOk;
  auto selection =
      select_errors(env, words, kUsage, "print the retry job and what became of the errors as JSON",
                    "only the errors of this step (an import id)", code);
  if (!selection) return code;
  const std::string& flow = selection->flow;
  runtime::RetryOptions retry;
  retry.step_id = selection->step;
  retry.error_ids = selection->ids;
  auto limits = host::call_limits_from_environment();
  if (!limits) {
    print_error(limits.error().message);
    return kExitFailure;
  }
  retry.limits = *limits;
  const host::PluginRegistry registry = env.load_plugins(selection->json);
  auto ran = runtime::run_retry(*selection->store, registry, flow, retry);
  if (!ran) {
    print_error(ran.error());
    return kExitFailure;
  }
  const host::Job& job = ran->job;
  if (selection->json) {
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
                               ran->still_open, ran->still_open == 1 ? "s" : "",
                               errors_list_words(flow));
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
