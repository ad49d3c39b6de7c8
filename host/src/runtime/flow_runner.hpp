// Runs one flow as a job (DESIGN.md §2): page generators one after another; each generator's
// pages stream through a bounded queue (the next page is fetched while the previous one is
// processed) and pass through every page processor in order before the next generator starts.
//
// Invariants: numExport = numSuccess + numIgnore + numError at every progress report, at every
// write to the store and at the end; a record that fails a step becomes a JobError carrying the
// record as retry data; export (delta) state is saved only when the whole job completed. The job
// is recorded page by page (runtime/job_recorder.hpp): what is confirmed, what is in flight, and
// the checkpoint from which RunOptions::resume continues. A flow without processors counts its
// records as ignored.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string_view>

#include "plugins/call_limits.hpp"
#include "plugins/registry.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

struct RunOptions {
  const std::atomic<bool>* cancelled = nullptr;       // set it to cancel; the job ends "canceled"
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
  int export_retries = 3;
  std::chrono::milliseconds export_backoff{500};
};

// Returns the finished job (completed, failed or canceled), which is also in the store. An Error
// only when no job could be recorded (flow not found, store unavailable, the flow already running
// in a live process, nothing to resume).
Result<host::Job> run_flow(host::Store& store, const host::PluginRegistry& registry,
                           std::string_view flow_id, const RunOptions& options);

}  // namespace sluice::runtime
