// A step of the pipeline (DESIGN.md §2a): page in, page out. The steps of one source run in the
// order of integrator.io (docs/runtime.md): records at resourcePath -> transform -> output filter
// -> preSavePage hook -> for each processor: ... -> submit. Adding a step is one file with a
// class derived from Step and one line where the pipeline is built (pipeline.cpp).
//
// What a step may do to its page (page.hpp has the counting rule):
//  - fail one record (Page::fail): that record becomes a job error with its retry data and no
//    later step sees it; the rest of the page goes on;
//  - ignore records (Page::ignore), change them (Page::mutable_record / set_record), replace the
//    live records by any number of others (Page::replace_live);
//  - add job errors that belong to no record (StepResult::job_errors: stored with the job, not
//    counted in numError, which counts records);
//  - ask the source to stop after this page (StepResult::abort): the page goes on through the
//    later steps and is committed; no further page of this source is fetched, and the flow
//    goes on with its next source (the job completes);
//  - return an Error: the step cannot run at all (a script that does not compile, a connection
//    that cannot open); the job fails with that message and the page is not committed.
// A step sees only the alive records (Page::alive), unless it says otherwise (an import also takes
// the failed records that proceed: Page::takes, page.hpp).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "runtime/page.hpp"
#include "sluice/result.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

// What every step of one job can know, valid for the call (the pipeline owns it).
// The size limits every page and record keep at every step (pipeline.hpp).
struct PipelineLimits {
  size_t page_bytes = size_t{5} << 20;    // integrator.io's 5 MB page
  size_t record_bytes = size_t{5} << 20;  // and 5 MB record
};

struct StepContext {
  const boost::json::object* flow_settings = nullptr;         // the flow's "settings" ({} if none)
  const boost::json::object* export_settings = nullptr;       // the source export's "settings"
  const boost::json::object* integration_settings = nullptr;  // {} (no integrations yet)
  std::string export_id;
  std::string flow_id;
  std::string job_id;
  std::string last_export_date_time;     // ISO 8601, or empty: the first run of a delta
  std::string current_export_date_time;  // ISO 8601: when this run's export started
  int64_t page_index = 0;                // the flow page's index in the job, from 0
  bool test_mode = false;
  const std::atomic<bool>* cancelled = nullptr;
  // Writes one line to the job's log (level "debug"|"info"|"warn"|"error"), from this thread.
  using Log = std::function<void(std::string_view level, std::string_view message)>;
  Log log;
  // The pipeline's limits, for a step that makes pages of its own (a oneToMany step's child
  // page, fan_out.hpp); set by Pipeline::run for the steps it runs, null elsewhere.
  const PipelineLimits* limits = nullptr;
  // A file export's page: the file its records came from, {"fileName","path","size"}
  // (SourcePage::file); null for other sources. preSavePage passes it as files[i].fileMeta.
  const boost::json::value* file = nullptr;
  bool is_cancelled() const { return cancelled != nullptr && cancelled->load(); }
};

struct StepResult {
  bool abort = false;                      // stop paging after this page
  std::vector<host::JobError> job_errors;  // errors of no record (step_id, code, message set)
};

class Step {
 public:
  virtual ~Step() = default;
  // The step's kind and what it serves, for messages: e.g. "submit", "import orders".
  virtual std::string_view kind() const = 0;
  virtual const std::string& name() const = 0;
  // The step id that errors of this step carry (an export or import id).
  virtual const std::string& step_id() const = 0;
  // Runs the step on the page. An Error only when the step cannot run (see above).
  virtual Result<StepResult> run(Page& page, const StepContext& context) = 0;
};

}  // namespace sluice::runtime
