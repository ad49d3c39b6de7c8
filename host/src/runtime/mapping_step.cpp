#include "runtime/mapping_step.hpp"

#include "runtime/import_steps.hpp"

namespace sluice::runtime {

MappingStep::MappingStep(std::string import_id, mapper::Mapper mapper, mapper::Operation operation,
                         boost::json::object import_settings)
    : import_id_(std::move(import_id)),
      mapper_(std::move(mapper)),
      operation_(operation),
      import_settings_(std::move(import_settings)) {}

void MappingStep::run(Page& page, ImportBatch& batch, const StepContext& context) {
  if (!settings_) settings_ = import_settings_of(context, import_settings_);
  const mapper::MapContext map_context{.settings = &*settings_, .operation = operation_};
  for (ImportBatch::Entry& entry : batch.entries) {
    auto mapped = mapper_.apply(batch.pre_map_of(page, entry), map_context, page.storage());
    if (!mapped) {
      page.fail(entry.index, import_id_, "mapping", "import mapping: " + mapped.error().message,
                mapped.error().details);
      entry.dropped = true;
    } else {
      entry.post_map = std::move(*mapped);
    }
  }
  batch.drop();
}

}  // namespace sluice::runtime
