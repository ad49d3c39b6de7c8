// The steps one source's pages go through, in order (export steps, then one SubmitStep per
// processor), and the limits every page and record must keep at every step: a record whose JSON
// is over `record_bytes`, or a page whose records together are over `page_bytes`, after the
// source or after any step, fails (every live record of such a page) with an error naming the
// step, the record (its id and index) and the size. The job goes on with the next page.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/step.hpp"

namespace sluice::runtime {

class Pipeline {
 public:
  // `source_id`/`source_name`: the export feeding it, for errors found before the first step.
  Pipeline(std::string source_id, std::string source_name, PipelineLimits limits);
  void add(std::unique_ptr<Step> step);
  size_t size() const noexcept { return steps_.size(); }

  // Checks the limits, then runs each step in order on `page` (Page::begin_step before each),
  // checking the limits after each. Returns what the steps asked (abort, job errors). When a step
  // returns an Error, the records still alive fail with it at that step, no later step runs, and
  // the Error is returned (the job fails once the page is committed).
  Result<StepResult> run(Page& page, const StepContext& context);

  // What sees the page as it leaves the source (step nullptr, ran nullptr: after the limits are
  // checked) and each step (after its limits are checked; `ran` is what the step returned, its
  // Error included), on run()'s thread, before run() goes on. For `sluice flow test`
  // (flow_tester.hpp); a job sets none.
  using Observer =
      std::function<void(const Step* step, const Page& page, const Result<StepResult>* ran)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }

 private:
  void check_limits(Page& page, const std::string& step_id, std::string_view step,
                    const StepContext& context) const;

  std::string source_id_, source_name_;
  PipelineLimits limits_;
  std::vector<std::unique_ptr<Step>> steps_;
  Observer observer_;
};

}  // namespace sluice::runtime
