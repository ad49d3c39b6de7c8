#include "runtime/post_response_map_hook.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "runtime/import_hook_step.hpp"
#include "runtime/import_steps.hpp"
#include "runtime/one_to_many.hpp"
#include "runtime/page.hpp"
#include "runtime/script_runner.hpp"
#include "script/post_response_map.hpp"

namespace sluice::runtime {

namespace json = boost::json;

PostResponseMapHook::PostResponseMapHook(std::string step_id, std::string name, bool lookup,
                                         std::string connection_id,
                                         std::unique_ptr<HookRunner> script,
                                         json::object step_settings,
                                         std::optional<std::string> path_to_many)
    : step_id_(std::move(step_id)),
      name_(std::move(name)),
      lookup_(lookup),
      connection_id_(std::move(connection_id)),
      script_(std::move(script)),
      step_settings_(std::move(step_settings)),
      path_to_many_(std::move(path_to_many)) {}

PostResponseMapHook::~PostResponseMapHook() = default;

Result<void> PostResponseMapHook::run(Page& page, const std::vector<size_t>& indices,
                                      const json::array& responses, const StepContext& context) {
  if (indices.empty()) return {};
  auto callee = script_->callee(context);
  if (!callee) return callee.error();
  if (!hook_) hook_ = import_hook_context(context, step_id_, connection_id_, step_settings_);
  const script::ImportHookContext& hook = *hook_;
  std::string records = "[";
  for (size_t k = 0; k < indices.size(); ++k) {
    if (k > 0) records += ',';
    page.append_json(indices[k], records);
  }
  records += ']';
  auto result = script::call_post_response_map(**callee, script_->function(), records,
                                               json::serialize(responses), indices.size(), hook,
                                               lookup_, path_to_many_);
  if (!result) {
    const std::string message =
        fmt::format("postResponseMap hook of {} {}: {}", lookup_ ? "lookup" : "import", name_,
                    result.error().message);
    for (size_t i : indices) page.fail(i, step_id_, "hook", message);
    return {};
  }
  for (size_t k = 0; k < indices.size(); ++k) {
    json::value record = page.new_value();
    record = (*result)[k];
    page.set_record(indices[k], std::move(record));
  }
  return {};
}

Result<EntryResponseSteps> entry_response_steps(const ProcessorStep& processor, bool lookup) {
  EntryResponseSteps out;
  if (!processor.response_mapping.is_null()) {
    auto compiled = mapper::ResponseMapping::compile(
        processor.response_mapping, fmt::format("{}.responseMapping", processor.entry_where));
    if (!compiled) {
      return make_error(Status::kInvalidConfig,
                        compiled.error().message + "; fix it and apply the flow again");
    }
    if (!compiled->empty()) {
      out.mapping = std::make_unique<mapper::ResponseMapping>(std::move(*compiled));
    }
  }
  if (!processor.post_response_map.is_null()) {
    auto runner = hook_runner_for(processor.entry_where, processor.scripts, processor.native_hooks,
                                  &processor.post_response_map, "hooks.postResponseMap");
    if (!runner) return runner.error();
    out.hook = std::make_unique<PostResponseMapHook>(
        processor.import_id, processor.name, lookup, processor.connection.id, std::move(*runner),
        processor.settings, path_to_many_of(processor.doc));
  }
  return out;
}

}  // namespace sluice::runtime
