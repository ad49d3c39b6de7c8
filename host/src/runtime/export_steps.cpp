#include "runtime/export_steps.hpp"

#include <fmt/format.h>

namespace sluice::runtime {

std::string_view to_string(ExportSlot slot) noexcept {
  switch (slot) {
    case ExportSlot::kTransform:
      return "transform";
    case ExportSlot::kFilter:
      return "filter";
    case ExportSlot::kPreSavePage:
      return "hooks.preSavePage";
  }
  return "?";
}

Result<std::unique_ptr<Step>> make_export_step(ExportSlot slot, const GeneratorStep& generator) {
  const boost::json::value* doc = nullptr;
  switch (slot) {
    case ExportSlot::kTransform:
      doc = &generator.transform;
      break;
    case ExportSlot::kFilter:
      doc = &generator.filter;
      break;
    case ExportSlot::kPreSavePage:
      doc = &generator.pre_save_page;
      break;
  }
  if (doc == nullptr || doc->is_null()) return std::unique_ptr<Step>();
  return make_error(Status::kUnsupported,
                    fmt::format("export {}: \"{}\" is not supported yet by this host; remove it "
                                "and apply the export again",
                                generator.export_id, to_string(slot)));
}

}  // namespace sluice::runtime
