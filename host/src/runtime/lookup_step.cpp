#include "runtime/lookup_step.hpp"

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "filter/filter.hpp"
#include "mapper/response_mapping.hpp"
#include "runtime/fan_out.hpp"
#include "runtime/import_steps.hpp"
#include "runtime/input_filter_step.hpp"
#include "runtime/one_to_many.hpp"
#include "runtime/post_response_map_hook.hpp"
#include "runtime/script_runner.hpp"

namespace sluice::runtime {

namespace json = boost::json;

namespace {

bool is_fatal(Status status) {
  return status == Status::kAuthFailed || status == Status::kInvalidConfig ||
         status == Status::kUnsupported || status == Status::kInternal ||
         status == Status::kNotFound;
}

// The first error's code and every message of a non-empty "errors" array.
std::pair<std::string, std::string> describe_errors(const json::array& errors) {
  std::string code = "error", message;
  for (size_t k = 0; k < errors.size(); ++k) {
    const json::object* e = errors[k].if_object();
    if (e == nullptr) continue;
    if (const json::value* c = e->if_contains("code"); k == 0 && c != nullptr) {
      code = c->is_string() ? std::string(c->get_string()) : json::serialize(*c);
    }
    if (const json::value* m = e->if_contains("message"); m != nullptr && m->is_string()) {
      if (!message.empty()) message += "; ";
      message += m->get_string();
    }
  }
  if (message.empty()) message = "the lookup failed without a message";
  return {code, message};
}

}  // namespace

LookupStep::LookupStep(const ProcessorStep& processor,
                       std::unique_ptr<InputFilterStep> input_filter,
                       std::unique_ptr<mapper::ResponseMapping> response_mapping, Opener open,
                       std::unique_ptr<PostResponseMapHook> post_response_map)
    : export_id_(processor.import_id),
      name_(processor.name),
      plugin_id_(processor.connection.connector != nullptr
                     ? processor.connection.connector->plugin->id
                     : std::string()),
      proceed_on_failure_(processor.proceed_on_failure),
      input_filter_(std::move(input_filter)),
      response_mapping_(std::move(response_mapping)),
      open_(std::move(open)),
      post_response_map_(std::move(post_response_map)) {}

LookupStep::~LookupStep() = default;

Result<StepResult> LookupStep::run(Page& page, const StepContext& context) {
  const ProceedOnFailure proceed(page, proceed_on_failure_);
  if (input_filter_) {
    auto filtered = input_filter_->run(page, context);
    if (!filtered) return filtered.error();
  }
  std::vector<size_t> sent;
  std::string body = "[";
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.active(i)) continue;
    if (!sent.empty()) body += ',';
    page.append_json(i, body);
    sent.push_back(i);
  }
  body += ']';
  if (sent.empty()) return StepResult{};

  auto call = [&]() -> Result<json::value> {
    auto lookup = open_();
    if (!lookup) return lookup.error();
    auto answered = (*lookup)->lookup(std::move(body));
    if (!answered) return answered.error();
    json::error_code ec;
    json::value results = json::parse(*answered, ec);
    if (ec || !results.is_array() || results.get_array().size() != sent.size()) {
      return make_error(
          Status::kInternal,
          fmt::format("lookup {}: plugin '{}' returned {} instead of one result per record ({})",
                      name_, plugin_id_,
                      !ec && results.is_array()
                          ? fmt::format("{} results", results.get_array().size())
                          : std::string("no result array"),
                      sent.size()));
    }
    return results;
  };
  Result<json::value> results = call();
  if (!results) {
    const Error& error = results.error();
    for (size_t i : sent) {
      page.fail(i, export_id_, std::string(to_string(error.status)), error.message, error.details);
    }
    if (!is_fatal(error.status)) return StepResult{};
    Error fatal = error;
    fatal.message = fmt::format("lookup {} failed: {}", name_, error.message);
    return fatal;
  }
  const json::array& answers = results->get_array();
  std::vector<size_t> hooked;  // alive after the response mapping, for postResponseMap
  json::array hooked_responses;
  for (size_t k = 0; k < sent.size(); ++k) {
    const size_t i = sent[k];
    if (observe_answer_) observe_answer_(i, answers[k]);
    const json::object* answer = answers[k].if_object();
    const json::value* errors = answer != nullptr ? answer->if_contains("errors") : nullptr;
    const json::value* data = answer != nullptr ? answer->if_contains("data") : nullptr;
    if (errors != nullptr && errors->is_array() && !errors->get_array().empty()) {
      auto [code, message] = describe_errors(errors->get_array());
      // The plugin's details (its request and response: error_manager.hpp lifts them).
      const json::value* details = answer->if_contains("details");
      page.fail(i, export_id_, std::move(code), fmt::format("lookup {}: {}", name_, message),
                details != nullptr ? json::value(*details) : json::value(nullptr));
      continue;
    }
    if (answer == nullptr || (data != nullptr && !data->is_array() && !data->is_null())) {
      page.fail(i, export_id_, "error",
                fmt::format("lookup {}: plugin '{}' returned a malformed result for this record "
                            "(expected {{\"data\": [...]}} or {{\"errors\": [...]}})",
                            name_, plugin_id_));
      continue;
    }
    if (!response_mapping_ && !post_response_map_) continue;
    json::value response = json::object{
        {"data", data != nullptr && data->is_array() ? *data : json::value(json::array())},
        {"errors", json::array()}};
    if (response_mapping_) {
      if (auto mapped = response_mapping_->apply(page.mutable_record(i), response); !mapped) {
        page.fail(i, export_id_, "responseMapping", mapped.error().message);
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
  return StepResult{};
}

Result<std::unique_ptr<Step>> make_lookup_step(const ProcessorStep& processor,
                                               LookupStep::Opener open) {
  const std::string what = fmt::format("lookup {}", processor.import_id);
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
          processor.settings, /*proceed_on_failure=*/false);
    }
  }
  auto response = entry_response_steps(processor, /*lookup=*/true);
  if (!response) return response.error();
  std::unique_ptr<mapper::ResponseMapping> response_mapping = std::move(response->mapping);
  std::unique_ptr<PostResponseMapHook> post_response_map = std::move(response->hook);
  return fan_out_if_one_to_many(
      processor.doc, what,
      std::make_unique<LookupStep>(processor, std::move(input_filter), std::move(response_mapping),
                                   std::move(open), std::move(post_response_map)),
      /*takes_proceeding=*/false, processor.proceed_on_failure);
}

}  // namespace sluice::runtime
