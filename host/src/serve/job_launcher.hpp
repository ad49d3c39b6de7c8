// Starts flow runs for `sluice serve` — the scheduler, `POST /api/v1/flows/{id}/run` and the
// webhook intake workers all go through one JobLauncher — and drains them on shutdown.
//
// Each run is runtime::run_flow on a thread of its own, with a cancel flag the launcher owns.
// At most one run of a flow at a time in this process: launch() of a flow that is running is
// refused with kTransient ("already running") and starts nothing — callers that want to queue
// (the scheduler queues one) do so themselves, from `done`. drain() refuses new launches,
// cancels every run (run_flow ends each "canceled" after its current page) and waits for them.
//
// Thread safety: every function may be called from any thread. `done` runs on the run's thread,
// after the launcher has forgotten the run (so `done` may launch the same flow again).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/flow_runner.hpp"
#include "sluice/result.hpp"

namespace sluice::serve {

class JobLauncher {
 public:
  // How a run is carried out: run_flow by default; tests put in a function of their own.
  using RunFn = std::function<Result<host::Job>(const std::string& flow_id,
                                                const runtime::RunOptions& options)>;
  using DoneFn = std::function<void(const std::string& flow_id, const Result<host::Job>& job)>;

  // `store` and `registry` must outlive the launcher.
  JobLauncher(host::Store& store, const host::PluginRegistry& registry);
  explicit JobLauncher(RunFn run);
  ~JobLauncher();  // drains, waiting for every run to end

  // Starts a run of `flow_id` with `options` (its `cancelled` is replaced by the launcher's).
  // kTransient when the flow is running here or the launcher is draining.
  Result<void> launch(const std::string& flow_id, runtime::RunOptions options, DoneFn done = {});

  bool running(const std::string& flow_id) const;
  // Asks the run of `flow_id` to stop (it ends "canceled" after its current page); false when
  // the flow is not running here.
  bool cancel(const std::string& flow_id);
  std::vector<std::string> running_flows() const;

  // Refuses launches from now on, cancels every run and waits up to `limit` for them to end;
  // false if some were still running then (they go on; the destructor waits for them).
  bool drain(std::chrono::milliseconds limit = std::chrono::seconds(30));

 private:
  struct Run {
    std::atomic<bool> cancelled{false};
  };

  RunFn run_;
  mutable std::mutex mutex_;
  std::condition_variable ended_;
  std::map<std::string, std::shared_ptr<Run>> runs_;
  bool draining_ = false;
};

}  // namespace sluice::serve
