// Runs the flows fed by webhook listeners (docs/serve.md "Webhooks"): when a listener has queued
// records (notify, from ListenerOptions::on_queued), every enabled flow with that export among
// its pageGenerators is launched through the JobLauncher; its IntakeSource (runtime/
// intake_source.hpp) drains the queue page by page. A flow that is running when records arrive
// is launched once more when it ends (one pending run, never a pile). start() first resumes
// (RunOptions::resume) each such flow with records queued, so that pages a killed job had
// confirmed but not yet removed are not delivered again; where there is nothing to resume it
// runs the flow afresh.
//
// Wiring (sluice serve): ListenerOptions::on_queued = [&](auto id, size_t) { worker.notify(id); },
// worker.start() once the server listens; at shutdown worker.stop(), then launcher.drain().
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "serve/job_launcher.hpp"
#include "store/store.hpp"

namespace sluice::serve::webhook {

class IntakeWorker {
 public:
  // `store` and `launcher` must outlive the worker, or it must be stopped before they go. `run` is
  // the options of each run (its `cancelled` and `resume` are the launcher's and the worker's).
  IntakeWorker(host::Store& store, JobLauncher& launcher, runtime::RunOptions run = {});
  ~IntakeWorker() { stop(); }

  // Resumes or runs each flow with a listener source whose queue holds records.
  void start();
  // Records were queued for listener `export_id`.
  void notify(std::string_view export_id);
  // Launches nothing from now on (runs under way are the launcher's to drain).
  void stop();

  // The enabled flows that have `export_id` as a page generator, by id.
  std::vector<std::string> flows_of(std::string_view export_id);

 private:
  // Shared with the callbacks of runs under way: JobLauncher calls `done` after it has forgotten
  // the run, so a callback may outlive drain() and the worker; once stopped it touches nothing
  // but this.
  struct State {
    State(host::Store& s, JobLauncher& l, runtime::RunOptions r)
        : store(s), launcher(l), run(std::move(r)) {}
    host::Store& store;
    JobLauncher& launcher;
    runtime::RunOptions run;
    std::mutex mutex;
    std::set<std::string> pending;
    bool stopped = false;
  };
  static void launch_locked(const std::shared_ptr<State>& state, const std::string& flow_id,
                            bool resume);
  static void ended(const std::shared_ptr<State>& state, const std::string& flow_id, bool resumed,
                    const Result<host::Job>& job);

  std::shared_ptr<State> state_;
};

}  // namespace sluice::serve::webhook
