// What the runtime adds to each job error for the error manager (docs/errors.md), and
// auto-resolve:
//  - each error's trace key: the failing step's traceKeyTemplate (an import's own, else the
//    source export's) rendered with the error's retry data (trace_key.hpp), default its id;
//  - the request and response the plugin reported: the "request" and "response" members of the
//    error's details move to JobError::request/response;
//  - auto-resolve: once a flow page has run, each record that got past a step (it reached the end
//    of the pipeline, or failed at a later step) resolves ("auto") the open errors of that step
//    whose trace key is the record's key there. Ignored records resolve nothing (where they were
//    ignored is not known); nor do errors just made by the same page (auto-resolve runs before
//    they are stored).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/flow_plan.hpp"
#include "runtime/page.hpp"
#include "runtime/trace_key.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

// The trace key of each step of one flow, compiled on first use. A template that does not parse
// (apply refuses it, so only a document stored before) falls back to record ids.
class TraceKeys {
 public:
  explicit TraceKeys(const FlowPlan& plan) : plan_(plan) {}
  // The key of step `step_id` (an import of the plan, else an export) of records from export
  // `source_export_id`.
  const TraceKey& of_step(const std::string& step_id, const std::string& source_export_id);

 private:
  const FlowPlan& plan_;
  std::map<std::pair<std::string, std::string>, TraceKey> keys_;
};

// Moves details.request and details.response into error.request/response (details becomes null
// when nothing else is left in it).
void lift_exchange(host::JobError& error);

// Auto-resolve for `page` after the pipeline ran and before its errors are taken (see above);
// returns how many errors it resolved. A flow with routers: a record's steps are not the plan's
// processors in order but those of the branches it took, so `branch_steps[i]` lists the steps
// record i got past in branches (RouterStep::set_pass_observer), and only those and the source
// export count for it.
Result<size_t> auto_resolve(host::Store& store, const FlowPlan& plan, TraceKeys& keys,
                            const Page& page, const std::string& source_export_id,
                            const std::vector<std::vector<std::string>>* branch_steps = nullptr);

// What follows `sluice errors` to list the errors of `flow`: the flow id, or "list FLOW" for a flow
// named like a subcommand (resolve, retry, edit, list). The one source of every hint that names
// that command (the CLI's and the retry runner's).
std::string errors_list_words(std::string_view flow);

}  // namespace sluice::runtime
