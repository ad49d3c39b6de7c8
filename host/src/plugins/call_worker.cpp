#include "plugins/call_worker.hpp"

#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <iostream>
#include <mutex>

namespace sluice::host {

namespace {

std::atomic<int> g_calls_left_running{0};

// Runs before the static destructors registered until then (exit handlers run in reverse order
// of registration, and this one is registered at the first abandoned call).
void exit_without_destructors_if_calls_run(int status, void*) {
  if (g_calls_left_running.load() == 0) return;
  std::cout.flush();
  std::cerr.flush();
  ::fflush(nullptr);
  ::_Exit(status);
}

void on_first_abandoned_call() {
  static std::once_flag once;
  std::call_once(once, [] { ::on_exit(&exit_without_destructors_if_calls_run, nullptr); });
}

}  // namespace

int calls_left_running() noexcept { return g_calls_left_running.load(); }

CallWorker::~CallWorker() {
  if (!thread_.joinable()) return;
  if (abandoned_) {
    thread_.detach();
    return;
  }
  {
    std::lock_guard lock(shared_->mutex);
    shared_->quit = true;
  }
  shared_->wake.notify_one();
  thread_.join();
}

void CallWorker::loop(std::shared_ptr<Shared> shared) {
  std::unique_lock lock(shared->mutex);
  while (true) {
    shared->wake.wait(lock, [&] { return shared->quit || shared->task; });
    if (!shared->task) return;  // quit with nothing left to run
    std::function<void()> task = std::move(shared->task);
    shared->task = nullptr;
    lock.unlock();
    task();
    task = nullptr;
    lock.lock();
    if (shared->abandoned) {
      shared->abandoned = false;
      --g_calls_left_running;
    }
    ++shared->completed;
    shared->finished.notify_all();
  }
}

CallWorker::Outcome CallWorker::run(const std::shared_ptr<CallState>& state,
                                    std::function<sluice_status(CallState&)> task,
                                    std::chrono::milliseconds deadline,
                                    const std::atomic<bool>* job_cancelled) {
  using Clock = std::chrono::steady_clock;
  if (abandoned_) return Outcome::kAbandoned;
  if (!thread_.joinable()) {
    shared_ = std::make_shared<Shared>();
    thread_ = std::thread(&CallWorker::loop, shared_);
  }
  const auto copy_cancellation = [&] {
    if (job_cancelled != nullptr && job_cancelled->load(std::memory_order_relaxed)) {
      state->cancelled.store(true, std::memory_order_relaxed);
    }
  };
  copy_cancellation();
  const Clock::time_point until = Clock::now() + deadline;
  std::unique_lock lock(shared_->mutex);
  shared_->task = [state, task = std::move(task)] {
    try {
      state->status = task(*state);
    } catch (...) {
      state->threw = true;
    }
  };
  const uint64_t mine = ++shared_->posted;
  shared_->wake.notify_one();
  while (shared_->completed < mine) {
    const Clock::time_point now = Clock::now();
    const Clock::time_point active{Clock::duration(state->last_activity.load())};
    const Clock::time_point expiry = std::max(until, active + deadline);
    if (now >= expiry && state->host_waits.load() == 0) {
      abandoned_ = true;
      shared_->abandoned = true;
      shared_->quit = true;  // the thread ends once the plugin returns, if it ever does
      ++g_calls_left_running;
      on_first_abandoned_call();
      state->cancelled.store(true, std::memory_order_relaxed);
      return Outcome::kDeadline;
    }
    shared_->finished.wait_for(lock, std::clamp<Clock::duration>(expiry - now, Clock::duration(1),
                                                                 std::chrono::milliseconds(50)));
    copy_cancellation();
  }
  return Outcome::kReturned;
}

}  // namespace sluice::host
