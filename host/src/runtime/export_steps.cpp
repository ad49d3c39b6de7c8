#include "runtime/export_steps.hpp"

#include <fmt/format.h>

#include "filter/filter.hpp"
#include "mapper/mapper.hpp"
#include "runtime/filter_step.hpp"
#include "runtime/pre_save_page_step.hpp"
#include "runtime/script_runner.hpp"
#include "runtime/transform_step.hpp"

namespace sluice::runtime {

namespace json = boost::json;

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
  const std::string what = fmt::format("export {}", generator.export_id);
  const std::string where = fmt::format("{}: $.{}", what, to_string(slot));
  switch (slot) {
    case ExportSlot::kTransform: {
      if (generator.transform.is_null()) return std::unique_ptr<Step>();
      auto mapper = mapper::Mapper::compile(generator.transform, where);
      if (!mapper) return mapper.error();
      std::unique_ptr<ScriptRunner> script;
      if (mapper->kind() == mapper::Mapper::Kind::kScript) {
        auto runner = script_runner_for(what, generator.scripts,
                                        generator.transform.get_object().if_contains("script"),
                                        "$.transform.script");
        if (!runner) return runner.error();
        script = std::move(*runner);
      }
      return std::unique_ptr<Step>(std::make_unique<TransformStep>(
          generator.export_id, generator.name, std::move(*mapper), std::move(script)));
    }
    case ExportSlot::kFilter: {
      if (generator.filter.is_null()) return std::unique_ptr<Step>();
      auto filter = host::filter::Filter::compile(generator.filter, where);
      if (!filter) return filter.error();
      std::unique_ptr<ScriptRunner> script;
      if (filter->kind() == host::filter::Filter::Kind::kScript) {
        auto runner = script_runner_for(what, generator.scripts,
                                        generator.filter.get_object().if_contains("script"),
                                        "$.filter.script");
        if (!runner) return runner.error();
        script = std::move(*runner);
      } else if (filter->keeps_everything()) {
        return std::unique_ptr<Step>();
      }
      return std::unique_ptr<Step>(std::make_unique<FilterStep>(
          generator.export_id, generator.name, std::move(*filter), std::move(script)));
    }
    case ExportSlot::kPreSavePage: {
      if (generator.pre_save_page.is_null()) return std::unique_ptr<Step>();
      auto runner = hook_runner_for(what, generator.scripts, generator.native_hooks,
                                    &generator.pre_save_page, "$.hooks.preSavePage");
      if (!runner) return runner.error();
      return std::unique_ptr<Step>(std::make_unique<PreSavePageStep>(
          generator.export_id, generator.name, generator.connection.id, std::move(*runner)));
    }
  }
  return std::unique_ptr<Step>();
}

}  // namespace sluice::runtime
