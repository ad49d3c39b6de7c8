// A lookup as a page processor (`pageProcessors[{type: "export", _exportId}]` naming an export
// with isLookup: true; docs/runtime.md, "Lookups"): its input filter (the import's kind,
// input_filter_step.hpp: a record that does not match skips this lookup only), then one call of
// the connector's lookup (RemoteLookup::lookup) with the page's active records as a JSON array
// (their raw text where they have one); the plugin answers one entry per record, in order:
//   {"data": [...]}  the records found (maybe none): the flow entry's responseMapping merges
//                    {data, errors: []} into the page's record (data[0].x, data.length), and the
//                    record goes on to the next processor (without a responseMapping, unchanged);
//   {"errors": [{code, message}, ...]}  (non-empty): the record fails at this lookup (its export
//                    id) with the first code and every message; retry data: the record as it
//                    entered the lookup; details: the entry's "details" when the plugin gave
//                    them (its "request" and "response" become the stored error's,
//                    error_manager.hpp). With proceedOnFailure on the lookup's flow entry, the
//                    later imports still get it (page.hpp, "Proceeding").
// A record failed by an earlier step is not looked up (there is nothing to enrich), even when it
// proceeds. A failed
// call (opening the lookup, the plugin, the deadline) fails every record sent with its error;
// a fatal one (as submit_step.hpp) is also returned as "lookup NAME failed: ...", and so is a
// plugin that does not answer one entry per record (kInternal): the job fails after this page.
// A responseMapping error fails that record with code "responseMapping". Then the flow entry's
// hooks.postResponseMap (post_response_map_hook.hpp) gets the records still alive, with their
// {data, errors} responses, and may replace them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include "plugins/connector_client.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/step.hpp"

namespace sluice::mapper {
class ResponseMapping;
}

namespace sluice::runtime {

class InputFilterStep;
class PostResponseMapHook;

class LookupStep : public Step {
 public:
  // `open` gives the lookup, opening it on first use. `input_filter` and `response_mapping` may
  // be null (none).
  using Opener = std::function<Result<host::RemoteLookup*>()>;
  LookupStep(const ProcessorStep& processor, std::unique_ptr<InputFilterStep> input_filter,
             std::unique_ptr<mapper::ResponseMapping> response_mapping, Opener open,
             std::unique_ptr<PostResponseMapHook> post_response_map = nullptr);
  ~LookupStep() override;

  std::string_view kind() const override { return "lookup"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return export_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

  // `sluice flow test` (flow_tester.hpp): called during run() with each record looked up (its
  // index in the page) and the plugin's answer for it ({"data": [...]} or {"errors": [...]}),
  // before the response mapping. Null (the default): nothing is called.
  using AnswerObserver = std::function<void(size_t record, const boost::json::value& answer)>;
  void set_answer_observer(AnswerObserver observer) { observe_answer_ = std::move(observer); }

 private:
  std::string export_id_, name_, plugin_id_;
  bool proceed_on_failure_;  // the flow entry's: records failing here go on (page.hpp)
  std::unique_ptr<InputFilterStep> input_filter_;
  std::unique_ptr<mapper::ResponseMapping> response_mapping_;
  Opener open_;
  std::unique_ptr<PostResponseMapHook> post_response_map_;  // null: none
  AnswerObserver observe_answer_;
};

// The step of lookup `processor` (is_lookup): compiles its inputFilter and the flow entry's
// responseMapping; an Error naming the JSON path when one does not compile. Inside a FanOutStep
// (fan_out.hpp) when the export sets oneToMany.
Result<std::unique_ptr<Step>> make_lookup_step(const ProcessorStep& processor,
                                               LookupStep::Opener open);

}  // namespace sluice::runtime
