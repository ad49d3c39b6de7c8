#include "runtime/export_steps.hpp"

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "filter/filter.hpp"
#include "mapper/mapper.hpp"
#include "runtime/filter_step.hpp"
#include "runtime/pre_save_page_step.hpp"
#include "runtime/script_runner.hpp"
#include "runtime/transform_step.hpp"
#include "script/script_reference.hpp"

namespace sluice::runtime {

namespace json = boost::json;

// The limits of the job's scripts: SLUICE_SCRIPT_TIME_LIMIT_MS (per call, default 5000) and
// SLUICE_SCRIPT_HEAP_LIMIT_MB (default 256), read when the job starts. A value that is set but not
// a whole number in range is an Error naming the variable (never ignored).
Result<script::ScriptLimits> job_script_limits() {
  script::ScriptLimits limits;
  auto read = [](const char* name, unsigned long long max,
                 unsigned long long& out) -> Result<void> {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return {};
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (errno != 0 || end == nullptr || *end != '\0' || *text == '-' || value == 0 || value > max) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("{}={:?}: expected a whole number from 1 to {}; fix or unset "
                                    "it",
                                    name, text, max));
    }
    out = value;
    return {};
  };
  unsigned long long ms = limits.call_time_limit_ms, mb = limits.heap_limit_bytes >> 20;
  if (auto r = read("SLUICE_SCRIPT_TIME_LIMIT_MS", 3'600'000, ms); !r) return r.error();
  if (auto r = read("SLUICE_SCRIPT_HEAP_LIMIT_MB", 65'536, mb); !r) return r.error();
  limits.call_time_limit_ms = static_cast<uint32_t>(ms);
  limits.heap_limit_bytes = mb << 20;
  return limits;
}

namespace {

// The runner of the script `reference` ({_scriptId, function}) names; the plan loaded it.
Result<std::unique_ptr<ScriptRunner>> runner_for(const GeneratorStep& generator,
                                                 const json::value* reference,
                                                 std::string_view path) {
  const json::object* ref = reference != nullptr ? reference->if_object() : nullptr;
  const json::value* id = ref != nullptr ? ref->if_contains("_scriptId") : nullptr;
  const json::value* function = ref != nullptr ? ref->if_contains("function") : nullptr;
  if (id == nullptr || !id->is_string() || function == nullptr || !function->is_string()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("export {}: {}: expected {{\"_scriptId\": ..., \"function\": "
                                  "...}}; fix it and apply the export again",
                                  generator.export_id, path));
  }
  auto doc = generator.scripts.find(std::string(id->get_string()));
  if (doc == generator.scripts.end()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("export {}: {}._scriptId: no script {} in the store",
                                  generator.export_id, path, id->get_string()));
  }
  auto limits = job_script_limits();
  if (!limits) return limits.error();
  return std::make_unique<ScriptRunner>(script::script_source_of(doc->second),
                                        std::string(function->get_string()), *limits);
}

}  // namespace

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
  const std::string where = fmt::format("export {}: $.{}", generator.export_id, to_string(slot));
  switch (slot) {
    case ExportSlot::kTransform: {
      if (generator.transform.is_null()) return std::unique_ptr<Step>();
      auto mapper = mapper::Mapper::compile(generator.transform, where);
      if (!mapper) return mapper.error();
      std::unique_ptr<ScriptRunner> script;
      if (mapper->kind() == mapper::Mapper::Kind::kScript) {
        auto runner = runner_for(generator, generator.transform.get_object().if_contains("script"),
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
        auto runner = runner_for(generator, generator.filter.get_object().if_contains("script"),
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
      auto runner = runner_for(generator, &generator.pre_save_page, "$.hooks.preSavePage");
      if (!runner) return runner.error();
      return std::unique_ptr<Step>(std::make_unique<PreSavePageStep>(
          generator.export_id, generator.name, generator.connection.id, std::move(*runner)));
    }
  }
  return std::unique_ptr<Step>();
}

}  // namespace sluice::runtime
