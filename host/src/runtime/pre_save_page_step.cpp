#include "runtime/pre_save_page_step.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "runtime/script_runner.hpp"
#include "runtime/step_settings.hpp"
#include "script/pre_save_page.hpp"

namespace sluice::runtime {

namespace json = boost::json;

PreSavePageStep::PreSavePageStep(std::string export_id, std::string name, std::string connection_id,
                                 std::unique_ptr<HookRunner> script)
    : export_id_(std::move(export_id)),
      name_(std::move(name)),
      connection_id_(std::move(connection_id)),
      script_(std::move(script)) {}

PreSavePageStep::~PreSavePageStep() = default;

Result<StepResult> PreSavePageStep::run(Page& page, const StepContext& context) {
  auto callee = script_->callee(context);
  if (!callee) return callee.error();

  // The live records as JSON, from their raw text where they have it (no re-serialization).
  std::string data = "[";
  bool first = true;
  size_t alive = 0;
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    if (!first) data += ',';
    first = false;
    page.append_json(i, data);
    ++alive;
  }
  data += ']';

  if (!hook_) {
    hook_.emplace();
    hook_->settings = settings_of(context);
    hook_->export_id = export_id_;
    hook_->connection_id = connection_id_;
    hook_->flow_id = context.flow_id;
    hook_->job =
        json::object{{"_id", context.job_id}, {"type", context.test_mode ? "test" : "flow"}};
    hook_->test_mode = context.test_mode;
  }
  script::PreSavePageContext& hook = *hook_;
  hook.page_index = static_cast<uint64_t>(context.page_index);
  // A file export's page holds one file's records (file_source.hpp): files[i] for each.
  hook.files = nullptr;
  if (context.file != nullptr) {
    json::array files;
    files.reserve(alive);
    for (size_t i = 0; i < alive; ++i) files.push_back(json::object{{"fileMeta", *context.file}});
    hook.files = std::move(files);
  }
  hook.last_export_date_time.reset();
  if (!context.last_export_date_time.empty()) {
    hook.last_export_date_time = context.last_export_date_time;
  }
  hook.current_export_date_time.reset();
  if (!context.current_export_date_time.empty()) {
    hook.current_export_date_time = context.current_export_date_time;
  }

  auto result =
      script::call_pre_save_page_json(**callee, script_->function(), data, json::array(), hook);
  if (!result) {
    Error error = result.error();
    error.message = fmt::format("preSavePage hook of export {}: {}", name_, error.message);
    return error;
  }

  std::vector<json::value> records;
  records.reserve(result->data.size() + result->new_errors_and_retry_data.size());
  for (auto& record : result->data) records.push_back(std::move(record));
  for (auto& failed : result->new_errors_and_retry_data) {
    records.push_back(std::move(failed.retry_data));
  }
  page.replace_live(std::move(records));
  // The records newErrorsAndRetryData made are the last live ones: they fail here.
  size_t to_fail = result->new_errors_and_retry_data.size();
  for (size_t i = page.size(); i-- > 0 && to_fail > 0;) {
    if (!page.alive(i)) continue;
    const auto& item = result->new_errors_and_retry_data[--to_fail];
    std::string code;
    const std::string message = script::joined_hook_errors(item.errors, code);
    page.fail(i, export_id_, code, "preSavePage hook: " + message);
  }

  StepResult out;
  out.abort = result->abort;
  for (const auto& e : result->errors) {
    host::JobError error;
    error.step_id = export_id_;
    error.code = e.code.empty() ? "hook" : e.code;
    error.message = fmt::format("preSavePage hook of export {}: {}", name_, e.message);
    out.job_errors.push_back(std::move(error));
  }
  return out;
}

}  // namespace sluice::runtime
