#include "serve/job_launcher.hpp"

#include <thread>
#include <utility>

namespace sluice::serve {

JobLauncher::JobLauncher(host::Store& store, const host::PluginRegistry& registry)
    : run_([&store, &registry](const std::string& flow_id, const runtime::RunOptions& options) {
        return runtime::run_flow(store, registry, flow_id, options);
      }) {}

JobLauncher::JobLauncher(RunFn run) : run_(std::move(run)) {}

JobLauncher::~JobLauncher() {
  // Unbounded: a run's thread uses the launcher until it has erased itself. run_flow ends a
  // cancelled run after its current page, within the plugin call deadlines.
  drain(std::chrono::milliseconds::max());
}

Result<void> JobLauncher::launch(const std::string& flow_id, runtime::RunOptions options,
                                 DoneFn done) {
  auto run = std::make_shared<Run>();
  {
    std::lock_guard lock(mutex_);
    if (draining_) {
      return make_error(Status::kTransient,
                        "the server is shutting down; flow " + flow_id + " was not started");
    }
    if (runs_.count(flow_id) != 0) {
      return make_error(Status::kTransient, "flow " + flow_id + " is already running");
    }
    runs_.emplace(flow_id, run);
  }
  options.cancelled = &run->cancelled;
  std::thread([this, flow_id, options = std::move(options), done = std::move(done), run] {
    Result<host::Job> job = run_(flow_id, options);
    {
      std::lock_guard lock(mutex_);
      runs_.erase(flow_id);
      ended_.notify_all();  // under the lock: the destructor may be waiting to free ended_
    }
    if (done) done(flow_id, job);
  }).detach();
  return {};
}

bool JobLauncher::running(const std::string& flow_id) const {
  std::lock_guard lock(mutex_);
  return runs_.count(flow_id) != 0;
}

bool JobLauncher::cancel(const std::string& flow_id) {
  std::lock_guard lock(mutex_);
  auto it = runs_.find(flow_id);
  if (it == runs_.end()) return false;
  it->second->cancelled = true;
  return true;
}

std::vector<std::string> JobLauncher::running_flows() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> flows;
  for (const auto& [id, run] : runs_) flows.push_back(id);
  return flows;
}

bool JobLauncher::drain(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  draining_ = true;
  for (auto& [id, run] : runs_) run->cancelled = true;
  if (limit == std::chrono::milliseconds::max()) {
    ended_.wait(lock, [this] { return runs_.empty(); });
    return true;
  }
  return ended_.wait_for(lock, limit, [this] { return runs_.empty(); });
}

}  // namespace sluice::serve
