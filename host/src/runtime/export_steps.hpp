// The export-step slots of a source, in integrator.io's order (docs/runtime.md): the records at
// the export's resourcePath (the plugin extracts them) -> transform -> output filter ->
// hooks.preSavePage; then the flow's processors. Each slot holds the raw JSON sub-document of the
// export (GeneratorStep in flow_plan.hpp); an engine becomes a step by one line in
// make_export_step().
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "runtime/flow_plan.hpp"
#include "runtime/step.hpp"

namespace sluice::runtime {

enum class ExportSlot { kTransform, kFilter, kPreSavePage };
inline constexpr ExportSlot kExportSlots[] = {ExportSlot::kTransform, ExportSlot::kFilter,
                                              ExportSlot::kPreSavePage};
// "transform", "filter", "hooks.preSavePage": the slot's JSON path in the export.
std::string_view to_string(ExportSlot slot) noexcept;

// The step of `slot` for `generator`, or nullptr when the export leaves the slot empty. An Error
// when the slot is set but no engine runs it yet (`sluice apply` refuses such documents; one
// stored by another version still must not be ignored).
Result<std::unique_ptr<Step>> make_export_step(ExportSlot slot, const GeneratorStep& generator);

// What builds the steps of a slot (make_export_step; tests put recording steps there).
using ExportStepMaker =
    std::function<Result<std::unique_ptr<Step>>(ExportSlot, const GeneratorStep&)>;

}  // namespace sluice::runtime
