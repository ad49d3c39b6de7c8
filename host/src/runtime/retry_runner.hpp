// `sluice errors retry`: runs the retry data of open errors again, from the step where each
// failed through the flow's later steps, as a job of its own ("type": "retry", docs/errors.md).
//
// Which errors: those named by RetryOptions::error_ids, else every open error of the flow (of
// RetryOptions::step_id when set). Only errors at an import of the flow can run again (their
// retry data is the record as it entered that import); errors at an export (its transform, filter
// or hook, or the export itself), errors without retry data (dropped by retention) and errors of
// a step the flow no longer has are left as they are and counted in RetryResult::skipped, each
// with why in RetryResult::notes.
//
// The job: for each import in flow order, its errors' retry data in pages of kRetryPageSize go
// through a Pipeline (pipeline.hpp) of the submit steps from that import to the last. Counts:
// numExport = the records retried; a record that ends alive or ignored counts as success or
// ignored and its error is resolved ("resolvedBy": "retry"); one that fails again at the same
// step leaves its error open with the new attempt's code, message and time ("_retryJobId": the
// retry job); one that fails at a later step resolves its error, and the new failure is an
// error of the retry job. Counts and errors of each page are committed together
// (JobRecorder::commit_page), so numExport = numSuccess + numIgnore + numError holds.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/call_limits.hpp"
#include "plugins/registry.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

constexpr size_t kRetryPageSize = 100;

struct FileFormats;  // file_submit_step.hpp

struct RetryOptions {
  std::string step_id;                 // empty: every step
  std::vector<std::string> error_ids;  // empty: every open error (of step_id)
  const std::atomic<bool>* cancelled = nullptr;
  host::CallLimits limits;
  size_t record_bytes = size_t{5} << 20;
  std::function<void(const host::JobLogLine&)> on_log;
  // The formats a file import's files are written with (null: the formats library's). A retry
  // puts one file per retried page, whatever the import's aggregation (file_submit_step.hpp).
  const FileFormats* file_formats = nullptr;
};

struct RetryResult {
  host::Job job;
  size_t retried = 0;     // records run again (the job's numExport)
  size_t resolved = 0;    // errors resolved because their record now succeeded
  size_t still_open = 0;  // errors that failed again at the same step
  size_t skipped = 0;     // errors that could not run again (see notes)
  std::vector<std::string> notes;
};

// Errors (nothing run, no job): the flow does not exist; a named error is not an open error of
// the flow; there is nothing to retry (no open error, or none that can run: the notes say why);
// the flow is running (the claim). A job that ran and failed is a RetryResult whose job says so.
Result<RetryResult> run_retry(host::Store& store, const host::PluginRegistry& registry,
                              std::string_view flow_id, const RetryOptions& options);

}  // namespace sluice::runtime
