#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace sluice::plugins::http {

namespace {

// What the workers hand to the calling thread, and the cancellation it mirrors to them.
struct Relay {
  struct Line {
    bool warning = false;
    LogLevel level = LogLevel::kInfo;
    std::string text;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Line> lines;
  size_t running = 0;
  std::atomic<bool> cancelled{false};

  void push(Line line) {
    {
      std::lock_guard lock(mutex);
      lines.push_back(std::move(line));
    }
    changed.notify_one();
  }
};

Relay& relay_of(sluice_call* call) { return *reinterpret_cast<Relay*>(call); }

void relay_log(sluice_call* call, int32_t level, sluice_str message) {
  try {
    relay_of(call).push(
        {false, static_cast<LogLevel>(level), std::string(message.ptr, message.len)});
  } catch (...) {
    // No memory for the line: it is dropped.
  }
}

void relay_warn(sluice_call* call, sluice_str message) {
  try {
    relay_of(call).push({true, LogLevel::kWarn, std::string(message.ptr, message.len)});
  } catch (...) {
  }
}

int32_t relay_cancelled(sluice_call* call) { return relay_of(call).cancelled ? 1 : 0; }

const sluice_host_api kRelayApi = [] {
  sluice_host_api api{};
  api.struct_size = sizeof api;
  api.log = &relay_log;
  api.is_cancelled = &relay_cancelled;
  api.warn = &relay_warn;
  return api;
}();

void deliver(Context& context, std::deque<Relay::Line>& lines) {
  for (const Relay::Line& line : lines) {
    if (line.warning) {
      context.warn(line.text);
    } else {
      context.log(line.level, line.text);
    }
  }
  lines.clear();
}

}  // namespace

// The worker's thread and what it shares with the owner: the Relay (lines, cancellation) and
// the job slot, under the relay's mutex.
struct BackgroundWorker::Shared {
  Relay relay;
  std::function<void(Context&)> job;  // set by start(), cleared by the thread when it is done
  const RunContext* run = nullptr;
  bool busy = false;  // started and not waited for
  bool quit = false;
  std::thread thread;

  void loop() {
    std::unique_lock lock(relay.mutex);
    for (;;) {
      relay.changed.wait(lock, [&] { return quit || job; });
      if (quit && !job) return;
      std::function<void(Context&)> current = std::move(job);
      const RunContext* current_run = run;
      lock.unlock();
      {
        Context worker(&kRelayApi, reinterpret_cast<sluice_call*>(&relay), current_run);
        try {
          current(worker);
        } catch (...) {
          // The job keeps its own errors (see start()); an escaping exception is dropped here
          // rather than ending the process.
        }
      }
      lock.lock();
      relay.running = 0;
      relay.changed.notify_all();
    }
  }
};

BackgroundWorker::BackgroundWorker() : shared_(std::make_shared<Shared>()) {}

BackgroundWorker::~BackgroundWorker() {
  {
    std::lock_guard lock(shared_->relay.mutex);
    shared_->quit = true;
    shared_->relay.cancelled = true;
  }
  shared_->relay.changed.notify_all();
  if (shared_->thread.joinable()) shared_->thread.join();
}

bool BackgroundWorker::start(const RunContext* run, std::function<void(Context&)> job) {
  std::unique_lock lock(shared_->relay.mutex);
  if (!shared_->thread.joinable()) {
    try {
      shared_->thread = std::thread([shared = shared_.get()] { shared->loop(); });
    } catch (const std::system_error&) {
      return false;
    }
  }
  shared_->relay.cancelled = false;
  shared_->relay.running = 1;
  shared_->run = run;
  shared_->job = std::move(job);
  shared_->busy = true;
  lock.unlock();
  shared_->relay.changed.notify_all();
  return true;
}

bool BackgroundWorker::busy() const noexcept { return shared_->busy; }

void BackgroundWorker::wait_until(Context& context, const std::function<bool()>& ready) {
  if (!shared_->busy) return;
  Relay& relay = shared_->relay;
  std::deque<Relay::Line> lines;
  for (;;) {
    bool finished = false, done = false;
    {
      std::unique_lock lock(relay.mutex);
      relay.changed.wait_for(lock, std::chrono::milliseconds(50),
                             [&] { return !relay.lines.empty() || relay.running == 0 || ready(); });
      lines.swap(relay.lines);
      finished = relay.running == 0;
      done = ready();
    }
    deliver(context, lines);
    if (context.cancelled()) relay.cancelled = true;
    if (finished) shared_->busy = false;
    if (finished || done) return;
  }
}

void BackgroundWorker::signal(const std::function<void()>& update) {
  {
    std::lock_guard lock(shared_->relay.mutex);
    update();
  }
  shared_->relay.changed.notify_all();
}

bool BackgroundWorker::job_wait(const std::function<bool()>& ready) {
  Relay& relay = shared_->relay;
  std::unique_lock lock(relay.mutex);
  relay.changed.wait(lock, [&] { return shared_->quit || relay.cancelled || ready(); });
  return !shared_->quit && !relay.cancelled;
}

void BackgroundWorker::wait(Context& context) {
  wait_until(context, [] { return false; });
}

Result<void> run_parallel(Context& context, size_t count, size_t workers, const ParallelJob& job) {
  workers = std::min(workers, count);
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) {
      if (auto done = job(context, i, 0); !done) return done.error();
    }
    return {};
  }
  Relay relay;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex errors_mutex;
  std::optional<std::pair<size_t, Error>> first_error;
  relay.running = workers;
  std::vector<std::thread> threads;
  threads.reserve(workers);
  const RunContext* run = context.run();
  const auto work = [&](size_t slot) {
    Context worker(&kRelayApi, reinterpret_cast<sluice_call*>(&relay), run);
    while (!stop) {
      const size_t i = next.fetch_add(1);
      if (i >= count) break;
      Result<void> done = [&]() -> Result<void> {
        try {
          return job(worker, i, slot);
        } catch (const std::exception& e) {
          return make_error(Status::kInternal, std::string("a request worker failed: ") + e.what());
        }
      }();
      if (!done) {
        std::lock_guard lock(errors_mutex);
        if (!first_error || i < first_error->first) first_error.emplace(i, done.error());
        stop = true;
      }
    }
    {
      std::lock_guard lock(relay.mutex);
      --relay.running;
    }
    relay.changed.notify_one();
  };
  for (size_t slot = 0; slot < workers; ++slot) {
    try {
      threads.emplace_back(work, slot);
    } catch (const std::system_error&) {
      // No more threads: those started do every job (none started: this one does them).
      std::lock_guard lock(relay.mutex);
      relay.running -= workers - slot;
      break;
    }
  }
  if (threads.empty()) {
    for (size_t i = 0; i < count; ++i) {
      if (auto done = job(context, i, 0); !done) return done.error();
    }
    return {};
  }
  std::deque<Relay::Line> lines;
  while (true) {
    bool finished = false;
    {
      std::unique_lock lock(relay.mutex);
      relay.changed.wait_for(lock, std::chrono::milliseconds(50),
                             [&] { return !relay.lines.empty() || relay.running == 0; });
      lines.swap(relay.lines);
      finished = relay.running == 0;  // its last lines are in `lines`, delivered below
    }
    deliver(context, lines);
    if (context.cancelled()) relay.cancelled = true;
    if (finished) break;
  }
  for (std::thread& thread : threads) thread.join();
  {
    std::lock_guard lock(relay.mutex);
    lines.swap(relay.lines);
  }
  deliver(context, lines);
  if (first_error) return first_error->second;
  return {};
}

}  // namespace sluice::plugins::http
