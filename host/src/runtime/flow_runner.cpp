#include "runtime/flow_runner.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "plugins/connector_client.hpp"
#include "runtime/clock.hpp"
#include "runtime/error_manager.hpp"
#include "runtime/file_export_source.hpp"
#include "runtime/file_source.hpp"
#include "runtime/file_submit_step.hpp"
#include "runtime/import_steps.hpp"
#include "runtime/job_environment.hpp"
#include "runtime/job_log.hpp"
#include "runtime/job_recorder.hpp"
#include "runtime/intake_source.hpp"
#include "runtime/local_file_producer.hpp"
#include "runtime/lookup_step.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/pull_export_source.hpp"
#include "runtime/router_step.hpp"
#include "runtime/submit_step.hpp"
#include "sluice/abi/plugin.h"

namespace sluice::runtime {

namespace json = boost::json;
using host::Job;
using host::JobError;

std::string delta_time_key(std::string_view export_id) {
  return fmt::format("lastExportDateTime:{}", export_id);
}

namespace {

int64_t int_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<int64_t>() : 0;
}

// The cursor once `page` is confirmed (Source::committed moves the source's own the same way).
Cursor cursor_after(Cursor cursor, const SourcePage& page) {
  cursor.export_records += static_cast<int64_t>(page.records);
  cursor.skip += static_cast<int64_t>(page.records);
  if (page.ends_source_page && !page.position.is_null()) {
    cursor.position = page.position;
    cursor.skip = 0;
  }
  return cursor;
}

class FlowRun {
 public:
  FlowRun(host::Store& store, FlowPlan plan, const RunOptions& options, JobRecorder recorder)
      : store_(store),
        plan_(std::move(plan)),
        options_(options),
        recorder_(std::move(recorder)),
        log_(store, recorder_.job().id, options.on_log, options.keep_debug),
        env_(plan_, recorder_.job().id, options.cancelled, options.limits, &store_),
        trace_keys_(plan_),
        files_(job_temp_dir(options.temp_dir, recorder_.job().id),
               options.file_formats != nullptr ? *options.file_formats : library_file_formats()) {}

  Job run() {
    size_t first = 0;
    Cursor start;
    if (const json::object* checkpoint = recorder_.job().checkpoint.if_object()) {
      first = static_cast<size_t>(std::max<int64_t>(0, int_field(*checkpoint, "generator")));
      if (auto* deltas = checkpoint->if_contains("deltas"); deltas && deltas->is_object()) {
        for (const auto& [export_id, state] : deltas->get_object()) {
          states_[std::string(export_id)] = state;
          finished_deltas_[export_id] = state;
        }
      }
      if (auto* position = checkpoint->if_contains("position")) start.position = *position;
      start.skip = start.to_skip = int_field(*checkpoint, "skip");
      start.export_records = int_field(*checkpoint, "exportRecords");
      const json::value* export_id = checkpoint->if_contains("exportId");
      if (first < plan_.generators.size() &&
          (export_id == nullptr || !export_id->is_string() ||
           export_id->get_string() != plan_.generators[first].export_id)) {
        recorder_.end(JobStatus::kFailed,
                      fmt::format("flow {} changed since job {}: its page generator {} is export "
                                  "{}, not the one that job stopped in; run the flow without "
                                  "--resume",
                                  plan_.flow_id, recorder_.job().resumed_from, first,
                                  plan_.generators[first].export_id));
        return recorder_.finish();
      }
    }
    if (options_.only_generator && *options_.only_generator >= plan_.generators.size()) {
      recorder_.end(JobStatus::kFailed,
                    fmt::format("flow {} has {} page generators; there is no pageGenerators[{}] "
                                "to run alone",
                                plan_.flow_id, plan_.generators.size(), *options_.only_generator));
      return recorder_.finish();
    }
    for (size_t g = first; g < plan_.generators.size(); ++g) {
      if (options_.only_generator ? g != *options_.only_generator
                                  : std::find(options_.skip_generators.begin(),
                                              options_.skip_generators.end(),
                                              g) != options_.skip_generators.end())
        continue;
      if (!run_generator(g, g == first ? std::move(start) : Cursor{})) break;
    }
    finish_file_imports();
    if (recorder_.running()) save_states();
    flush_log();
    recorder_.set_reports(log_.warnings(), log_.metrics());
    return recorder_.finish();
  }

 private:
  // The job completed: each export's delta state, and each delta export's time, for the next
  // run. A test run stores nothing (integrator.io's test exports keep no state).
  void save_states() {
    if (options_.type == ExportType::kTest) return;
    for (const auto& [export_id, state] : states_) {
      if (!state.is_null()) {
        if (auto r = store_.put_state(export_id, state); !r) {
          recorder_.note("the job completed but its export state could not be saved: " +
                         r.error().message);
        }
      }
    }
    for (const auto& [export_id, time] : delta_times_) {
      if (auto r = store_.put_state(delta_time_key(export_id), json::value(time)); !r) {
        recorder_.note(
            fmt::format("the job completed but the lastExportDateTime of export {} "
                        "could not be saved (the next run exports since the previous "
                        "one again): {}",
                        export_id, r.error().message));
      }
    }
  }

  // Writes the job's log lines so far; a store that cannot is noted on the job, once.
  void flush_log() {
    if (auto r = log_.flush(); !r && !log_failed_) {
      log_failed_ = true;
      recorder_.note("the job's log could not be saved: " + r.error().message);
    }
  }

  bool cancelled() const { return options_.cancelled != nullptr && options_.cancelled->load(); }

  void fail(std::string message) { recorder_.end(JobStatus::kFailed, std::move(message)); }

  JobError new_error(const std::string& step_id) const {
    JobError e;
    e.id = new_id();
    e.job_id = recorder_.job().id;
    e.flow_id = recorder_.job().flow_id;
    e.step_id = step_id;
    e.occurred_at = now_iso8601();
    return e;
  }

  void job_level_error(const std::string& step_id, const Error& error) {
    JobError e = new_error(step_id);
    e.code = std::string(to_string(error.status));
    e.message = error.message;
    e.details = error.details;
    recorder_.add_error(std::move(e));
  }

  // The state open_export gets: the delta state of the last completed run, or — resuming from a
  // position — {"delta": that state, "resume": position} (sdk/README.md).
  std::string open_state(const GeneratorStep& generator, const Cursor& cursor) {
    auto state = store_.get_state(generator.export_id);
    json::value delta = state ? std::move(*state) : json::value();
    if (cursor.position.is_null()) return delta.is_null() ? "null" : json::serialize(delta);
    return json::serialize(json::object{{"delta", std::move(delta)}, {"resume", cursor.position}});
  }

  ExportType type_of(const GeneratorStep& generator) const {
    return options_.type ? *options_.type : generator.type;
  }

  // The run context of plugin.h's export_open_run (job_environment.hpp); a delta export's
  // currentExportDateTime is kept for the next run.
  std::string run_context(const GeneratorStep& generator, StepContext& context) {
    const ExportType type = type_of(generator);
    std::string run = env_.run_context(
        generator, type, last_export_date_time(store_, generator, type, options_.start_date),
        options_.type == ExportType::kTest, context);
    if (type == ExportType::kDelta)
      delta_times_[generator.export_id] = context.current_export_date_time;
    return run;
  }

  void cancel() {
    recorder_.end(JobStatus::kCanceled,
                  options_.cancel_message ? options_.cancel_message() : "canceled by the operator");
  }

  // The end of the run for the file imports (file_submit_step.hpp): their per-run files are put
  // when the run did not fail, else kept and named in the job's message.
  void finish_file_imports() {
    if (!recorder_.running()) {
      for (const std::string& note : files_.abandon()) recorder_.note(note);
      return;
    }
    auto failure = files_.finish([this](const std::string& import_id, std::string_view message) {
      log_.log(SLUICE_LOG_INFO, import_id, std::string(message));
    });
    if (failure) {
      job_level_error(failure->import_id, failure->error);
      fail(failure->error.message);
      for (const std::string& note : files_.abandon()) recorder_.note(note);
    }
  }

  // The step of processor `p`: its lookup, or its import around a submit step.
  Result<std::unique_ptr<Step>> processor_step(size_t p) {
    const ProcessorStep& step = plan_.processors[p];
    if (step.is_lookup) return make_lookup_step(step, [this, p] { return env_.lookup_for(p); });
    auto file_submit = files_.submit_step(step, p, [this, p] { return env_.import_for(p); });
    if (!file_submit) return file_submit.error();
    auto submit = *file_submit
                      ? std::move(*file_submit)
                      : std::make_unique<SubmitStep>(
                            step.import_id, step.name, step.connection.connector->plugin->id,
                            step.proceed_on_failure, [this, p] { return env_.import_for(p); });
    return make_import_step(step, std::move(submit));
  }

  // The generator's steps: its export slots in order, then a step per processor — or, with
  // routers, the router step that runs the branches' processors (router_step.hpp).
  Result<Pipeline> pipeline_for(const GeneratorStep& generator) {
    Pipeline pipeline(generator.export_id, generator.name,
                      PipelineLimits{options_.limits.page_bytes, options_.record_bytes});
    if (options_.on_step_time) {
      // The observer sees the page after the source and after each step: a step took the time
      // since the call before it.
      auto last = std::make_shared<std::chrono::steady_clock::time_point>();
      pipeline.set_observer([this, last](const Step* step, const Page&, const Result<StepResult>*) {
        const auto now = std::chrono::steady_clock::now();
        if (step != nullptr) {
          options_.on_step_time(step->step_id(),
                                std::chrono::duration<double>(now - *last).count());
        }
        *last = now;
      });
    }
    for (ExportSlot slot : kExportSlots) {
      auto step = options_.export_step_maker ? options_.export_step_maker(slot, generator)
                                             : make_export_step(slot, generator);
      if (!step) return step.error();
      if (*step) pipeline.add(std::move(*step));
    }
    if (!plan_.routers.empty()) {
      auto router = RouterStep::make(
          plan_, 0, [this](size_t p) { return processor_step(p); },
          PipelineLimits{options_.limits.page_bytes, options_.record_bytes});
      if (!router) return router.error();
      (*router)->set_pass_observer([this](size_t record, const std::string& step_id) {
        if (record < branch_steps_.size()) branch_steps_[record].push_back(step_id);
      });
      pipeline.add(std::move(*router));
      return pipeline;
    }
    for (size_t p = 0; p < plan_.processors.size(); ++p) {
      auto step = processor_step(p);
      if (!step) return step.error();
      pipeline.add(std::move(*step));
    }
    return pipeline;
  }

  // The generator's source: its pull export, or a file source (file_source.hpp) over the plugin's
  // files or, for the data loader, RunOptions::data_file.
  Result<std::unique_ptr<Source>> open_source(const GeneratorStep& generator, Cursor cursor,
                                              StepContext& context) {
    if (generator.webhook) {
      run_context(generator, context);
      IntakeSourceOptions intake;
      intake.export_id = generator.export_id;
      intake.page_size = generator.page_size;
      intake.cancelled = options_.cancelled;
      return std::unique_ptr<Source>(
          std::make_unique<IntakeSource>(store_, std::move(intake), std::move(cursor)));
    }
    std::unique_ptr<FileProducer> files;
    if (generator.simple) {
      if (options_.data_file.empty()) {
        return make_error(Status::kInvalidConfig,
                          "it is a data loader (SimpleExport): give the file to load with "
                          "`sluice flow run ID --data FILE`");
      }
      auto local = LocalFileProducer::open(options_.data_file);
      if (!local) return local.error();
      files = std::move(*local);
      run_context(generator, context);
    }
    std::unique_ptr<host::RemoteExport> exp;
    if (!generator.simple) {
      auto connection = env_.connection_for(generator.connection);
      if (!connection) return connection.error();
      auto opened = (*connection)
                        ->open_export(json::serialize(generator.doc), open_state(generator, cursor),
                                      fmt::format("export {}", generator.name),
                                      run_context(generator, context));
      if (!opened) return opened.error();
      exp = std::move(*opened);
    }
    const int64_t limit = type_of(generator) == ExportType::kTest ? generator.test_limit : 0;
    if (!generator.files) {
      PullExportOptions pull;
      pull.export_id = generator.export_id;
      pull.plugin_id = generator.connection.connector->plugin->id;
      pull.page_size = generator.page_size;
      pull.queue_depth = options_.queue_depth;
      pull.retries = options_.export_retries;
      pull.backoff = options_.export_backoff;
      pull.record_limit = limit;
      pull.cancelled = options_.cancelled;
      return std::unique_ptr<Source>(
          std::make_unique<PullExportSource>(std::move(exp), std::move(pull), std::move(cursor)));
    }
    if (!files)
      files = remote_file_producer(std::move(exp), generator.connection.connector->plugin->id);
    return open_file_export_source(generator, std::move(files),
                                   {.queue_depth = options_.queue_depth,
                                    .record_limit = limit,
                                    .commit_files = type_of(generator) != ExportType::kTest,
                                    .cancelled = options_.cancelled,
                                    .temp_dir = options_.temp_dir});
  }

  // Returns false when the job must stop (failure or cancellation).
  bool run_generator(size_t index, Cursor cursor) {
    const GeneratorStep& generator = plan_.generators[index];
    auto pipeline = pipeline_for(generator);
    if (!pipeline) {
      job_level_error(generator.export_id, pipeline.error());
      fail(pipeline.error().message);
      return false;
    }
    StepContext context = env_.step_context(generator.export_id, &generator.settings,
                                            job_log_writer(log_, generator.export_id));
    auto opened = open_source(generator, std::move(cursor), context);
    if (!opened) {
      job_level_error(generator.export_id, opened.error());
      fail(fmt::format("export {}: {}", generator.name, opened.error().message));
      return false;
    }
    Source& source = **opened;
    aborted_ = false;
    bool keep_going = true;
    for (;;) {
      auto next = source.next();
      if (next && *next) context.file = (*next)->file.is_null() ? nullptr : &(*next)->file;
      if (cancelled()) {
        cancel();
        keep_going = false;
        break;
      }
      if (!next) {
        job_level_error(generator.export_id, next.error());
        fail(fmt::format("export {} failed: {}", generator.name, next.error().message));
        keep_going = false;
        break;
      }
      if (!*next) break;
      SourcePage& page = **next;
      states_[generator.export_id] = source.delta_state();
      if (page.records > 0 && !process_flow_page(index, *pipeline, source, page, context)) {
        keep_going = false;
        break;
      }
      if (auto committed = source.committed(page); !committed) {
        job_level_error(generator.export_id, committed.error());
        fail(fmt::format("export {}: {}", generator.name, committed.error().message));
        keep_going = false;
        break;
      }
      if (cancelled()) {
        keep_going = false;
        break;
      }
      if (aborted_) break;
    }
    source.stop();
    if (recorder_.running() && cancelled()) {
      cancel();
      keep_going = false;
    }
    if (keep_going) finished_deltas_[generator.export_id] = states_[generator.export_id];
    return keep_going;
  }

  json::value checkpoint_after(size_t generator, const Cursor& cursor, bool export_done) {
    if (export_done) {
      finished_deltas_[plan_.generators[generator].export_id] =
          states_[plan_.generators[generator].export_id];
      const bool more = generator + 1 < plan_.generators.size();
      return json::object{
          {"generator", generator + 1},
          {"exportId", more ? json::value(plan_.generators[generator + 1].export_id) : nullptr},
          {"position", nullptr},
          {"skip", 0},
          {"exportRecords", 0},
          {"deltas", finished_deltas_}};
    }
    return json::object{{"generator", generator},
                        {"exportId", plan_.generators[generator].export_id},
                        {"position", cursor.position},
                        {"skip", cursor.skip},
                        {"exportRecords", cursor.export_records},
                        {"deltas", finished_deltas_}};
  }

  // One flow page through the pipeline, recorded in flight before the first step and confirmed
  // after the last.
  bool process_flow_page(size_t generator, Pipeline& pipeline, const Source& source,
                         SourcePage& source_page, StepContext& context) {
    const GeneratorStep& origin = plan_.generators[generator];
    Page& page = source_page.page;
    const int64_t first = source.cursor().export_records;
    json::array ids;
    ids.reserve(page.size());
    for (size_t i = 0; i < page.size(); ++i) {
      ids.push_back(page.record_id(i, first + static_cast<int64_t>(i)));
    }
    context.page_index = recorder_.job().num_pages_generated;
    recorder_.page_in_flight(origin.export_id, std::move(ids));
    if (!recorder_.running()) return false;

    branch_steps_.assign(page.size(), {});
    auto ran = pipeline.run(page, context);
    // A record no import was given (no processors, or every input filter skipped it) is ignored:
    // it went nowhere, and the counts still add up (page.hpp).
    page.ignore_unsubmitted();
    if (auto resolved =
            auto_resolve(store_, plan_, trace_keys_, page, origin.export_id, &branch_steps_);
        !resolved) {
      log_.log(SLUICE_LOG_WARN, origin.export_id,
               "auto-resolve by trace key failed for this page: " + resolved.error().message);
    }
    JobRecorder::PageCounts counts;
    counts.exported = static_cast<int64_t>(source_page.records) + page.added();
    counts.success = static_cast<int64_t>(page.count(RecordState::kAlive));
    counts.ignore = static_cast<int64_t>(page.count(RecordState::kIgnored)) + page.dropped();
    counts.error = static_cast<int64_t>(page.count(RecordState::kFailed));
    std::vector<JobError> errors;
    for (RecordError& failed : page.take_errors()) {
      JobError e = new_error(failed.step_id);
      e.code = std::move(failed.code);
      e.message = std::move(failed.message);
      e.details = std::move(failed.details);
      e.retry_data = std::move(failed.retry_data);
      e.trace_key = trace_keys_.of_step(e.step_id, origin.export_id).of(e.retry_data);
      lift_exchange(e);
      errors.push_back(std::move(e));
    }
    if (ran) {
      for (JobError& e : ran->job_errors) {
        JobError full = new_error(e.step_id.empty() ? origin.export_id : e.step_id);
        full.code = e.code.empty() ? "error" : std::move(e.code);
        full.message = std::move(e.message);
        full.details = std::move(e.details);
        full.retry_data = std::move(e.retry_data);
        if (!full.retry_data.is_null())
          full.trace_key = trace_keys_.of_step(full.step_id, origin.export_id).of(full.retry_data);
        lift_exchange(full);
        errors.push_back(std::move(full));
      }
      if (ran->abort) {
        aborted_ = true;
        log_.log(SLUICE_LOG_INFO, origin.export_id,
                 fmt::format("a step asked to stop after flow page {}: no further page is "
                             "fetched",
                             context.page_index + 1));
      }
    } else {
      fail(ran.error().message);
    }
    // A page the source is not told of (SourcePage::commit) is written with the next one.
    recorder_.commit_page(
        counts, std::move(errors),
        checkpoint_after(generator, cursor_after(source.cursor(), source_page), source_page.last),
        /*deferred=*/!source_page.commit && !source_page.last);
    flush_log();
    if (options_.on_progress) options_.on_progress(recorder_.job());
    return ran && recorder_.running();
  }

  host::Store& store_;
  FlowPlan plan_;
  const RunOptions& options_;
  JobRecorder recorder_;
  JobLog log_;  // before the connections: it is the log sink while they are closed
  bool log_failed_ = false;
  bool aborted_ = false;  // a step asked to stop paging the current source
  JobEnvironment env_;    // the connections, imports and lookups, closed before the log
  std::map<std::string, json::value> states_;       // the latest delta state of each export
  std::map<std::string, std::string> delta_times_;  // currentExportDateTime of delta exports
  json::object finished_deltas_;                    // those of the exports this flow has finished
  TraceKeys trace_keys_;                            // of plan_'s steps (error_manager.hpp)
  FileImportRun files_;  // the file imports' per-run files; their steps point into it
  // Routers: the branch steps each record of the current page got past (auto-resolve).
  std::vector<std::vector<std::string>> branch_steps_;
};

}  // namespace

Result<Job> run_flow(host::Store& store, const host::PluginRegistry& registry,
                     std::string_view flow_id, const RunOptions& options) {
  if (!options.start_date.empty() && !ms_from_iso8601(options.start_date)) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("--start-date: expected an ISO 8601 date-time such as "
                                  "2026-01-31T00:00:00Z, found \"{}\"",
                                  options.start_date));
  }
  auto exists = store.get_resource(host::ResourceKind::kFlow, flow_id, host::Secrets::kMasked);
  if (!exists) return exists.error();
  if (!*exists)
    return make_error(Status::kNotFound,
                      fmt::format("no flow {} in the store; see `sluice get flows`", flow_id));
  std::optional<Job> resume_from;
  if (options.resume) {
    auto newest = last_flow_run(store, flow_id);  // retry jobs do not count
    if (!newest) return newest.error();
    if (!*newest) {
      return make_error(
          Status::kInvalidConfig,
          fmt::format("flow {} has no job to resume; run it without --resume", flow_id));
    }
    if ((*newest)->status == to_string(JobStatus::kCompleted)) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("the last job of flow {} ({}) completed, so there is nothing "
                                    "to resume; run the flow without --resume to start a new job",
                                    flow_id, (*newest)->id));
    }
    resume_from = std::move(**newest);
  }
  auto recorder = JobRecorder::claim(store, flow_id, resume_from ? &*resume_from : nullptr);
  if (!recorder) return recorder.error();
  if (options.on_start) options.on_start(recorder->job());
  auto plan = resolve_flow(store, registry, flow_id);
  if (!plan) {
    recorder->end(JobStatus::kFailed, plan.error().message);
    return recorder->finish();
  }
  return FlowRun(store, std::move(*plan), options, std::move(*recorder)).run();
}

}  // namespace sluice::runtime
