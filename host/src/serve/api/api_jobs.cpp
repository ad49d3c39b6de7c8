// POST /api/v1/flows/{id}/run (through the JobLauncher) and /api/v1/jobs: list, get, cancel.
#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "serve/api/api_support.hpp"

namespace sluice::serve::api {

namespace json = boost::json;

namespace {

constexpr size_t kDefaultJobs = 100;
constexpr size_t kMaxJobs = 10000;
// How long POST .../run waits for the run to claim its flow (a store write) before answering.
constexpr std::chrono::seconds kClaimWait{30};

// What a run tells the request that started it: its job once claimed, or why it never was.
struct Started {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<std::string> job_id;
  std::optional<Error> error;
  bool ended = false;
};

bool flow_is_running(host::Store& store, const std::string& flow_id) {
  auto jobs = store.list_jobs(flow_id, 1);
  return jobs && !jobs->empty() && jobs->front().status == "running";
}

HttpResponse run_flow(ApiContext& context, const HttpRequest& request) {
  const std::string& flow_id = request.params.at("id");
  auto flow =
      context.store.get_resource(host::ResourceKind::kFlow, flow_id, host::Secrets::kMasked);
  if (!flow) return error_response(flow.error());
  if (!*flow) {
    return error_response(404, fmt::format("no flow {}; GET {}/flows lists them", flow_id, kPrefix),
                          "not_found");
  }
  auto started = std::make_shared<Started>();
  runtime::RunOptions options = context.run_options;
  options.on_start = [started, chained = options.on_start](const host::Job& job) {
    {
      std::lock_guard lock(started->mutex);
      started->job_id = job.id;
    }
    started->changed.notify_all();
    if (chained) chained(job);
  };
  auto launched = context.launcher.launch(
      flow_id, std::move(options), [started](const std::string&, const Result<host::Job>& job) {
        {
          std::lock_guard lock(started->mutex);
          if (!job) started->error = job.error();
          started->ended = true;
        }
        started->changed.notify_all();
      });
  if (!launched) {
    return error_response(409,
                          launched.error().message + "; GET " + std::string(kPrefix) +
                              "/jobs?flow=" + flow_id + " shows its job",
                          "conflict");
  }
  std::unique_lock lock(started->mutex);
  started->changed.wait_for(lock, kClaimWait,
                            [&] { return started->job_id.has_value() || started->ended; });
  if (started->job_id) {
    HttpResponse response = json_response(
        202, json::object{{"jobId", *started->job_id}, {"flowId", flow_id}, {"status", "running"}});
    response.headers.emplace_back("Location", fmt::format("{}/jobs/{}", kPrefix, *started->job_id));
    return response;
  }
  if (started->error) {
    const Error error = *started->error;
    lock.unlock();
    if (flow_is_running(context.store, flow_id)) {
      return error_response(409, error.message, "conflict");
    }
    return error_response(error);
  }
  if (started->ended) {
    return error_response(500, fmt::format("the run of flow {} ended without a job", flow_id),
                          "internal");
  }
  return json_response(
      202, json::object{{"jobId", nullptr}, {"flowId", flow_id}, {"status", "starting"}});
}

HttpResponse list_jobs(ApiContext& context, const HttpRequest& request) {
  HttpResponse problem;
  auto limit = limit_parameter(request, "limit", kDefaultJobs, kMaxJobs, problem);
  if (!limit) return problem;
  const std::string flow = request.query_value("flow").value_or("");
  auto jobs = context.store.list_jobs(flow, *limit);
  if (!jobs) return error_response(jobs.error());
  json::array out;
  for (const host::Job& job : *jobs) out.push_back(job.to_json());
  return json_response(200, out);
}

std::optional<host::Job> find_job(ApiContext& context, const std::string& id,
                                  HttpResponse& problem) {
  auto job = context.store.get_job(id);
  if (!job) {
    problem = error_response(job.error());
    return std::nullopt;
  }
  if (!*job) {
    problem = error_response(404, fmt::format("no job {}; GET {}/jobs lists them", id, kPrefix),
                             "not_found");
    return std::nullopt;
  }
  return **job;
}

HttpResponse get_job(ApiContext& context, const HttpRequest& request) {
  HttpResponse problem;
  auto job = find_job(context, request.params.at("id"), problem);
  if (!job) return problem;
  return json_response(200, job->to_json());
}

HttpResponse cancel_job(ApiContext& context, const HttpRequest& request) {
  HttpResponse problem;
  auto job = find_job(context, request.params.at("id"), problem);
  if (!job) return problem;
  if (job->status != "running") {
    return error_response(
        409, fmt::format("job {} is {}, not running; nothing to cancel", job->id, job->status),
        "conflict");
  }
  if (!context.launcher.running(job->flow_id) || !context.launcher.cancel(job->flow_id)) {
    return error_response(
        409,
        fmt::format("job {} runs in another process (pid {}), not in this server; stop it there "
                    "(`kill -INT {}`)",
                    job->id, job->pid, job->pid),
        "conflict");
  }
  return json_response(
      202, json::object{{"jobId", job->id},
                        {"flowId", job->flow_id},
                        {"status", "canceling"},
                        {"message", "the job ends \"canceled\" after its current page"}});
}

}  // namespace

void add_job_routes(Router& router, ApiContext& context) {
  router.add({.method = "POST",
              .pattern = std::string(kPrefix) + "/flows/{id}/run",
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return run_flow(context, r); }),
              .max_body_bytes = 64 * 1024,
              .summary = "run a flow now"});
  router.add({.method = "GET",
              .pattern = std::string(kPrefix) + "/jobs",
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return list_jobs(context, r); }),
              .summary = "list jobs, newest first"});
  router.add({.method = "GET",
              .pattern = std::string(kPrefix) + "/jobs/{id}",
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return get_job(context, r); }),
              .summary = "get a job"});
  router.add({.method = "POST",
              .pattern = std::string(kPrefix) + "/jobs/{id}/cancel",
              .handler = authorized(
                  context, [&context](const HttpRequest& r) { return cancel_job(context, r); }),
              .max_body_bytes = 64 * 1024,
              .summary = "cancel a running job"});
}

}  // namespace sluice::serve::api
