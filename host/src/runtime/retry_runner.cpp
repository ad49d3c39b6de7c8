#include "runtime/retry_runner.hpp"

#include <map>
#include <memory>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "plugins/connector_client.hpp"
#include "runtime/clock.hpp"
#include "runtime/error_manager.hpp"
#include "runtime/file_submit_step.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/import_steps.hpp"
#include "runtime/job_environment.hpp"
#include "runtime/job_log.hpp"
#include "runtime/job_recorder.hpp"
#include "runtime/lookup_step.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/router_step.hpp"
#include "runtime/submit_step.hpp"

namespace sluice::runtime {

namespace json = boost::json;
using host::Job;
using host::JobError;

namespace {

// The errors the options name, checked: each an open error of the flow.
Result<std::vector<JobError>> selected_errors(host::Store& store, std::string_view flow_id,
                                              const RetryOptions& options) {
  if (options.error_ids.empty()) {
    host::ErrorQuery query;
    query.flow_id = std::string(flow_id);
    query.step_id = options.step_id;
    query.limit = static_cast<size_t>(-1);
    return store.find_errors(query);
  }
  std::vector<JobError> errors;
  for (const std::string& id : options.error_ids) {
    auto found = store.get_error(flow_id, id);
    if (!found) return found.error();
    if (!*found || (!options.step_id.empty() && (*found)->step_id != options.step_id)) {
      return make_error(
          Status::kNotFound,
          fmt::format("no error {} in flow {}{}; see `sluice errors {}{}`", id, flow_id,
                      options.step_id.empty() ? "" : " at step " + options.step_id,
                      errors_list_words(flow_id),
                      options.step_id.empty() ? "" : " --step " + options.step_id));
    }
    if ((*found)->resolved) {
      return make_error(
          Status::kInvalidConfig,
          fmt::format("error {} of flow {} is resolved already ({}); only open "
                      "errors are retried — see `sluice errors {}`",
                      id, flow_id, (*found)->resolved_by, errors_list_words(flow_id)));
    }
    errors.push_back(std::move(**found));
  }
  return errors;
}

class RetryRun {
 public:
  RetryRun(host::Store& store, FlowPlan plan, const RetryOptions& options, JobRecorder recorder)
      : store_(store),
        plan_(std::move(plan)),
        options_(options),
        recorder_(std::move(recorder)),
        log_(store, recorder_.job().id, options.on_log),
        env_(plan_, recorder_.job().id, options.cancelled, options.limits, &store_),
        trace_keys_(plan_),
        files_(job_temp_dir({}, recorder_.job().id),
               options.file_formats != nullptr ? *options.file_formats : library_file_formats()) {}

  // `groups[p]`: the errors at processor p.
  RetryResult run(std::vector<std::vector<JobError>> groups) {
    for (size_t p = 0; p < groups.size() && recorder_.running(); ++p) {
      for (size_t begin = 0; begin < groups[p].size() && recorder_.running();
           begin += kRetryPageSize) {
        const size_t end = std::min(groups[p].size(), begin + kRetryPageSize);
        if (cancelled()) {
          recorder_.end(JobStatus::kCanceled, "canceled by the operator");
          break;
        }
        run_page(p, std::vector<JobError>(groups[p].begin() + static_cast<long>(begin),
                                          groups[p].begin() + static_cast<long>(end)));
      }
    }
    if (recorder_.running()) {
      if (auto failure = files_.finish({}))
        recorder_.end(JobStatus::kFailed, failure->error.message);
    }
    if (auto r = log_.flush(); !r)
      recorder_.note("the job's log could not be saved: " + r.error().message);
    recorder_.set_reports(log_.warnings(), log_.metrics());
    result_.job = recorder_.finish();
    return std::move(result_);
  }

 private:
  bool cancelled() const { return options_.cancelled != nullptr && options_.cancelled->load(); }

  Result<std::unique_ptr<Step>> processor_step(size_t p) {
    const ProcessorStep& step = plan_.processors[p];
    if (step.is_lookup) return make_lookup_step(step, [this, p] { return env_.lookup_for(p); });
    auto file_submit = files_.submit_step(
        step, p, [this, p] { return env_.import_for(p); },
        /*force_page=*/true);
    if (!file_submit) return file_submit.error();
    auto submit = *file_submit
                      ? std::move(*file_submit)
                      : std::make_unique<SubmitStep>(
                            step.import_id, step.name, step.connection.connector->plugin->id,
                            step.proceed_on_failure, [this, p] { return env_.import_for(p); });
    return make_import_step(step, std::move(submit));
  }

  // The pipeline from processor `first` to the last (a flow with routers: to the end of its
  // branch, then through the router its nextRouterId names, router_step.hpp): each import whole
  // (input filter, hooks, mapping, submit), as a flow run builds it, since retry data is the record
  // as it entered the import (docs/runtime.md).
  Result<Pipeline> pipeline_from(size_t first) {
    const ProcessorStep& origin = plan_.processors[first];
    Pipeline pipeline(origin.import_id, origin.name,
                      PipelineLimits{options_.limits.page_bytes, options_.record_bytes});
    if (!plan_.routers.empty()) {
      // The rest of the branch the processor is in, then the router its nextRouterId names.
      for (const FlowRouterRef& router : plan_.routers) {
        for (const FlowBranchRef& branch : router.branches) {
          size_t k = 0;
          while (k < branch.processors.size() && branch.processors[k] != first) ++k;
          if (k == branch.processors.size()) continue;
          for (; k < branch.processors.size(); ++k) {
            auto step = processor_step(branch.processors[k]);
            if (!step) return step.error();
            pipeline.add(std::move(*step));
          }
          if (branch.next_router >= 0) {
            auto next = RouterStep::make(
                plan_, static_cast<size_t>(branch.next_router),
                [this](size_t p) { return processor_step(p); },
                PipelineLimits{options_.limits.page_bytes, options_.record_bytes});
            if (!next) return next.error();
            (*next)->set_pass_observer([this](size_t record, const std::string& step_id) {
              if (record < branch_steps_.size()) branch_steps_[record].push_back(step_id);
            });
            pipeline.add(std::move(*next));
          }
          return pipeline;
        }
      }
      return pipeline;
    }
    for (size_t p = first; p < plan_.processors.size(); ++p) {
      auto step = processor_step(p);
      if (!step) return step.error();
      pipeline.add(std::move(*step));
    }
    return pipeline;
  }

  void run_page(size_t processor, std::vector<JobError> originals) {
    const std::string& step_id = plan_.processors[processor].import_id;
    json::array records;
    json::array ids;
    for (const JobError& e : originals) {
      records.push_back(e.retry_data);
      ids.push_back(json::value(e.id));
    }
    auto source = parse_page_source(json::serialize(json::object{{"records", std::move(records)}}));
    if (!source) {
      recorder_.end(JobStatus::kFailed, "the retry data could not be made into a page (a bug)");
      return;
    }
    Page page(std::move(source), 0, originals.size());
    recorder_.page_in_flight(step_id, std::move(ids));
    if (!recorder_.running()) return;
    StepContext context = env_.step_context({}, nullptr, job_log_writer(log_, step_id));
    context.page_index = recorder_.job().num_pages_generated;
    auto built = pipeline_from(processor);
    if (!built) {
      recorder_.end(JobStatus::kFailed, built.error().message);
      return;
    }
    Pipeline& pipeline = *built;
    branch_steps_.assign(page.size(), {});
    auto ran = pipeline.run(page, context);
    const std::string source_export =
        plan_.generators.empty() ? std::string() : plan_.generators.front().export_id;
    if (auto resolved =
            auto_resolve(store_, plan_, trace_keys_, page, source_export, &branch_steps_);
        !resolved) {
      log_.log(SLUICE_LOG_WARN, step_id,
               "auto-resolve by trace key failed for this page: " + resolved.error().message);
    }
    JobRecorder::PageCounts counts;
    counts.exported = static_cast<int64_t>(originals.size()) + page.added();
    counts.success = static_cast<int64_t>(page.count(RecordState::kAlive));
    counts.ignore = static_cast<int64_t>(page.count(RecordState::kIgnored)) + page.dropped();
    counts.error = static_cast<int64_t>(page.count(RecordState::kFailed));
    result_.retried += originals.size();
    const std::string now = now_iso8601();
    std::vector<JobError> errors;
    // Submit steps keep the page's records in place, so record i is originals[i]'s.
    for (size_t i = 0; i < page.size() && i < originals.size(); ++i) {
      JobError& original = originals[i];
      original.retry_job_id = recorder_.job().id;
      const RecordError* failed = page.error(i);
      if (failed != nullptr && failed->step_id == original.step_id) {
        original.code = failed->code;
        original.message = failed->message;
        original.details = failed->details;
        original.occurred_at = now;
        original.classification.clear();
        lift_exchange(original);
        ++result_.still_open;
        errors.push_back(std::move(original));
        continue;
      }
      if (failed != nullptr) {
        JobError next;
        next.id = new_id();
        next.job_id = recorder_.job().id;
        next.flow_id = plan_.flow_id;
        next.step_id = failed->step_id;
        next.code = failed->code;
        next.message = failed->message;
        next.details = failed->details;
        next.retry_data = failed->retry_data;
        next.occurred_at = now;
        next.trace_key = trace_keys_.of_step(next.step_id, source_export).of(next.retry_data);
        lift_exchange(next);
        errors.push_back(std::move(next));
      }
      original.resolved = true;
      original.resolved_by = "retry";
      original.resolved_at = now;
      ++result_.resolved;
      errors.push_back(std::move(original));
    }
    if (ran) {
      for (JobError& e : ran->job_errors) {
        e.id = new_id();
        e.job_id = recorder_.job().id;
        e.flow_id = plan_.flow_id;
        if (e.step_id.empty()) e.step_id = step_id;
        if (e.code.empty()) e.code = "error";
        e.occurred_at = now;
        errors.push_back(std::move(e));
      }
    } else {
      recorder_.end(JobStatus::kFailed, ran.error().message);
    }
    recorder_.commit_page(counts, std::move(errors), json::value());
    if (auto r = log_.flush(); !r) log_.log(SLUICE_LOG_WARN, step_id, r.error().message);
  }

  host::Store& store_;
  FlowPlan plan_;
  const RetryOptions& options_;
  JobRecorder recorder_;
  JobLog log_;          // before the connections: it is the log sink while they are closed
  JobEnvironment env_;  // the connections, imports and lookups
  TraceKeys trace_keys_;
  FileImportRun files_;  // file imports (one file per retried page); their steps point into it
  // Routers: the steps each record of the current page got past after its branch (auto-resolve).
  std::vector<std::vector<std::string>> branch_steps_;
  RetryResult result_;
};

}  // namespace

Result<RetryResult> run_retry(host::Store& store, const host::PluginRegistry& registry,
                              std::string_view flow_id, const RetryOptions& options) {
  auto exists = store.get_resource(host::ResourceKind::kFlow, flow_id, host::Secrets::kMasked);
  if (!exists) return exists.error();
  if (!*exists) {
    return make_error(Status::kNotFound,
                      fmt::format("no flow {} in the store; see `sluice get flows`", flow_id));
  }
  auto selected = selected_errors(store, flow_id, options);
  if (!selected) return selected.error();
  auto plan = resolve_flow(store, registry, flow_id);
  if (!plan) return plan.error();
  RetryResult skipped;
  std::vector<std::vector<JobError>> groups(plan->processors.size());
  size_t runnable = 0;
  for (JobError& e : *selected) {
    size_t p = 0;
    while (p < plan->processors.size() && plan->processors[p].import_id != e.step_id) ++p;
    std::string why;
    if (p == plan->processors.size()) {
      bool at_export = false, at_router = false;
      for (const GeneratorStep& g : plan->generators) at_export |= g.export_id == e.step_id;
      for (const FlowRouterRef& r : plan->routers)
        at_router |= (r.id.empty() ? r.path : r.id) == e.step_id;
      why = at_router ? fmt::format(
                            "error {} is at router {}: routing the record failed, which a retry "
                            "cannot run again — fix the router, run the flow, then resolve it",
                            e.id, e.step_id)
            : at_export ? fmt::format(
                              "error {} is at export {}: its retry data is the record as it "
                              "entered an export step, which a retry cannot run again — "
                              "fix the export, run the flow, then resolve it",
                              e.id, e.step_id)
                        : fmt::format(
                              "error {} is at step {}, which flow {} no longer has — "
                              "resolve it",
                              e.id, e.step_id, flow_id);
    } else if (e.retry_data.is_null()) {
      why = fmt::format(
          "error {} has no retry data{} — resolve it, or give it retry data with "
          "`sluice errors edit {} {} --data FILE`",
          e.id, e.note.empty() ? "" : " (" + e.note + ")", flow_id, e.id);
    }
    if (!why.empty()) {
      ++skipped.skipped;
      skipped.notes.push_back(std::move(why));
      continue;
    }
    groups[p].push_back(std::move(e));
    ++runnable;
  }
  if (runnable == 0) {
    std::string message =
        selected->empty() && skipped.skipped == 0
            ? fmt::format("flow {} has no open errors{} to retry", flow_id,
                          options.step_id.empty() ? "" : " at step " + options.step_id)
            : fmt::format("none of the {} errors can run again", skipped.skipped);
    for (const std::string& note : skipped.notes) message += "\n  " + note;
    return make_error(Status::kInvalidConfig, std::move(message));
  }
  auto recorder = JobRecorder::claim(store, flow_id, nullptr, "retry");
  if (!recorder) return recorder.error();
  RetryResult result =
      RetryRun(store, std::move(*plan), options, std::move(*recorder)).run(std::move(groups));
  result.skipped = skipped.skipped;
  result.notes = std::move(skipped.notes);
  return result;
}

}  // namespace sluice::runtime
