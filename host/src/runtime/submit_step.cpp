#include "runtime/submit_step.hpp"

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::runtime {

namespace json = boost::json;

namespace {

bool is_fatal(Status status) {
  return status == Status::kAuthFailed || status == Status::kInvalidConfig ||
         status == Status::kUnsupported || status == Status::kInternal ||
         status == Status::kNotFound;
}

std::string error_code_of(const json::object& result) {
  if (auto* errors = result.if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty()) {
    if (auto* first = errors->as_array()[0].if_object()) {
      if (auto* code = first->if_contains("code")) {
        return code->is_string() ? std::string(code->as_string()) : json::serialize(*code);
      }
    }
  }
  if (auto* status = result.if_contains("statusCode"); status && status->is_number()) {
    return json::serialize(*status);
  }
  return "error";
}

std::string error_message_of(const json::object& result) {
  std::string message;
  if (auto* errors = result.if_contains("errors"); errors && errors->is_array()) {
    for (const auto& e : errors->as_array()) {
      if (auto* o = e.if_object()) {
        if (auto* m = o->if_contains("message"); m && m->is_string()) {
          if (!message.empty()) message += "; ";
          message += m->as_string();
        }
      }
    }
  }
  return message.empty() ? "the destination rejected the record without a message" : message;
}

bool result_ok(const json::value& result) {
  const json::object* o = result.if_object();
  if (o == nullptr) return false;
  if (auto* errors = o->if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty())
    return false;
  if (auto* status = o->if_contains("statusCode");
      status && status->is_number() && status->to_number<double>() >= 400) {
    return false;
  }
  return true;
}

bool result_ignored(const json::value& result) {
  const json::object* o = result.if_object();
  if (o == nullptr) return false;
  auto* ignored = o->if_contains("ignored");
  return ignored && ignored->is_bool() && ignored->as_bool();
}

}  // namespace

SubmitStep::SubmitStep(std::string import_id, std::string name, std::string plugin_id,
                       bool proceed_on_failure, Opener open)
    : import_id_(std::move(import_id)),
      name_(std::move(name)),
      plugin_id_(std::move(plugin_id)),
      proceed_on_failure_(proceed_on_failure),
      open_(std::move(open)) {}

Result<StepResult> SubmitStep::run(Page& page, const StepContext& context) {
  const ProceedOnFailure proceed(page, proceed_on_failure_);
  std::vector<size_t> sent;
  sent.reserve(page.size());
  size_t bytes = 2;
  for (size_t i = 0; i < page.size(); ++i) {
    if (takes(page, i)) {
      sent.push_back(i);
      bytes += page.raw(i).size() + 1;
    }
  }
  if (sent.empty()) return StepResult{};
  std::string body;
  body.reserve(bytes);
  body += '[';
  for (size_t k = 0; k < sent.size(); ++k) {
    if (k > 0) body += ',';
    page.append_json(sent[k], body);
  }
  body += ']';
  json::monotonic_resource results_arena;
  auto results = send(std::move(body), sent.size(), &results_arena, context);
  return settle(page, sent, results);
}

bool SubmitStep::takes(const Page& page, size_t i) const { return page.takes(i); }

Result<json::array> SubmitStep::send(std::string body, size_t count, json::storage_ptr storage,
                                     const StepContext&) {
  auto imp = open_();
  if (!imp) return imp.error();
  Result<std::string> submitted = (*imp)->submit(std::move(body));
  if (!submitted) return submitted.error();
  json::error_code ec;
  json::value results = json::parse(*submitted, ec, storage);
  if (ec || !results.is_array() || results.as_array().size() != count) {
    return make_error(
        Status::kInternal,
        fmt::format("import {}: plugin '{}' returned {} instead of one result per record ({})",
                    name_, plugin_id_,
                    !ec && results.is_array() ? fmt::format("{} results", results.as_array().size())
                                              : std::string("no result array"),
                    count));
  }
  return std::move(results.as_array());
}

Result<StepResult> SubmitStep::settle(Page& page, const std::vector<size_t>& sent,
                                      const Result<json::array>& results) {
  for (size_t k = 0; k < sent.size(); ++k) {
    const size_t i = sent[k];
    page.mark_submitted(i);
    if (!results) {
      const Error& error = results.error();
      page.fail(i, import_id_, std::string(to_string(error.status)),
                error.status == Status::kCancelled
                    ? fmt::format("import {} did not confirm this record: the job was canceled "
                                  "while its page was being submitted, so it may or may not have "
                                  "arrived; check the destination, then retry it",
                                  name_)
                    : error.message,
                error.details);
      continue;
    }
    const json::value& r = (*results)[k];
    if (result_ok(r)) {
      if (result_ignored(r)) page.ignore(i);
      continue;
    }
    page.fail(
        i, import_id_, r.is_object() ? error_code_of(r.as_object()) : "error",
        r.is_object() ? error_message_of(r.as_object()) : "the plugin returned a malformed result");
  }
  if (!results && is_fatal(results.error().status)) {
    Error error = results.error();
    error.message = fmt::format("import {} failed: {}", name_, error.message);
    return error;
  }
  return StepResult{};
}

}  // namespace sluice::runtime
