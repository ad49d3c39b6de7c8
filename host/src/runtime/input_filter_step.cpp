#include "runtime/input_filter_step.hpp"

#include "runtime/import_steps.hpp"
#include "runtime/script_runner.hpp"
#include "script/record_script.hpp"

namespace sluice::runtime {

InputFilterStep::InputFilterStep(std::string import_id, std::string name,
                                 host::filter::Filter filter, std::unique_ptr<ScriptRunner> script,
                                 boost::json::object import_settings, bool proceed_on_failure)
    : import_id_(std::move(import_id)),
      name_(std::move(name)),
      filter_(std::move(filter)),
      script_(std::move(script)),
      import_settings_(std::move(import_settings)),
      proceed_on_failure_(proceed_on_failure) {}

InputFilterStep::~InputFilterStep() = default;

bool InputFilterStep::takes(const Page& page, size_t i) const { return page.takes(i); }

Result<StepResult> InputFilterStep::run(Page& page, const StepContext& context) {
  const ProceedOnFailure proceed(page, proceed_on_failure_);
  if (filter_.kind() == host::filter::Filter::Kind::kScript) {
    auto engine = script_->engine(context);
    if (!engine) return engine.error();
    if (!call_) {
      call_.emplace(**engine, script_->function(), import_settings_of(context, import_settings_));
    }
    script::RecordScript& call = *call_;
    std::string json;
    for (size_t i = 0; i < page.size(); ++i) {
      if (!takes(page, i)) continue;
      json.clear();
      page.append_json(i, json);
      auto keep = call.filter_json(json);
      if (!keep) {
        page.fail(i, import_id_, "filter", "input filter: " + keep.error().message,
                  keep.error().details);
      } else if (!*keep) {
        page.skip(i);
      }
    }
    return StepResult{};
  }
  if (filter_.keeps_everything()) return StepResult{};
  const host::filter::FilterContext filter_context{context.flow_settings, context.export_settings,
                                                   &import_settings_, context.integration_settings};
  for (size_t i = 0; i < page.size(); ++i) {
    if (!takes(page, i)) continue;
    auto keep = filter_.matches(page.record(i), filter_context);
    if (!keep) {
      page.fail(i, import_id_, "filter", "input filter: " + keep.error().message,
                keep.error().details);
    } else if (!*keep) {
      page.skip(i);
    }
  }
  return StepResult{};
}

}  // namespace sluice::runtime
