#include "runtime/import_hook_step.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "runtime/import_steps.hpp"
#include "runtime/script_runner.hpp"
#include "script/post_map.hpp"
#include "script/post_submit.hpp"
#include "script/pre_map.hpp"

namespace sluice::runtime {

namespace json = boost::json;

script::ImportHookContext import_hook_context(const StepContext& context,
                                              const std::string& import_id,
                                              const std::string& connection_id,
                                              const json::object& import_settings) {
  script::ImportHookContext hook;
  hook.settings = import_settings_of(context, import_settings);
  hook.import_id = import_id;
  hook.connection_id = connection_id;
  hook.flow_id = context.flow_id;
  hook.job = json::object{{"_id", context.job_id}, {"type", context.test_mode ? "test" : "flow"}};
  hook.test_mode = context.test_mode;
  return hook;
}

ImportHookStep::ImportHookStep(Hook hook, std::string import_id, std::string name,
                               std::string connection_id, std::unique_ptr<HookRunner> script,
                               json::object import_settings)
    : hook_(hook),
      import_id_(std::move(import_id)),
      name_(std::move(name)),
      connection_id_(std::move(connection_id)),
      script_(std::move(script)),
      import_settings_(std::move(import_settings)) {}

ImportHookStep::~ImportHookStep() = default;

std::string_view ImportHookStep::hook_name() const {
  switch (hook_) {
    case Hook::kPreMap:
      return "preMap";
    case Hook::kPostMap:
      return "postMap";
    case Hook::kPostSubmit:
      return "postSubmit";
  }
  return "?";
}

Result<void> ImportHookStep::fail_batch(Page& page, ImportBatch& batch, const Error& error) {
  const std::string message =
      fmt::format("{} hook of import {}: {}", hook_name(), name_, error.message);
  for (ImportBatch::Entry& entry : batch.entries) {
    page.fail(entry.index, import_id_, "hook", message, error.details);
    entry.dropped = true;
  }
  batch.drop();
  return {};
}

Result<void> ImportHookStep::run(Page& page, ImportBatch& batch, const StepContext& context,
                                 StepResult& out) {
  if (batch.entries.empty()) return {};
  auto callee = script_->callee(context);
  if (!callee) return callee.error();
  if (!hook_context_) {
    hook_context_ = import_hook_context(context, import_id_, connection_id_, import_settings_);
  }
  const script::ImportHookContext& hook = *hook_context_;
  const size_t count = batch.entries.size();
  auto results =
      hook_ == Hook::kPreMap
          ? script::call_pre_map(**callee, script_->function(), batch.pre_map_json(page), count,
                                 hook)
          : script::call_post_map(**callee, script_->function(), batch.pre_map_json(page),
                                  batch.post_map_json(page), count, hook);
  if (!results) return fail_batch(page, batch, results.error());
  for (size_t k = 0; k < count; ++k) {
    ImportBatch::Entry& entry = batch.entries[k];
    script::HookRecordResult& result = (*results)[k];
    std::string code;
    const std::string message = script::joined_hook_errors(result.errors, code);
    if (!result.data) {
      if (result.errors.empty()) {
        page.skip(entry.index);
      } else {
        page.fail(entry.index, import_id_, code,
                  fmt::format("{} hook of import {}: {}", hook_name(), name_, message));
      }
      entry.dropped = true;
      continue;
    }
    (hook_ == Hook::kPreMap ? entry.pre_map : entry.post_map) =
        json::value(std::move(*result.data), page.storage());
    if (!result.errors.empty()) {
      host::JobError error;
      error.step_id = import_id_;
      error.code = code;
      error.message = fmt::format("{} hook of import {}: {}", hook_name(), name_, message);
      error.retry_data = json::value(page.record(entry.index), json::storage_ptr());
      out.job_errors.push_back(std::move(error));
    }
  }
  batch.drop();
  return {};
}

Result<void> ImportHookStep::run_post_submit(const Page& page, const ImportBatch& batch,
                                             Result<json::array>& responses,
                                             const StepContext& context) {
  if (!responses || batch.entries.empty()) return {};
  auto callee = script_->callee(context);
  if (!callee) return callee.error();
  if (!hook_context_) {
    hook_context_ = import_hook_context(context, import_id_, connection_id_, import_settings_);
  }
  const script::ImportHookContext& hook = *hook_context_;
  auto result = script::call_post_submit(**callee, script_->function(), batch.pre_map_json(page),
                                         batch.post_map_json(page), json::serialize(*responses),
                                         batch.entries.size(), hook);
  if (!result) {
    Error error = result.error();
    error.status = Status::kRemoteError;  // the page's records fail; the job goes on
    error.message = fmt::format("{} hook of import {}: {}", hook_name(), name_, error.message);
    responses = std::move(error);
    return {};
  }
  responses = std::move(*result);
  return {};
}

}  // namespace sluice::runtime
