#include "runtime/filter_step.hpp"

#include <string>

#include "runtime/script_runner.hpp"
#include "runtime/step_settings.hpp"
#include "script/record_script.hpp"

namespace sluice::runtime {

FilterStep::FilterStep(std::string export_id, std::string name, host::filter::Filter filter,
                       std::unique_ptr<ScriptRunner> script)
    : export_id_(std::move(export_id)),
      name_(std::move(name)),
      filter_(std::move(filter)),
      script_(std::move(script)) {}

FilterStep::~FilterStep() = default;

Result<StepResult> FilterStep::run(Page& page, const StepContext& context) {
  if (filter_.kind() == host::filter::Filter::Kind::kScript) {
    auto engine = script_->engine(context);
    if (!engine) return engine.error();
    if (!call_) call_.emplace(**engine, script_->function(), settings_of(context));
    script::RecordScript& call = *call_;
    std::string json;
    for (size_t i = 0; i < page.size(); ++i) {
      if (!page.alive(i)) continue;
      json.clear();
      page.append_json(i, json);
      auto keep = call.filter_json(json);
      if (!keep) {
        page.fail(i, export_id_, "filter", "output filter: " + keep.error().message,
                  keep.error().details);
      } else if (!*keep) {
        page.ignore(i);
      }
    }
    return StepResult{};
  }
  if (filter_.keeps_everything()) return StepResult{};
  const host::filter::FilterContext filter_context{context.flow_settings, context.export_settings,
                                                   nullptr, context.integration_settings};
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    auto keep = filter_.matches(page.record(i), filter_context);
    if (!keep) {
      page.fail(i, export_id_, "filter", "output filter: " + keep.error().message,
                keep.error().details);
    } else if (!*keep) {
      page.ignore(i);
    }
  }
  return StepResult{};
}

}  // namespace sluice::runtime
