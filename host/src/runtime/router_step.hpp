// Branching (integrator.io's routers[], docs/runtime.md "Routers"): the last step of a flow with
// routers. Each alive record of the page is routed by routers[first]: with routeRecordsUsing
// "input_filters", each branch's inputFilter is matched in order (a branch without one, or with
// no rules, matches every record); with "script", the router's script function gets
// {record, settings} and returns the indices of the branches to take ([0, 2]). With
// routeRecordsTo "first_matching_branch" the record takes the first matching branch (the first
// index), with "all_matching_branches" every one. Each branch works on its own copy of the
// record and runs its pageProcessors (a Pipeline of its steps) on a page of the records routed
// to it; the copies still alive at its end go on to the router its nextRouterId names, where the
// copies of every branch naming that router meet in one page (routers run in an order where each
// runs after every router that feeds it; `sluice apply` refuses cycles).
//
// Counting rule (page.hpp): a record is one exported record however many branches it takes.
// Afterwards the record in this page
//   fails   (numError, once) if a copy failed in any branch, or routing it failed (a script
//           that throws or returns anything but branch indices, an input filter that cannot be
//           evaluated): its error is the first failure, with that step's id and retry data; each
//           further failure is stored as an error too (StepResult::job_errors, not counted);
//   stays alive and submitted (numSuccess) if it failed nowhere and a copy was submitted to an
//           import in some branch (or before this step: a retry);
//   is ignored (numIgnore) otherwise: it matched no branch, or reached the end of every branch
//           it took without being submitted (no processors: a discard branch, input filters).
// The record itself is not changed: what branches did to their copies stays in the branches.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "filter/filter.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/step.hpp"

namespace sluice::runtime {

class ScriptRunner;

// A branch's inputFilter: {version, rules} as integrator.io stores it on branches, or the
// import's form {type: "expression", expression: {...}}; a script filter is refused (not
// supported yet: route with the router's script). `path` names it in messages.
Result<host::filter::Filter> compile_branch_filter(const boost::json::value& filter,
                                                   const std::string& path);

class RouterStep : public Step {
 public:
  // The step of processor `index` of the plan (an import with its slots, or a lookup).
  using ProcessorMaker = std::function<Result<std::unique_ptr<Step>>(size_t index)>;
  // What a router decided for one record: `record` is its index in the page this step got,
  // `branches` the names of the branches it took (empty: none; it is ignored there).
  using RouteObserver = std::function<void(const std::string& router, size_t record,
                                           const std::vector<std::string>& branches)>;

  // The routers of `plan` reachable from routers[first], compiled: their filters and scripts
  // and each branch's steps. An Error when a filter does not compile, a script is not loaded or
  // a step cannot be made (`sluice apply` refuses such flows first).
  static Result<std::unique_ptr<RouterStep>> make(const FlowPlan& plan, size_t first,
                                                  const ProcessorMaker& make_processor,
                                                  PipelineLimits limits);
  ~RouterStep() override;

  std::string_view kind() const override { return "router"; }
  const std::string& name() const override { return name_; }
  // Errors of routing itself carry the router's id (or its path when it has none).
  const std::string& step_id() const override { return step_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

  void set_route_observer(RouteObserver observer) { observer_ = std::move(observer); }
  // Told, for auto-resolve (error_manager.hpp), each step (its step_id) a copy of record
  // `record` of the page got past in a branch: every step of a branch it left alive, the steps
  // before the one it failed at.
  using PassObserver = std::function<void(size_t record, const std::string& step_id)>;
  void set_pass_observer(PassObserver observer) { pass_observer_ = std::move(observer); }
  // Sees each branch's page as Pipeline::Observer does (step nullptr: as it enters the branch;
  // then after each step, `step_index` its place in the branch), for branch `branch` of router
  // `router` (indices in the plan's routers and their branches); `origins[j]` is the index in
  // this step's page of the record whose copy is record j of `page`. For `sluice flow test`.
  using BranchObserver = std::function<void(
      size_t router, size_t branch, const Step* step, size_t step_index, const Page& page,
      const std::vector<size_t>& origins, const Result<StepResult>* ran)>;
  void set_branch_observer(BranchObserver observer) { branch_observer_ = std::move(observer); }

  struct Branch {
    std::string name, path;
    std::optional<host::filter::Filter> filter;  // none: it takes every record
    std::unique_ptr<Pipeline> steps;             // its processors; empty: it discards
    std::vector<std::string> step_ids;           // of those steps, in order
    int next_router = -1;                        // index in routers_, -1: none
  };
  struct Router {
    std::string id, name, path;
    bool all_matching = false, by_script = false;
    std::unique_ptr<ScriptRunner> script;
    std::vector<Branch> branches;
  };

 private:
  RouterStep() = default;
  struct Item;
  struct Outcome;

  std::string name_, step_id_;
  std::vector<Router> routers_;  // indexed as the plan's
  std::vector<size_t> order_;    // the routers to run, each after those that feed it
  size_t first_ = 0;
  RouteObserver observer_;
  PassObserver pass_observer_;
  BranchObserver branch_observer_;
};

}  // namespace sluice::runtime
