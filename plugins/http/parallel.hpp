// Runs the requests of one host call several at a time (an import's batches, a lookup's
// records) while keeping the host's threading rule: host services (Context) may be called only
// from the thread running the call. Worker threads get a Context of their own whose log and
// warn lines are relayed to the calling thread, which hands them to the host as they arrive,
// and whose cancelled() mirrors the caller's, polled by the calling thread at least every 50 ms.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "sluice/context.hpp"
#include "sluice/result.hpp"

namespace sluice::plugins::http {

// A job: `index` in [0, count), `slot` in [0, workers) the worker running it (for per-worker
// scratch buffers: no two jobs with the same slot run at once). It may use only `context` for
// host services, and must write its output where no other job writes (its own slice).
using ParallelJob = std::function<Result<void>(Context& context, size_t index, size_t slot)>;

// Runs jobs 0..count-1, up to `workers` at once, each exactly once unless a job fails: then no
// further job is started, those running finish, and the error of the failed job with the
// lowest index is returned. With workers <= 1 or count <= 1 the jobs run in order on the
// calling thread with `context` itself, stopping at the first error.
Result<void> run_parallel(Context& context, size_t count, size_t workers, const ParallelJob& job);

// One job at a time on a thread of its own that outlives the host call starting it: an export's
// next request, sent while the host processes the page before (export_reader.hpp). The job gets
// a Context whose log and warn lines are kept until wait() hands them to that call's thread, and
// whose cancelled() is the waiting caller's while it waits (between host calls nobody polls the
// host: a job then runs to its own end, bounded by the client's timeouts). Not thread-safe: one
// owner calls start/wait/the destructor.
class BackgroundWorker {
 public:
  BackgroundWorker();
  // Cancels the job if one runs (its Context reports cancelled) and joins the thread.
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Starts `job` (none may be running: wait() for it first). `run` is the RunContext the job's
  // Context reports (the calling Context's; must outlive the job). False when the thread could
  // not be started: run the job yourself.
  bool start(const RunContext* run, std::function<void(Context&)> job);
  // True while a job was started and not waited for.
  bool busy() const noexcept;
  // Waits for the job started last, handing its lines to `context` as they come and mirroring
  // context.cancelled() to it (polled every 50 ms).
  void wait(Context& context);
  // As wait(), until `ready` (checked under the worker's lock) or the job's end; a job that
  // goes on is still busy().
  void wait_until(Context& context, const std::function<bool()>& ready);
  // Runs `update` under the worker's lock and wakes whoever waits on it (the owner in
  // wait_until, the job in job_wait): how the owner and a running job share state.
  void signal(const std::function<void()>& update);
  // From inside the job: waits until `ready` (under the lock); false when the worker is being
  // destroyed or the job cancelled meanwhile.
  bool job_wait(const std::function<bool()>& ready);

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace sluice::plugins::http
