#include "runtime/import_steps.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "filter/filter.hpp"
#include "mapper/mapper.hpp"
#include "mapper/response_mapping.hpp"
#include "runtime/fan_out.hpp"
#include "runtime/import_hook_step.hpp"
#include "runtime/input_filter_step.hpp"
#include "runtime/mapping_step.hpp"
#include "runtime/one_to_many.hpp"
#include "runtime/post_response_map_hook.hpp"
#include "runtime/record_json.hpp"
#include "runtime/script_runner.hpp"
#include "runtime/step_settings.hpp"

namespace sluice::runtime {

namespace json = boost::json;

namespace {

void append_record(std::string& out, const Page& page, size_t index, const json::value* value) {
  if (value == nullptr) {
    page.append_json(index, out);
  } else {
    append_record_json(out, *value);
  }
}

// create or update, as the import's http.method tells ("POST" -> create, "PUT"/"PATCH" ->
// update; a list of one method counts as that method); else none.
mapper::Operation operation_of(const json::object& doc) {
  const json::value* http = doc.if_contains("http");
  const json::value* method =
      http != nullptr && http->is_object() ? http->get_object().if_contains("method") : nullptr;
  if (method != nullptr && method->is_array() && method->get_array().size() == 1) {
    method = &method->get_array()[0];
  }
  if (method == nullptr || !method->is_string()) return mapper::Operation::kNone;
  const std::string_view m = method->get_string();
  if (m == "POST") return mapper::Operation::kCreate;
  if (m == "PUT" || m == "PATCH") return mapper::Operation::kUpdate;
  return mapper::Operation::kNone;
}

// integrator.io's responseData item: {statusCode, errors, ignored, id, _json}, from what the
// plugin returned for one record.
json::value response_of(const json::value& result) {
  const json::object* r = result.if_object();
  auto field = [&](std::string_view key) -> const json::value* {
    return r != nullptr ? r->if_contains(key) : nullptr;
  };
  const json::value* status = field("statusCode");
  const json::value* errors = field("errors");
  const json::value* ignored = field("ignored");
  const json::value* id = field("id");
  const json::value* raw = field("_json");
  return json::object{
      {"statusCode", status != nullptr && status->is_number() ? *status : json::value(200)},
      {"errors", errors != nullptr && errors->is_array() ? *errors : json::value(json::array())},
      {"ignored", ignored != nullptr && ignored->is_bool() ? *ignored : json::value(false)},
      {"id", id != nullptr ? *id : json::value(nullptr)},
      {"_json", raw != nullptr ? *raw : json::value(nullptr)}};
}

}  // namespace

std::string ImportBatch::pre_map_json(const Page& page) const {
  std::string out = "[";
  for (const Entry& e : entries) {
    if (out.size() > 1) out += ',';
    append_record(out, page, e.index, e.pre_map ? &*e.pre_map : nullptr);
  }
  out += ']';
  return out;
}

std::string ImportBatch::post_map_json(const Page& page) const {
  std::string out = "[";
  for (const Entry& e : entries) {
    if (out.size() > 1) out += ',';
    const json::value* value = e.post_map ? &*e.post_map : e.pre_map ? &*e.pre_map : nullptr;
    append_record(out, page, e.index, value);
  }
  out += ']';
  return out;
}

void ImportBatch::drop() {
  std::erase_if(entries, [](const Entry& e) { return e.dropped; });
}

json::value import_settings_of(const StepContext& context, const json::object& import_settings) {
  json::value settings = settings_of(context);
  settings.get_object()["import"] = import_settings;
  return settings;
}

ImportStep::ImportStep(const ProcessorStep& processor,
                       std::unique_ptr<InputFilterStep> input_filter,
                       std::unique_ptr<ImportHookStep> pre_map,
                       std::unique_ptr<MappingStep> mapping,
                       std::unique_ptr<ImportHookStep> post_map, std::unique_ptr<SubmitStep> submit,
                       std::unique_ptr<ImportHookStep> post_submit,
                       std::unique_ptr<mapper::ResponseMapping> response_mapping,
                       std::unique_ptr<PostResponseMapHook> post_response_map)
    : import_id_(processor.import_id),
      name_(processor.name),
      proceed_on_failure_(processor.proceed_on_failure),
      send_post_mapped_data_(processor.send_post_mapped_data),
      input_filter_(std::move(input_filter)),
      pre_map_(std::move(pre_map)),
      mapping_(std::move(mapping)),
      post_map_(std::move(post_map)),
      submit_(std::move(submit)),
      post_submit_(std::move(post_submit)),
      response_mapping_(std::move(response_mapping)),
      post_response_map_(std::move(post_response_map)) {}

ImportStep::~ImportStep() = default;

Result<StepResult> ImportStep::run(Page& page, const StepContext& context) {
  const ProceedOnFailure proceed(page, proceed_on_failure_);
  if (input_filter_) {
    auto filtered = input_filter_->run(page, context);
    if (!filtered) return filtered.error();
  }
  if (!pre_map_ && !mapping_ && !post_map_ && !post_submit_ && !response_mapping_ &&
      !post_response_map_) {
    return submit_->run(page, context);
  }

  StepResult out;
  ImportBatch batch;
  for (size_t i = 0; i < page.size(); ++i) {
    if (submit_->takes(page, i)) batch.entries.push_back(ImportBatch::Entry{.index = i});
  }
  if (pre_map_) {
    if (auto ran = pre_map_->run(page, batch, context, out); !ran) return ran.error();
  }
  if (mapping_) mapping_->run(page, batch, context);
  if (post_map_) {
    if (auto ran = post_map_->run(page, batch, context, out); !ran) return ran.error();
  }
  if (batch.entries.empty()) return out;

  std::vector<size_t> sent;
  sent.reserve(batch.entries.size());
  for (const ImportBatch::Entry& e : batch.entries) sent.push_back(e.index);
  std::string body = send_post_mapped_data_ ? batch.post_map_json(page) : batch.pre_map_json(page);
  json::monotonic_resource arena;
  Result<json::array> results = submit_->send(std::move(body), sent.size(), &arena, context);
  if (post_submit_ && results) {
    json::array responses;
    responses.reserve(results->size());
    for (const json::value& r : *results) responses.push_back(response_of(r));
    results = std::move(responses);
    if (auto ran = post_submit_->run_post_submit(page, batch, results, context); !ran) {
      return ran.error();
    }
    if (!results) {  // the hook failed: the page's records fail at this import, as a hook's do
      for (size_t i : sent) {
        page.mark_submitted(i);
        page.fail(i, import_id_, "hook", results.error().message, results.error().details);
      }
      return out;
    }
  }
  auto settled = submit_->settle(page, sent, results);
  if (!settled) return settled.error();
  for (auto& e : settled->job_errors) out.job_errors.push_back(std::move(e));
  if ((response_mapping_ || post_response_map_) && results) {
    std::vector<size_t> hooked;  // alive after the response mapping, for postResponseMap
    json::array hooked_responses;
    for (size_t k = 0; k < sent.size() && k < results->size(); ++k) {
      const size_t i = sent[k];
      if (!page.alive(i)) continue;
      // postSubmit has already put the results in responseData form; else do it here.
      json::value response = post_submit_ ? (*results)[k] : response_of((*results)[k]);
      if (response_mapping_) {
        if (auto mapped = response_mapping_->apply(page.mutable_record(i), response); !mapped) {
          page.fail(i, import_id_, "responseMapping", mapped.error().message);
          continue;
        }
      }
      hooked.push_back(i);
      hooked_responses.push_back(std::move(response));
    }
    if (post_response_map_) {
      if (auto ran = post_response_map_->run(page, hooked, hooked_responses, context); !ran) {
        return ran.error();
      }
    }
  }
  return out;
}

Result<std::unique_ptr<Step>> make_import_step(const ProcessorStep& processor,
                                               std::unique_ptr<SubmitStep> submit) {
  const std::string what = fmt::format("import {}", processor.import_id);
  std::unique_ptr<InputFilterStep> input_filter;
  if (!processor.input_filter.is_null()) {
    auto filter = host::filter::Filter::compile(processor.input_filter,
                                                fmt::format("{}: $.inputFilter", what));
    if (!filter) return filter.error();
    std::unique_ptr<ScriptRunner> script;
    if (filter->kind() == host::filter::Filter::Kind::kScript) {
      auto runner = script_runner_for(what, processor.scripts,
                                      processor.input_filter.get_object().if_contains("script"),
                                      "$.inputFilter.script");
      if (!runner) return runner.error();
      script = std::move(*runner);
    }
    if (script || !filter->keeps_everything()) {
      input_filter = std::make_unique<InputFilterStep>(
          processor.import_id, processor.name, std::move(*filter), std::move(script),
          processor.settings, processor.proceed_on_failure);
    }
  }
  auto hook = [&](ImportHookStep::Hook kind, const json::value& reference,
                  std::string_view path) -> Result<std::unique_ptr<ImportHookStep>> {
    if (reference.is_null()) return std::unique_ptr<ImportHookStep>();
    auto runner =
        hook_runner_for(what, processor.scripts, processor.native_hooks, &reference, path);
    if (!runner) return runner.error();
    return std::make_unique<ImportHookStep>(kind, processor.import_id, processor.name,
                                            processor.connection.id, std::move(*runner),
                                            processor.settings);
  };
  auto pre_map = hook(ImportHookStep::Hook::kPreMap, processor.pre_map, "$.hooks.preMap");
  if (!pre_map) return pre_map.error();
  auto post_map = hook(ImportHookStep::Hook::kPostMap, processor.post_map, "$.hooks.postMap");
  if (!post_map) return post_map.error();
  auto post_submit =
      hook(ImportHookStep::Hook::kPostSubmit, processor.post_submit, "$.hooks.postSubmit");
  if (!post_submit) return post_submit.error();
  std::unique_ptr<MappingStep> mapping;
  if (!processor.mappings.is_null() || !processor.mapping.is_null()) {
    const json::value* lookups = processor.lookups.is_null() ? nullptr : &processor.lookups;
    auto mapper = !processor.mappings.is_null()
                      ? mapper::Mapper::compile_mappings(
                            processor.mappings, lookups, mapper::Mode::kCreate,
                            fmt::format("{}: $.mappings", what), mapper::Target::kImport)
                      : mapper::Mapper::compile_mapping_v1(processor.mapping, lookups,
                                                           fmt::format("{}: $.mapping", what));
    if (!mapper) return mapper.error();
    mapping = std::make_unique<MappingStep>(processor.import_id, std::move(*mapper),
                                            operation_of(processor.doc), processor.settings);
  }
  auto response = entry_response_steps(processor, /*lookup=*/false);
  if (!response) return response.error();
  std::unique_ptr<mapper::ResponseMapping> response_mapping = std::move(response->mapping);
  std::unique_ptr<PostResponseMapHook> post_response_map = std::move(response->hook);
  std::unique_ptr<Step> step;
  if (!input_filter && !*pre_map && !mapping && !*post_map && !*post_submit && !response_mapping &&
      !post_response_map) {
    step = std::move(submit);
  } else {
    step = std::make_unique<ImportStep>(processor, std::move(input_filter), std::move(*pre_map),
                                        std::move(mapping), std::move(*post_map), std::move(submit),
                                        std::move(*post_submit), std::move(response_mapping),
                                        std::move(post_response_map));
  }
  return fan_out_if_one_to_many(processor.doc, what, std::move(step), /*takes_proceeding=*/true,
                                processor.proceed_on_failure);
}

}  // namespace sluice::runtime
