// The scheduler of `sluice serve` (docs/serve.md, "Schedules"): starts the runs of the store's
// flows that their schedules make due, through the JobLauncher.
//
// What runs: each enabled flow with a `schedule` runs on it (every source but those with a
// schedule override); each `pageGenerators[i].schedule` runs that source alone on its own
// schedule. `disabled` flows never run. Times are read in the flow's `timezone` (cron.hpp says
// how DST is handled).
//
// One run of a flow at a time: a run that comes due while the flow runs (started by the
// scheduler or anyone else) is queued — once per schedule, however many times it came due — and
// starts when the flow's run ends (from the launcher's `done`, or at the next tick when someone
// else's run held the flow). After a completed run of the whole flow (its schedule, or a chain)
// the flows in its `_runNextFlowIds` are started (queued the same way if running).
//
// Missed runs: the instant each schedule last came due is kept in the store's state (key
// "sluice.schedule/<flow id>": {"flow"|"pageGenerators[i]": {"at", "schedule", "timezone"}}),
// written when it comes due; a schedule seen for the first time, or changed (another cron or
// zone), starts from now. At startup (the first reload) a schedule whose next instant after the
// stored one has passed — the server was down then — runs once at once, however many runs it
// missed; then it follows its schedule from now.
//
// Thread safety: every function may be called from any thread. `done` callbacks of the runs it
// started may run until the scheduler is destroyed; the destructor waits for them, so drain the
// launcher first (JobLauncher::drain) or it waits for the runs themselves. run() must have
// returned before the destructor runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "serve/job_launcher.hpp"
#include "serve/schedule/flow_schedule.hpp"
#include "store/store.hpp"

namespace sluice::serve::schedule {

class Scheduler {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // After each run the scheduler started has ended and what it queued or chained was started:
  // the flow, which schedule ("flow", "pageGenerators[i]", "chain" or "catch-up") and the run's
  // outcome. On the run's thread.
  using DoneFn = std::function<void(const std::string& flow_id, const std::string& reason,
                                    const Result<host::Job>& job)>;

  // `store` and `launcher` must outlive the scheduler. `clock` tells the time (tests put in one
  // they advance); reload() must be called before tick() finds anything due.
  Scheduler(
      host::Store& store, JobLauncher& launcher,
      Clock clock = [] { return std::chrono::system_clock::now(); }, DoneFn on_done = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // (Re)reads every flow from the store: call at startup and after flows change. A flow whose
  // schedule does not read (which `sluice apply` refuses) is left out and named in problems().
  // An Error when the store cannot be read (the schedules read before stay).
  Result<void> reload();
  // The flows reload() left out, "flow ID: $.path: what is wrong", and failures of the store.
  std::vector<std::string> problems() const;

  // Starts (or queues) every run due at clock(), and the queued runs of flows no longer running.
  void tick();
  // The earliest instant a schedule comes due next; nullopt when nothing is scheduled.
  std::optional<std::chrono::system_clock::time_point> next_due() const;
  // Calls tick() whenever something comes due, sleeping in between (at most a minute at a time,
  // so a changed wall clock is noticed); wake() makes it look again at once (after reload() or
  // a changed clock). Returns soon after `stop` is requested.
  void run(std::stop_token stop);
  void wake();

  // Of the last run the scheduler started: how late it started after it came due, in seconds
  // (0 before any).
  double lag_seconds() const;
  // The runs waiting for the flow's current run to end: "flow", "pageGenerators[i]", "chain".
  std::vector<std::string> queued(const std::string& flow_id) const;

 private:
  struct Entry {
    std::string flow_id;
    std::optional<size_t> generator;  // a schedule override; none: the flow's schedule
    CronSchedule cron;
    std::chrono::system_clock::time_point next_due;
  };
  struct Pending {
    std::string reason;               // "flow", "pageGenerators[i]", "chain", "catch-up"
    std::optional<size_t> generator;  // as Entry::generator
    std::chrono::system_clock::time_point due;
  };

  static std::string reason_of(const Entry& entry);
  void record_due(const Entry& entry, std::chrono::system_clock::time_point due);
  // Starts `pending` of `flow_id` now, or queues it (once per reason) when the flow runs.
  void start_or_queue(const std::string& flow_id, Pending pending);
  bool start(const std::string& flow_id, const Pending& pending);
  void finished(const std::string& flow_id, const Pending& pending, const Result<host::Job>& job);

  host::Store& store_;
  JobLauncher& launcher_;
  Clock clock_;
  DoneFn on_done_;

  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  bool woken_ = false;
  std::map<std::string, FlowSchedule> flows_;
  std::vector<Entry> entries_;
  std::map<std::string, std::deque<Pending>> queues_;
  std::vector<std::string> problems_;
  double lag_seconds_ = 0;
  int in_flight_ = 0;  // runs started whose `done` has not returned
  std::condition_variable idle_;
};

}  // namespace sluice::serve::schedule
