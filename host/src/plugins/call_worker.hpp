// The thread on which one remote handle's plugin calls run, so that the caller can stop waiting
// for a call that outlives its deadline. The C ABI's calls are synchronous: a plugin stuck in
// one cannot be interrupted, only left behind. Everything such a call may still touch (its
// sluice_call, the texts it borrows, its out parameters, the cancellation flag it polls) lives
// in a CallState the worker shares, never in the caller's frame.
//
// A process that exits while an abandoned call is still running in plugin code ends at once,
// with its exit status and flushed stdio, without running static destructors: they would
// destroy what the stuck call may still use (the plugin's own statics, the host's services),
// and can block (glibc's pthread_cond_destroy waits for a condition variable's waiters). An
// exit after every abandoned call has returned is an ordinary one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugins/host_api.hpp"

namespace sluice::host {

// What one plugin call owns. Shared by the caller and the worker; outlives an abandoned call.
struct CallState {
  CallState() { call.cancelled = &cancelled; }
  CallState(const CallState&) = delete;
  CallState& operator=(const CallState&) = delete;

  sluice_call call;
  std::atomic<bool> cancelled{false};  // what the plugin sees through is_cancelled
  std::vector<std::string> inputs;     // the texts the call borrows
  sluice_connection* out_connection = nullptr;
  sluice_export* out_export = nullptr;
  sluice_import* out_import = nullptr;
  sluice_lookup* out_lookup = nullptr;      // 1.1
  sluice_listener* out_listener = nullptr;  // 1.1
  sluice_http_request request{};            // 1.1: listener_request's, borrowing `inputs`
  // 1.1: the caller's chunk callbacks for file calls, cleared (under chunk_mutex) once the
  // caller stops waiting, so an abandoned call's later chunks are refused, not delivered.
  std::mutex chunk_mutex;
  std::function<sluice_status(sluice_bytes)> on_chunk;
  std::function<sluice_status(uint8_t*, size_t, size_t*)> on_read;
  sluice_byte_sink sink{};
  sluice_byte_source source{};
  sluice_status status = SLUICE_INTERNAL;
  bool threw = false;  // the plugin let an exception escape

  // 1.1 file calls: the deadline counts inactivity, not the whole call. While the host's own
  // callback runs (host_waits > 0: e.g. a chunk blocked by a full page queue) the deadline does
  // not run; each time a callback returns it starts again from `last_activity` (steady_clock
  // ticks). Left at their defaults (no callback), the deadline runs from the start of the call.
  std::atomic<int> host_waits{0};
  std::atomic<std::chrono::steady_clock::rep> last_activity{0};
};

// Marks the host's own work inside a call (a chunk callback) for CallWorker::run's deadline: from
// construction to destruction the deadline does not run; destruction restarts it.
class HostWait {
 public:
  explicit HostWait(CallState& state) noexcept : state_(state) { ++state_.host_waits; }
  ~HostWait() {
    state_.last_activity.store(std::chrono::steady_clock::now().time_since_epoch().count());
    --state_.host_waits;
  }
  HostWait(const HostWait&) = delete;
  HostWait& operator=(const HostWait&) = delete;

 private:
  CallState& state_;
};

// How many calls that outlived their deadline are still running in plugin code.
int calls_left_running() noexcept;

class CallWorker {
 public:
  enum class Outcome {
    kReturned,   // the call ran and returned: state->status (or state->threw) says how
    kDeadline,   // the call is still running after `deadline`; the worker is now abandoned
    kAbandoned,  // not called: an earlier call on this worker outlived its deadline
  };

  CallWorker() = default;
  // Stops and joins the thread; an abandoned worker's thread is detached instead (it ends if the
  // plugin ever returns).
  ~CallWorker();
  CallWorker(const CallWorker&) = delete;
  CallWorker& operator=(const CallWorker&) = delete;

  // Runs task(*state) on the worker's thread (started on first use) and waits up to `deadline`
  // for it, not counting time the call spends in the host's own callbacks (HostWait): the
  // deadline runs from the start of the call or the end of its last callback, whichever is later.
  // Meanwhile the job's cancellation (`job_cancelled`, may be null) is copied into
  // state->cancelled, checked at least every 50 ms; on expiry state->cancelled is set too, asking
  // the plugin to stop. One caller at a time.
  Outcome run(const std::shared_ptr<CallState>& state,
              std::function<sluice_status(CallState&)> task, std::chrono::milliseconds deadline,
              const std::atomic<bool>* job_cancelled);

  bool abandoned() const noexcept { return abandoned_; }

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable wake;      // the worker waits for a task or quit
    std::condition_variable finished;  // the caller waits for its task
    std::function<void()> task;
    bool quit = false;
    bool abandoned = false;  // the running task outlived its deadline
    uint64_t posted = 0;
    uint64_t completed = 0;
  };
  static void loop(std::shared_ptr<Shared> shared);

  std::shared_ptr<Shared> shared_;
  std::thread thread_;
  bool abandoned_ = false;
};

}  // namespace sluice::host
