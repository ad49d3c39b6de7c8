#include "runtime/job_recorder.hpp"

#include <cassert>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "runtime/clock.hpp"

namespace sluice::runtime {

namespace json = boost::json;
using host::Job;
using host::JobError;

namespace {

std::string grouped(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && digits[i] != '-' && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string plural(int64_t n, std::string_view word) {
  return fmt::format("{} {}{}", grouped(n), word, n == 1 ? "" : "s");
}

std::string text_of(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

}  // namespace

std::string_view to_string(JobStatus status) noexcept {
  switch (status) {
    case JobStatus::kRunning:
      return "running";
    case JobStatus::kCompleted:
      return "completed";
    case JobStatus::kFailed:
      return "failed";
    case JobStatus::kCanceled:
      return "canceled";
  }
  return "unknown";
}

Result<std::optional<Job>> last_flow_run(host::Store& store, std::string_view flow_id) {
  // Newest first, in growing batches: retries since the last run are usually few.
  for (size_t limit = 16;; limit *= 4) {
    auto jobs = store.list_jobs(flow_id, limit);
    if (!jobs) return jobs.error();
    for (Job& job : *jobs) {
      if (job.type != "retry") return std::optional<Job>(std::move(job));
    }
    if (jobs->size() < limit || limit >= (size_t{1} << 24)) return std::optional<Job>();
  }
}

Result<JobRecorder> JobRecorder::claim(host::Store& store, std::string_view flow_id,
                                       const Job* resume_from, std::string_view type) {
  const ProcessIdentity self = this_process();
  Job job;
  job.id = new_id();
  job.flow_id = std::string(flow_id);
  job.type = std::string(type);
  job.status = std::string(to_string(JobStatus::kRunning));
  job.started_at = now_iso8601();
  job.pid = self.pid;
  job.pid_start_time = self.start_time;
  if (resume_from != nullptr) {
    job.resumed_from = resume_from->id;
    job.checkpoint = resume_from->checkpoint;
  }
  auto claim = store.claim_flow(job, close_if_dead);
  if (!claim) return claim.error();
  if (claim->holder) {
    const Job& holder = *claim->holder;
    return make_error(Status::kInvalidConfig,
                      fmt::format("flow {} is already running as job {} (process {}); a flow runs "
                                  "one job at a time — wait for it, or cancel it with Ctrl-C or "
                                  "`kill -INT {}`",
                                  flow_id, holder.id, holder.pid, holder.pid));
  }
  if (!claim->superseded.empty()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("job {} is no longer the newest job of flow {} (job {} started "
                                  "since); run `sluice flow run {} --resume` again to continue "
                                  "from the newest",
                                  resume_from->id, flow_id, claim->superseded, flow_id));
  }
  return JobRecorder(store, std::move(job));
}

void JobRecorder::end(JobStatus status, std::string message) {
  if (status_ != JobStatus::kRunning) return;
  status_ = status;
  job_.message = std::move(message);
}

void JobRecorder::note(std::string_view note) {
  job_.message += (job_.message.empty() ? "" : "; ") + std::string(note);
}

void JobRecorder::set_reports(boost::json::array warnings, boost::json::array metrics) {
  job_.warnings = std::move(warnings);
  job_.metrics = std::move(metrics);
}

void JobRecorder::add_error(JobError error) { job_errors_.push_back(std::move(error)); }

bool JobRecorder::write(std::vector<JobError> errors) {
  if (closed_elsewhere_) return false;
  auto written = store_->update_running_job(job_, errors);
  if (!written) {
    end(JobStatus::kFailed,
        fmt::format("the job could not be recorded in the store, so it stopped before sending "
                    "more: {}",
                    written.error().message));
    return false;
  }
  if (!*written) {
    closed_elsewhere_ = true;
    end(JobStatus::kFailed, "the job was closed by another process while it ran");
    return false;
  }
  return true;
}

void JobRecorder::page_in_flight(std::string_view export_id, json::array record_ids) {
  job_.in_flight = json::object{{"exportId", export_id},
                                {"pages", json::array{job_.num_pages_generated}},
                                {"recordIds", std::move(record_ids)}};
  write(std::exchange(deferred_errors_, {}));
}

void JobRecorder::commit_page(const PageCounts& counts, std::vector<JobError> errors,
                              json::value checkpoint, bool deferred) {
  job_.num_export += counts.exported;
  job_.num_success += counts.success;
  job_.num_ignore += counts.ignore;
  job_.num_error += counts.error;
  job_.num_pages_generated += 1;
  job_.num_pages_processed += 1;
  job_.in_flight = nullptr;
  job_.checkpoint = std::move(checkpoint);
  if (deferred) {
    for (JobError& e : errors) deferred_errors_.push_back(std::move(e));
    return;
  }
  if (!deferred_errors_.empty()) {
    errors.insert(errors.begin(), std::make_move_iterator(deferred_errors_.begin()),
                  std::make_move_iterator(deferred_errors_.end()));
    deferred_errors_.clear();
  }
  write(std::move(errors));
}

Job JobRecorder::finish() {
  if (status_ == JobStatus::kRunning) status_ = JobStatus::kCompleted;
  if (job_.num_export != job_.num_success + job_.num_ignore + job_.num_error) {
    assert(false && "numExport != numSuccess + numIgnore + numError");
    status_ = JobStatus::kFailed;
    job_.message = fmt::format(
        "internal error: the counts do not add up (exported {} but success {} + ignored {} + "
        "errors {}) — please report it",
        job_.num_export, job_.num_success, job_.num_ignore, job_.num_error);
  }
  const bool started =
      job_.num_pages_generated > 0 || !job_.in_flight.is_null() || !job_.checkpoint.is_null();
  if (status_ != JobStatus::kCompleted && started &&
      job_.message.find("--resume") == std::string::npos) {
    job_.message += (job_.message.empty() ? "" : ". ") + describe_unfinished(job_);
  }
  job_.status = std::string(to_string(status_));
  job_.ended_at = now_iso8601();
  if (!closed_elsewhere_) {
    for (JobError& e : job_errors_) deferred_errors_.push_back(std::move(e));
    job_errors_ = std::exchange(deferred_errors_, {});
    auto written = store_->update_running_job(job_, job_errors_);
    if (written && *written) return job_;
    if (!written) {
      job_.message += "; the job could not be saved: " + written.error().message;
      return job_;
    }
  }
  auto stored = store_->get_job(job_.id);
  if (stored && *stored) return **stored;
  return job_;
}

std::string describe_unfinished(const Job& job) {
  const int64_t confirmed = job.num_success + job.num_ignore + job.num_error;
  std::string text = fmt::format("What is known: {} confirmed (success {}, ignored {}, errors {})",
                                 plural(confirmed, "record"), grouped(job.num_success),
                                 grouped(job.num_ignore), grouped(job.num_error));
  const json::object* in_flight = job.in_flight.if_object();
  const json::array* ids = nullptr;
  if (in_flight != nullptr) {
    if (auto* found = in_flight->if_contains("recordIds")) ids = found->if_array();
  }
  if (ids != nullptr && !ids->empty()) {
    std::string pages;
    if (auto* found = in_flight->if_contains("pages"); found && found->is_array()) {
      for (const auto& page : found->get_array()) {
        pages += (pages.empty() ? "" : ", ") + text_of(page);
      }
    }
    std::string export_id;
    if (auto* found = in_flight->if_contains("exportId")) export_id = text_of(*found);
    const std::string range =
        ids->size() == 1 ? text_of(ids->front())
                         : fmt::format("{} … {}", text_of(ids->front()), text_of(ids->back()));
    text += fmt::format(
        "; {} in flight — flow page {} of export {}, ids {} (all in inFlight.recordIds) — sent "
        "to the destination but not confirmed, so they may or may not have arrived",
        plural(static_cast<int64_t>(ids->size()), "record"), pages, export_id, range);
  } else {
    text += "; none in flight";
  }
  text += fmt::format(
      "; the records the export had not produced yet were not sent anywhere. To continue after "
      "the last confirmed page, run `sluice flow run {} --resume`{}",
      job.flow_id,
      ids != nullptr && !ids->empty()
          ? " (the records in flight are sent again: check the destination for them first if "
            "a duplicate matters)"
          : "");
  return text;
}

bool close_if_dead(Job& job) {
  if (job.status != to_string(JobStatus::kRunning)) return false;
  if (is_alive({job.pid, job.pid_start_time})) return false;
  job.status = std::string(to_string(JobStatus::kFailed));
  job.ended_at = now_iso8601();
  job.message = fmt::format("the process running this job ({}) died without finishing it. {}",
                            job.pid > 0 ? fmt::format("pid {}", job.pid) : std::string("unknown"),
                            describe_unfinished(job));
  return true;
}

Result<void> notice_dead_jobs(host::Store& store, std::vector<Job>& jobs) {
  Result<void> outcome;
  for (Job& job : jobs) {
    Job closed = job;
    if (!close_if_dead(closed)) continue;
    auto written = store.update_running_job(closed, {});
    if (written && !*written) {
      if (auto stored = store.get_job(job.id); stored && *stored) {
        job = std::move(**stored);
        continue;
      }
    }
    if (!written && outcome) outcome = written.error();
    job = std::move(closed);
  }
  return outcome;
}

Result<std::optional<Job>> end_job_now(host::Store& store, std::string_view job_id,
                                       std::string_view why) {
  auto stored = store.get_job(job_id);
  if (!stored) return stored.error();
  if (!*stored || (*stored)->status != to_string(JobStatus::kRunning)) return std::optional<Job>();
  Job job = std::move(**stored);
  job.status = std::string(to_string(JobStatus::kCanceled));
  job.ended_at = now_iso8601();
  job.message = fmt::format("{}. {}", why, describe_unfinished(job));
  auto written = store.update_running_job(job, {});
  if (!written) return written.error();
  if (!*written) return std::optional<Job>();
  return std::optional<Job>(std::move(job));
}

}  // namespace sluice::runtime
