// A test run of a flow (`sluice flow test ID`, docs/runtime.md "Testing a flow"): integrator.io's
// "test run one stage at a time". For each source of the flow, in order, it reads the first flow
// page (or the first `records` records, across pages) from the export — a pull export's pages, a
// file export's or data loader's file through the file source (file_source.hpp), which then
// confirms, deletes and moves no file — and runs it through every
// step of the pipeline as a job would (the same steps, built by make_export_step, with the same
// limits), except that imports are not submitted: each import is a step that passes its records
// on unchanged and is reported as what it *would receive*. Lookups do run (they only read): each
// record shows what the lookup answered and what its response mapping set. Every record is
// reported as it leaves each step. A oneToMany step (fan_out.hpp) reports, per record, the
// children it ran on (for an import, what it would receive); the router step reports each
// branch's steps under it (TestedStep::branches), on the copies routed to each.
//
// A test run changes nothing an ordinary run relies on: no job is recorded (the run context's
// jobId is a fresh id no job has; `testMode` is true and hooks see `job.type` "test"), no delta
// timestamp or export state is stored, no page is committed (so a `once` export flags nothing and
// page_committed is never called), nothing is written to the store. It reads what an ordinary run
// would read: each export opens with its own type, the stored delta state and lastExportDateTime.
//
// Thread-safety: test_flow replaces the host's log sink while it runs (plugins/host_api.hpp) and
// restores it; call it while no other job runs in the process.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "plugins/call_limits.hpp"
#include "plugins/registry.hpp"
#include "sluice/result.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

struct FlowTestOptions {
  // 0: the first flow page of each source (the export's pageSize records, or fewer when the
  // export's first page is smaller); 1..kMaxTestRecords: that many records, across pages.
  size_t records = 0;
  static constexpr size_t kMaxTestRecords = 1000;
  host::CallLimits limits;                // deadlines of plugin calls, the page limit
  size_t record_bytes = size_t{5} << 20;  // SLUICE_RECORD_LIMIT_BYTES
  int export_retries = 3;                 // as RunOptions
  const std::atomic<bool>* cancelled = nullptr;
  // The data loader's file (`sluice flow test ID --data FILE`), as RunOptions::data_file: what the
  // flow's SimpleExport sources read. A SimpleExport without it fails its source.
  std::string data_file;
};

// One child record of a oneToMany step (fan_out.hpp) as it left the step: for an import, what
// it would receive (the array element with _PARENT).
struct TestedChild {
  boost::json::value record;
  std::string state;  // "alive", "ignored", "failed"
  std::string error_code, error_message;
  boost::json::value lookup;  // a lookup: what it answered for the child (null: not looked up)
};

// One record as it left one step.
struct TestedRecord {
  // Its place among the records the source gave in this test run, from 0; for a record a step
  // added, -1 for the first one added in this source, -2 for the next, ...
  int64_t index = 0;
  int64_t page = 0;  // the flow page it came in, from 0
  // "alive" (goes on), "ignored" (a filter dropped it), "failed", "removed" (a step replacing the
  // records left it out: counted as ignored).
  std::string state;
  bool added = false;         // a step (a hook) added it
  boost::json::value record;  // as it left the step; null when removed
  boost::json::value before;  // as it entered the step; null for the source and added records
  std::string reason;         // why a filter dropped it, when the rules can say
  std::string error_code, error_message;  // when it failed (at this step or, for an import with
                                          // proceedOnFailure, earlier)
  // At a router step (a flow with routers): each {router name, branch name} it took, in the
  // order the routers ran; empty: it took no branch.
  std::vector<std::pair<std::string, std::string>> routes;
  // A lookup step: what the lookup answered for the record, {"data": [...]} or {"errors":
  // [...]} (null for a record it did not look up), and what the response mapping (and
  // postResponseMap) set in it: {"dotted.path": new value} of each field added or changed.
  boost::json::value lookup;
  boost::json::value mapped;
  // A oneToMany step: the children it ran on for this record, in the array's order (empty when
  // the record had none).
  std::vector<TestedChild> children;
};

struct TestedLogLine {
  std::string level;  // "debug", "info", "warn", "error"
  std::string scope;  // empty for a script's console; the plugin's scope otherwise
  std::string message;
  int64_t page = 0;  // the flow page being run when it was logged, from 0
};

struct TestedStep;

// A branch of a router, under the router step: its steps as they ran on the copies routed to it
// (each record's index is the one it has at the router step).
struct TestedBranch {
  std::string router, branch;     // their names
  std::vector<TestedStep> steps;  // none: the branch discards its records
};

struct TestedStep {
  std::string step;     // "export orders", "transform orders", "import crm", ...
  std::string kind;     // "export", "transform", "filter", "preSavePage hook", "lookup", "import"
  std::string step_id;  // the export's or import's id
  bool would_receive = false;  // an import: nothing was submitted
  // For the source, every record it read; for a step, the records that entered it (for an
  // import, the records it would receive), as they left it.
  std::vector<TestedRecord> records;
  struct JobError {
    int64_t page = 0;
    std::string code, message;
  };
  std::vector<JobError> job_errors;  // what the step returned as job errors, by page
  std::vector<TestedLogLine> log;
  std::string error;                   // the step could not run (its records failed with this)
  bool abort = false;                  // it asked to stop paging
  std::string path_to_many;            // a oneToMany step: its pathToMany (records' children)
  std::vector<TestedBranch> branches;  // the router step: every branch of every router
};

struct TestedSource {
  std::string export_id, name;
  std::vector<TestedStep> steps;  // the source first, then every step in order
  std::string error;              // the export could not be read: what was shown stops there
  int64_t pages = 0;              // flow pages run through the steps
};

struct FlowTestReport {
  std::string flow_id, flow_name;
  size_t records = 0;  // FlowTestOptions::records
  std::vector<TestedSource> sources;
  bool source_failed() const;
  // {flowId, records, sources: [{exportId, name, pages, error, steps: [{step, kind, stepId,
  //  wouldReceive, records: [{index, page, state, record, error, reason?, addedIndex?, added?,
  //  branches? [{router, branch}] (a router step), lookup?, mapped? (a lookup step),
  //  children? [{record, state, error, lookup?}] (a oneToMany step)}],
  //  jobErrors:
  //  [{page, code, message}], log: [{page, level, scope?, message}], error, abort,
  //  pathToMany? (a oneToMany step), branches? [{router, branch, steps: [step...]}] (the router
  //  step)}]}]} (docs/runtime.md).
  boost::json::value to_json() const;
};

// An Error when the flow cannot be tested at all: not found, disabled, a reference that does not
// resolve, a step that does not compile (the same messages as `sluice flow run`). An export that
// cannot be read (its connection refused, a page that fails) is the source's `error`.
Result<FlowTestReport> test_flow(host::Store& store, const host::PluginRegistry& registry,
                                 std::string_view flow_id, const FlowTestOptions& options);

}  // namespace sluice::runtime
