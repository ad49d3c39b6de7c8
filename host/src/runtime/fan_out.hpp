// One-to-many (integrator.io's `oneToMany: true` + `pathToMany: "items"` on an import or a
// lookup; docs/runtime.md, "One to many"): for that step only, each record fans out into one child
// record per element of the array at pathToMany (a dotted path, "items" or "order.lines"), and the
// step (input filter, hooks, mapping, submit or lookup, response mapping, postResponseMap) runs
// on a page of the children instead of the records. Each child is the array element (an object)
// with one field added, `_PARENT`: the record as it entered the step without the array at
// pathToMany (with it, each child would copy all its siblings: n children, n^2 elements).
//
// Back in the page, per record (the parent):
//  - any child failed: the parent fails at this step, once (one numError), code of the first
//    failed child, a message naming each failed child by its index in the array
//    (`items[1]: ...`) and, in the error's details, {"pathToMany", "failed": [{index, code,
//    message}]}; retry data: the parent as it entered the step, whole, so that `sluice errors
//    retry` fans it out again from this step (every child is sent again: edit the retry data to
//    drop children the destination already has);
//  - else the parent stays alive (ignored if the import said "ignored" for every child), counts
//    as submitted when any child was submitted, and each child's changes (a response mapping
//    writes into the child) replace its array element, without `_PARENT`;
//  - no children (the path is missing, null or an empty array): nothing is sent for it and the
//    parent goes on to the next processor unchanged, not submitted here;
//  - the path holds something other than an array, or an element is not an object: the parent
//    fails at this step with code "oneToMany" and a message naming the path and what it found.
// The next processor sees the parents, one record each: numExport counts parents, never
// children.
//
// The child page keeps the pipeline's limits (StepContext::limits, pipeline.hpp) before the step
// runs on it: a child over SLUICE_RECORD_LIMIT_BYTES fails (so its parent fails, as above, code
// "record_too_large"); children together over SLUICE_PAGE_LIMIT_BYTES fail every parent that
// fanned out at this step (code "page_too_large", naming the step, the path and the size), and
// nothing is sent.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "runtime/step.hpp"

namespace sluice::runtime {

class FanOutStep : public Step {
 public:
  // `inner` is the step as it runs without oneToMany; `path` the pathToMany; `takes_proceeding`:
  // the step also takes failed records that proceed (an import: Page::takes; a lookup takes only
  // the alive ones); `proceed_on_failure`: the step's, records failing here go on (page.hpp).
  FanOutStep(std::unique_ptr<Step> inner, std::string path, bool takes_proceeding,
             bool proceed_on_failure);
  ~FanOutStep() override;

  std::string_view kind() const override { return inner_->kind(); }
  const std::string& name() const override { return inner_->name(); }
  const std::string& step_id() const override { return inner_->step_id(); }
  Result<StepResult> run(Page& page, const StepContext& context) override;

  // The step as it runs on the children, and the path.
  Step& inner() { return *inner_; }
  const std::string& path() const { return path_; }
  // Told, once the step ran on the child page and before the records are updated from it, each
  // record's children: record `record` of the page had children `first` to `first + count - 1`
  // of `children`, as they left the step. For `sluice flow test` (flow_tester.hpp); a job sets
  // none.
  using ChildObserver =
      std::function<void(size_t record, const Page& children, size_t first, size_t count)>;
  void set_child_observer(ChildObserver observer) { child_observer_ = std::move(observer); }

 private:
  struct Parent;
  // Checks `child_page` against `limits` (see above); false when the page is over (the parents
  // failed).
  bool within_limits(Page& page, Page& child_page, const std::vector<Parent>& parents,
                     const PipelineLimits& limits, int64_t page_index) const;

  std::unique_ptr<Step> inner_;
  std::string path_;
  bool takes_proceeding_;
  bool proceed_on_failure_;
  ChildObserver child_observer_;
};

// `step` wrapped in a FanOutStep when the step's document `doc` sets oneToMany: true (with its
// pathToMany), else `step` unchanged. An Error naming `what` ("import x") and the JSON path when
// the pair is malformed (one_to_many.hpp; `sluice apply` refuses these first).
Result<std::unique_ptr<Step>> fan_out_if_one_to_many(const boost::json::object& doc,
                                                     std::string_view what,
                                                     std::unique_ptr<Step> step,
                                                     bool takes_proceeding,
                                                     bool proceed_on_failure);

}  // namespace sluice::runtime
