// The job recorder (DESIGN.md §2a): keeps one job's record in the store while it runs, so that
// whatever happens to the process — a failure, Ctrl-C, a second Ctrl-C, SIGKILL — the stored job
// says exactly what is known about every record:
//
//  - confirmed: the job's counts. They only ever include flow pages that every processor is done
//    with (commit_page), written with that page's errors and the checkpoint after it in one store
//    transaction; numExport = numSuccess + numIgnore + numError holds for them at every write.
//  - in flight: the one flow page handed to the processors and not yet confirmed ("inFlight":
//    {"exportId", "pages":[index], "recordIds":[...]}), written before the first processor sees
//    it (page_in_flight). Its records may or may not have reached a destination.
//  - unknown: the records the export had not produced yet; none of them was sent anywhere.
//
// The checkpoint ("checkpoint") is where `sluice flow run FLOW --resume` continues:
//   {"generator": G,          index of the page generator in progress
//    "exportId": ID,          its export
//    "position": P,           the export's resume position after its last export page whose
//                             records are all confirmed (a page state's "resume", sdk/README.md),
//                             or null: from the start of the export
//    "skip": N,               records after `position` already confirmed (dropped on resume)
//    "exportRecords": R,      records of this export confirmed so far, by this job and the jobs
//                             it resumed (a record without an id is named "#<index>" from it)
//    "deltas": {ID: state}}   delta states of the generators already finished
// A job's counts cover only what it did itself; a resumed job names the one it continues
// ("resumedFrom").
//
// Not thread-safe: one thread (the job's) calls the members. The free functions may be called
// from any thread and process.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "runtime/process_identity.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

enum class JobStatus { kRunning, kCompleted, kFailed, kCanceled };
std::string_view to_string(JobStatus status) noexcept;

// The job `sluice flow run FLOW --resume` continues: the newest job of the flow that ran the flow
// itself, passing over the retry jobs (type "retry", `sluice errors retry`) recorded since, which
// neither continue nor replace it. nullopt when the flow has no such job.
Result<std::optional<host::Job>> last_flow_run(host::Store& store, std::string_view flow_id);

class JobRecorder {
 public:
  // Claims `flow_id` for a new running job of this process (Store::claim_flow), closing the
  // flow's jobs whose process died. With `resume_from`, the new job continues that job: it takes
  // its checkpoint and names it in "resumedFrom". Errors: the flow is already running in a live
  // process (naming the job and the pid), `resume_from` is no longer the flow's newest job, or
  // the store failed.
  // The job's "type" is `type` ("flow"; "retry" for `sluice errors retry`, retry_runner.hpp).
  static Result<JobRecorder> claim(host::Store& store, std::string_view flow_id,
                                   const host::Job* resume_from, std::string_view type = "flow");

  const host::Job& job() const noexcept { return job_; }
  JobStatus status() const noexcept { return status_; }
  bool running() const noexcept { return status_ == JobStatus::kRunning; }

  // Ends the job as failed or canceled (the first call wins) with `message`; recorded by finish().
  void end(JobStatus status, std::string message);
  // Appends `note` to the job's message without changing its status.
  void note(std::string_view note);
  // The warnings and metrics its plugins reported (Job::warnings, Job::metrics), stored by the
  // next write.
  void set_reports(boost::json::array warnings, boost::json::array metrics);
  // A job-level error (an export or connection failing), stored by finish().
  void add_error(host::JobError error);

  // Records flow page `job().num_pages_generated` of export `export_id` as in flight, with the
  // ids of its records. A store failure fails the job (nothing may be sent that is not recorded).
  void page_in_flight(std::string_view export_id, boost::json::array record_ids);
  // Confirms the page in flight: adds its counts, stores `errors` (its failed records and job
  // errors its steps added) and the checkpoint after it, in one transaction. With `deferred`
  // (nothing outside the store acts on this confirmation: the source is not told of it) the
  // write is left to the next page_in_flight or finish(), which store both in one transaction;
  // a crash in between leaves the page recorded as in flight, as a crash during it would: its
  // records are sent again on --resume (at least once, as always).
  struct PageCounts {
    int64_t exported = 0;  // records the source gave, plus those steps added (page.hpp)
    int64_t success = 0, ignore = 0, error = 0;
  };
  void commit_page(const PageCounts& counts, std::vector<host::JobError> errors,
                   boost::json::value checkpoint, bool deferred = false);

  // Completes the job unless it ended before, checks numExport = numSuccess + numIgnore +
  // numError, and stores it. The identity not holding is a bug of the runtime: a debug build
  // aborts (assert); a release build fails the job with the four counts and asks for a report.
  // Returns the job as stored: when another process or a signal handler closed it meanwhile, that
  // version.
  host::Job finish();

 private:
  JobRecorder(host::Store& store, host::Job job) : store_(&store), job_(std::move(job)) {}
  // Writes the job (and `errors`) while it is running in the store; a failure fails the job.
  bool write(std::vector<host::JobError> errors);

  host::Store* store_;
  host::Job job_;
  JobStatus status_ = JobStatus::kRunning;
  std::vector<host::JobError> job_errors_;
  std::vector<host::JobError> deferred_errors_;  // of a confirmation not written yet
  bool closed_elsewhere_ = false;
};

// What a job that did not finish leaves known: confirmed, in flight (with their ids) and
// unknown records, and how to continue (`sluice flow run FLOW --resume`). One paragraph.
std::string describe_unfinished(const host::Job& job);

// For a "running" job whose process is gone (Store::claim_flow's close_if_dead): rewrites it as
// failed, ended now, with a message saying the process died and describe_unfinished(), and
// returns true. Returns false, changing nothing, while the process is alive or the job is not
// running.
bool close_if_dead(host::Job& job);

// close_if_dead() on each job, storing those it closes (unless they were closed meanwhile, in
// which case the stored version replaces the one in `jobs`). For every command that shows jobs:
// the jobs are rewritten even when the store cannot be written (a read-only home), and the
// Error says why they were not stored (the next claim of the flow stores them).
Result<void> notice_dead_jobs(host::Store& store, std::vector<host::Job>& jobs);

// Ends running job `job_id` at once from its last recorded page, as canceled with `why` and
// describe_unfinished(): for a process about to exit without waiting for its job (a second
// Ctrl-C). Returns the job as stored, or nullopt when it was not running.
Result<std::optional<host::Job>> end_job_now(host::Store& store, std::string_view job_id,
                                             std::string_view why);

}  // namespace sluice::runtime
