// Runs one flow as a job (DESIGN.md §2, docs/runtime.md): the orchestration of the pipeline.
// Page generators run one after another; each is a Source (pull_export_source.hpp: its pages
// stream through a bounded queue, the next page fetched while the previous one is processed)
// whose flow pages go through a Pipeline (pipeline.hpp): the export steps (export_steps.hpp),
// then one step per page processor (import_steps.hpp: its input filter, hooks, mapping and
// submit), in order, before the next generator starts.
//
// Invariants: numExport = numSuccess + numIgnore + numError at every progress report, at every
// write to the store and at the end (page.hpp has the counting rule); a record that fails a step
// becomes a JobError carrying the record as it entered that step as retry data; export state (the
// plugin's delta state and a delta export's lastExportDateTime) is saved only when the whole job
// completed, and never by a test run. The job is recorded page by page
// (runtime/job_recorder.hpp): what is confirmed, what is in flight, and the checkpoint from
// which RunOptions::resume continues. A record no import took (the flow has no processors, or
// every import's input filter skipped it) counts as ignored.
//
// The run context each export is opened with (plugin.h's export_open_run): "type" (the export's,
// or RunOptions::type), "lastExportDateTime" (delta: RunOptions::start_date, else the stored time
// of the last completed run minus delta.lagOffset, else delta.startDate, else
// kDeltaDefaultStartDate, 1970-01-01T00:00:00.000Z; null for the other types),
// "currentExportDateTime" (when this export was opened), "test" ({"limit": test.limit} for a
// test run, else null), "settings" {"flow", "export"}, "jobId", "testMode" (true when
// RunOptions::type is test).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/call_limits.hpp"
#include "plugins/registry.hpp"
#include "runtime/export_steps.hpp"
#include "runtime/flow_plan.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

struct FileFormats;  // file_submit_step.hpp

struct RunOptions {
  const std::atomic<bool>* cancelled = nullptr;       // set it to cancel; the job ends "canceled"
  // The canceled job's message, asked when the run stops for `cancelled` (e.g. `sluice serve`'s
  // "the server is shutting down"); empty function: "canceled by the operator".
  std::function<std::string()> cancel_message;
  // How long each step (its step id: an export's or import's) took over one flow page, in
  // seconds, after it ran, on the page's thread (`sluice serve`'s step duration metrics).
  std::function<void(const std::string& step_id, double seconds)> on_step_time;
  std::function<void(const host::Job&)> on_progress;  // after each page, on the calling thread
  size_t queue_depth = 2;                             // pages fetched ahead of processing
  // Deadlines of plugin calls and the page size limit (host/src/plugins/call_limits.hpp); a
  // job's peak memory is about queue_depth x limits.page_bytes (times the parse overhead).
  host::CallLimits limits;
  // Continue the flow's newest unfinished job (failed, canceled, or whose process died) from its
  // checkpoint instead of starting from the beginning: a new job, linked by "resumedFrom".
  bool resume = false;
  std::function<void(const host::Job&)> on_start;  // once the job is claimed, on this thread
  // An export page that fails with a retryable status (kTransient, kRateLimited) is asked for
  // again up to export_retries more times, after export_backoff, doubling each time (a rate
  // limit's retry-after when longer); then the job fails. A retryable failure of an import's
  // submit fails that page's records instead, and the job goes on.
  // Every line plugins log during the job (level, step, redacted message), as it arrives, from
  // any thread, one at a time; the lines are also stored in the job's log (`sluice jobs log`).
  std::function<void(const host::JobLogLine&)> on_log;
  // Keep the plugins' debug lines (an HTTP export's request/response trace) in the job's log and
  // hand them to on_log; without it they are dropped as they arrive (runtime/job_log.hpp).
  bool keep_debug = false;
  int export_retries = 3;
  std::chrono::milliseconds export_backoff{500};
  // Run every export as this type for this run (`sluice flow run --type test`); nullopt: each
  // export's own "type".
  std::optional<ExportType> type;
  // ISO 8601: the lastExportDateTime of every delta export for this run (backdating it,
  // `--start-date`), whatever the store holds. Checked by run_flow (kInvalidConfig).
  std::string start_date;
  // The largest record, as JSON, at any step (SLUICE_RECORD_LIMIT_BYTES); a flow page's limit is
  // limits.page_bytes (SLUICE_PAGE_LIMIT_BYTES). integrator.io's 5 MB each.
  size_t record_bytes = size_t{5} << 20;
  // The data loader's file (`sluice flow run ID --data FILE`): what the flow's SimpleExport
  // sources read, with their `file` settings (file_source.hpp). A SimpleExport without it fails.
  std::string data_file;
  // Makes the export steps of each slot; empty: make_export_step (tests put recording steps in).
  ExportStepMaker export_step_maker;
  // File imports (file_submit_step.hpp, docs/files.md, "File imports"): the formats their files are
  // written with (null: the formats library's; tests put writers of their own in), and the
  // folder under which a job spools its per-run files, in a folder "sluice-job-<job id>" of its
  // own (empty: the system's temporary folder, $TMPDIR).
  const FileFormats* file_formats = nullptr;
  std::filesystem::path temp_dir;
  // Which page generators run (by index in pageGenerators; `sluice serve`'s schedules,
  // docs/serve.md): only `only_generator` (a schedule override, pageGenerators[i].schedule, runs
  // its source alone), else every one not in `skip_generators` (the flow's schedule leaves out
  // the overridden ones). An only_generator past the last fails the job.
  std::optional<size_t> only_generator;
  std::vector<size_t> skip_generators;
};

// The store key under which a delta export's last successful currentExportDateTime is kept.
std::string delta_time_key(std::string_view export_id);

// Returns the finished job (completed, failed or canceled), which is also in the store. An Error
// only when no job could be recorded (flow not found, store unavailable, the flow already running
// in a live process, nothing to resume).
Result<host::Job> run_flow(host::Store& store, const host::PluginRegistry& registry,
                           std::string_view flow_id, const RunOptions& options);

}  // namespace sluice::runtime
