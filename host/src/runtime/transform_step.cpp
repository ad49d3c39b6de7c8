#include "runtime/transform_step.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "runtime/script_runner.hpp"
#include "runtime/step_settings.hpp"
#include "script/record_script.hpp"

namespace sluice::runtime {

TransformStep::TransformStep(std::string export_id, std::string name, mapper::Mapper mapper,
                             std::unique_ptr<ScriptRunner> script)
    : export_id_(std::move(export_id)),
      name_(std::move(name)),
      mapper_(std::move(mapper)),
      script_(std::move(script)) {}

TransformStep::~TransformStep() = default;

Result<StepResult> TransformStep::run(Page& page, const StepContext& context) {
  if (!settings_) settings_ = settings_of(context);
  if (mapper_.kind() == mapper::Mapper::Kind::kScript) {
    auto engine = script_->engine(context);
    if (!engine) return engine.error();
    script::RecordScript call(**engine, script_->function(), *settings_);
    for (size_t i = 0; i < page.size(); ++i) {
      if (!page.alive(i)) continue;
      auto record = call.transform(page.record(i));
      if (!record) {
        page.fail(i, export_id_, "transform", "transformation: " + record.error().message,
                  record.error().details);
      } else {
        page.set_record(i, boost::json::value(std::move(*record), page.storage()));
      }
    }
    return StepResult{};
  }
  const mapper::MapContext map_context{.settings = &*settings_};
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    auto record = mapper_.apply(page.record(i), map_context, page.storage());
    if (!record) {
      page.fail(i, export_id_, "transform", "transformation: " + record.error().message,
                record.error().details);
    } else {
      page.set_record(i, std::move(*record));
    }
  }
  return StepResult{};
}

}  // namespace sluice::runtime
