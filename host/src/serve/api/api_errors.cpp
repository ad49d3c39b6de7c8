// /api/v1/flows/{id}/errors: list, resolve and retry a flow's errors, as `sluice errors` does
// (Store::find_errors, Store::resolve_errors, runtime::run_retry).
#include <fmt/format.h>

#include "plugins/call_limits.hpp"
#include "runtime/retry_runner.hpp"
#include "serve/api/api_support.hpp"

namespace sluice::serve::api {

namespace json = boost::json;

namespace {

constexpr size_t kDefaultErrors = 1000;
constexpr size_t kMaxErrors = 100000;

// {"step"?: STEP, "ids"?: [ERROR_ID...]}: what resolve and retry act on.
struct Selection {
  std::string step;
  std::vector<std::string> ids;
};

std::optional<Selection> selection_of(const json::object& body, HttpResponse& problem) {
  Selection selection;
  for (const auto& member : body) {
    if (member.key() == "step") {
      if (!member.value().is_string()) {
        problem = error_response(422, "request body: $.step: expected a step id (a string)",
                                 "invalid_config");
        return std::nullopt;
      }
      selection.step = std::string(member.value().get_string());
    } else if (member.key() == "ids") {
      const json::value& ids = member.value();
      bool ok = ids.is_array();
      if (ok) {
        for (const json::value& id : ids.get_array()) {
          if (!id.is_string()) {
            ok = false;
            break;
          }
          selection.ids.emplace_back(id.get_string());
        }
      }
      if (!ok) {
        problem = error_response(
            422, "request body: $.ids: expected an array of error ids (strings)", "invalid_config");
        return std::nullopt;
      }
    } else {
      problem = error_response(
          422,
          fmt::format("request body: $.{}: unknown field; expected \"step\" and \"ids\"",
                      std::string(member.key())),
          "invalid_config");
      return std::nullopt;
    }
  }
  return selection;
}

// 404 unless flow `id` exists.
std::optional<HttpResponse> missing_flow(ApiContext& context, const std::string& id) {
  auto flow = context.store.get_resource(host::ResourceKind::kFlow, id, host::Secrets::kMasked);
  if (!flow) return error_response(flow.error());
  if (!*flow) {
    return error_response(404, fmt::format("no flow {}; GET {}/flows lists them", id, kPrefix),
                          "not_found");
  }
  return std::nullopt;
}

HttpResponse list_errors(ApiContext& context, const HttpRequest& request) {
  const std::string& flow = request.params.at("id");
  if (auto missing = missing_flow(context, flow)) return *missing;
  HttpResponse problem;
  auto limit = limit_parameter(request, "limit", kDefaultErrors, kMaxErrors, problem);
  if (!limit) return problem;
  host::ErrorQuery query;
  query.flow_id = flow;
  query.step_id = request.query_value("step").value_or("");
  const std::string resolved = request.query_value("resolved").value_or("false");
  if (resolved != "true" && resolved != "false") {
    return error_response(
        400,
        fmt::format("query parameter resolved: expected true or false, found \"{}\"", resolved),
        "invalid_request");
  }
  query.resolved = resolved == "true";
  query.limit = *limit;
  auto errors = context.store.find_errors(query);
  if (!errors) return error_response(errors.error());
  json::array out;
  for (const host::JobError& error : *errors) out.push_back(error.to_json());
  return json_response(200, out);
}

HttpResponse resolve_errors(ApiContext& context, const HttpRequest& request) {
  const std::string& flow = request.params.at("id");
  if (auto missing = missing_flow(context, flow)) return *missing;
  ParsedBody body = parse_object_body(request, true);
  if (!body.object) return body.problem;
  HttpResponse problem;
  auto selection = selection_of(*body.object, problem);
  if (!selection) return problem;
  for (const std::string& id : selection->ids) {
    auto found = context.store.get_error(flow, id);
    if (!found) return error_response(found.error());
    if (!*found || (!selection->step.empty() && (*found)->step_id != selection->step)) {
      return error_response(
          404,
          fmt::format("no error {} in flow {}{}; nothing was resolved — GET {}/flows/{}/errors "
                      "lists them",
                      id, flow, selection->step.empty() ? "" : " at step " + selection->step,
                      kPrefix, flow),
          "not_found");
    }
  }
  auto resolved = context.store.resolve_errors(flow, selection->step, selection->ids, "operator");
  if (!resolved) return error_response(resolved.error());
  return json_response(200, json::object{{"resolved", *resolved}});
}

HttpResponse retry_errors(ApiContext& context, const HttpRequest& request) {
  const std::string& flow = request.params.at("id");
  if (auto missing = missing_flow(context, flow)) return *missing;
  ParsedBody body = parse_object_body(request, true);
  if (!body.object) return body.problem;
  HttpResponse problem;
  auto selection = selection_of(*body.object, problem);
  if (!selection) return problem;
  runtime::RetryOptions retry;
  retry.step_id = selection->step;
  retry.error_ids = selection->ids;
  retry.limits = context.run_options.limits;
  retry.record_bytes = context.run_options.record_bytes;
  retry.file_formats = context.run_options.file_formats;
  auto ran = runtime::run_retry(context.store, context.registry, flow, retry);
  if (!ran) return error_response(ran.error());
  json::array notes;
  for (const std::string& note : ran->notes) notes.emplace_back(note);
  return json_response(200, json::object{{"job", ran->job.to_json()},
                                         {"retried", ran->retried},
                                         {"resolved", ran->resolved},
                                         {"stillOpen", ran->still_open},
                                         {"skipped", ran->skipped},
                                         {"notes", std::move(notes)}});
}

}  // namespace

void add_error_routes(Router& router, ApiContext& context) {
  const std::string base = std::string(kPrefix) + "/flows/{id}/errors";
  router.add({.method = "GET",
              .pattern = base,
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return list_errors(context, r); }),
              .summary = "list a flow's errors"});
  router.add({.method = "POST",
              .pattern = base + "/resolve",
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return resolve_errors(context, r); }),
              .max_body_bytes = size_t{1} << 20,
              .summary = "resolve a flow's errors"});
  router.add({.method = "POST",
              .pattern = base + "/retry",
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return retry_errors(context, r); }),
              .max_body_bytes = size_t{1} << 20,
              .summary = "run a flow's errors again"});
}

}  // namespace sluice::serve::api
