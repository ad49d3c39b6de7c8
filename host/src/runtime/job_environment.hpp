// What one job of a flow needs around its steps, the same for a run (flow_runner.hpp), a retry
// (retry_runner.hpp) and a test run (flow_tester.hpp):
//  - the plan's connections, imports and lookups, each opened on first use (a step asks through
//    import_for/lookup_for when its first page needs it) and closed when the environment is
//    destroyed, imports and lookups before the connections they were opened on;
//  - the StepContext every page of the job gets (step_context), with the job's log callback;
//  - the run context an export is opened with (plugin.h's export_open_run: run_context), with a
//    delta export's lastExportDateTime (last_export_date_time).
// One thread at a time (the job's).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "plugins/call_limits.hpp"
#include "plugins/connector_client.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/step.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

class JobLog;

class JobEnvironment {
 public:
  // `plan` outlives the environment. `job_id`: the job the steps run in (a test run's fresh id).
  // `store` (may be null; outlives the environment) keeps the connections' state (plugin.h 1.2)
  // and online status: a connection marked offline there is not opened (connection_for fails
  // with store/connection_state.hpp's offline_error).
  JobEnvironment(const FlowPlan& plan, std::string job_id, const std::atomic<bool>* cancelled,
                 host::CallLimits limits, host::Store* store = nullptr);
  ~JobEnvironment();
  JobEnvironment(const JobEnvironment&) = delete;
  JobEnvironment& operator=(const JobEnvironment&) = delete;

  Result<host::RemoteConnection*> connection_for(const StepConnection& step);
  // The import or the lookup of processor `index` of the plan, opened on first use.
  Result<host::RemoteImport*> import_for(size_t index);
  Result<host::RemoteLookup*> lookup_for(size_t index);

  // The StepContext of the job's pages from export `export_id` (empty: a retry's pages, which
  // come from no export) with `export_settings` (null: {}), writing the steps' log lines through
  // `log`. The caller sets page_index per page.
  StepContext step_context(std::string export_id, const boost::json::object* export_settings,
                           StepContext::Log log) const;

  // The run context of export `generator` opened as `type` with `last_export_date_time` (empty:
  // none, null in the JSON): sets those, currentExportDateTime (now) and `test_mode` in
  // `context`, and returns the JSON of plugin.h's export_open_run.
  std::string run_context(const GeneratorStep& generator, ExportType type,
                          std::string last_export_date_time, bool test_mode,
                          StepContext& context) const;

  const std::string& job_id() const noexcept { return job_id_; }

 private:
  const FlowPlan& plan_;
  std::string job_id_;
  const std::atomic<bool>* cancelled_;
  host::CallLimits limits_;
  host::Store* store_;
  const boost::json::object no_settings_;
  // Declared before the imports and lookups, so that those are closed first.
  std::map<std::string, std::unique_ptr<host::RemoteConnection>> connections_;
  std::vector<std::unique_ptr<host::RemoteImport>> imports_;  // by processor index
  std::vector<std::unique_ptr<host::RemoteLookup>> lookups_;  // by processor index
};

// A delta export's lastExportDateTime for a job that opens it as `type` (flow_runner.hpp): empty
// unless `type` is delta; else `start_date` when set, else the time stored by the last completed
// run minus the export's lag offset, else its deltaStartDate (empty: the first run exports
// everything).
std::string last_export_date_time(host::Store& store, const GeneratorStep& generator,
                                  ExportType type, const std::string& start_date = {});

// A StepContext::log writing each line to `log` at its level, with step `scope`.
StepContext::Log job_log_writer(JobLog& log, std::string scope);

}  // namespace sluice::runtime
