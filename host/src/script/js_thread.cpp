#include "script/js_thread.hpp"

#include <pthread.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <js/Context.h>
#include <js/GCAPI.h>
#include <js/Initialization.h>
#include <js/Interrupt.h>
#include <js/MemoryCallbacks.h>
#include <js/Promise.h>
#include <js/Stack.h>
#include <jsapi.h>
#include <jsfriendapi.h>

namespace sluice::script::detail {

namespace {

// JS_Init once per process; JS_ShutDown is never called (SpiderMonkey may not be initialised
// twice, and the process ends soon after its last script anyway).
std::atomic<int> g_live_contexts{0};

const char* init_spidermonkey() {
  static const char* failure = [] {
    const char* result = JS_InitWithFailureDiagnostic();
    // SpiderMonkey's helper threads must be stopped before the library's own statics are
    // destroyed; skipped when an engine outlives main() (SpiderMonkey forbids it then).
    if (result == nullptr) {
      std::atexit([] {
        if (g_live_contexts.load() == 0) JS_ShutDown();
      });
    }
    return result;
  }();
  return failure;
}

// Native stack SpiderMonkey may use on this thread: half of the thread's stack, at most 1 MiB,
// so that deep recursion ends in "too much recursion" instead of a crash.
size_t native_stack_quota() {
  size_t size = 8u << 20;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
  }
  return std::min<size_t>(size / 2, 1u << 20);
}

thread_local std::weak_ptr<JsThread> t_thread;

}  // namespace

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<std::shared_ptr<JsThread>> JsThread::acquire(uint64_t heap_limit_bytes) {
  if (auto existing = t_thread.lock()) return existing;
  if (const char* failure = init_spidermonkey()) {
    return make_error(Status::kInternal,
                      std::string("the JavaScript engine (SpiderMonkey) cannot start: ") + failure);
  }
  std::shared_ptr<JsThread> thread(new JsThread());
  const auto max_bytes = static_cast<uint32_t>(std::min<uint64_t>(heap_limit_bytes, UINT32_MAX));
  thread->cx_ = JS_NewContext(max_bytes);
  if (thread->cx_ == nullptr) {
    return make_error(
        Status::kInternal,
        "the JavaScript engine (SpiderMonkey) cannot create a context (out of memory?)");
  }
  ++g_live_contexts;
  JSContext* cx = thread->cx_;
  JS_SetContextPrivate(cx, thread.get());
  JS_SetNativeStackQuota(cx, native_stack_quota());
  // The job queue must be set up before the self-hosted code (SpiderMonkey's embedding order).
  if (!js::UseInternalJobQueues(cx)) {
    return make_error(Status::kInternal,
                      "the JavaScript engine (SpiderMonkey) cannot set up its promise job queue");
  }
  if (!JS::InitSelfHostedCode(cx)) {
    return make_error(Status::kInternal,
                      "the JavaScript engine (SpiderMonkey) cannot initialise its built-ins");
  }
  JS_AddInterruptCallback(cx, &JsThread::on_interrupt);
  JS::SetOutOfMemoryCallback(cx, &JsThread::on_out_of_memory, thread.get());
  JS_SetGCParameter(cx, JSGC_MAX_BYTES, max_bytes);
  thread->heap_limit_in_force_ = max_bytes;
  JS_SetGCCallback(cx, &JsThread::on_gc, thread.get());
  thread->watchdog_ = std::thread([raw = thread.get()] { raw->watchdog_loop(); });
  t_thread = thread;
  return thread;
}

JsThread::~JsThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (watchdog_.joinable()) watchdog_.join();
  if (cx_ != nullptr) {
    JS_DestroyContext(cx_);
    --g_live_contexts;
  }
}

void JsThread::begin_call(uint32_t time_limit_ms, uint64_t heap_limit_bytes) {
  if (depth_++ > 0) return;
  timed_out_ = false;
  out_of_memory_ = false;
  const auto max_bytes = std::min<uint64_t>(heap_limit_bytes, UINT32_MAX);
  if (max_bytes != heap_limit_in_force_) {
    JS_SetGCParameter(cx_, JSGC_MAX_BYTES, static_cast<uint32_t>(max_bytes));
    heap_limit_in_force_ = max_bytes;
  }
  const int64_t deadline = steady_now_ns() + int64_t{time_limit_ms} * 1'000'000;
  deadline_ns_.store(deadline);
  // The watchdog re-reads the deadline before every wait (its wait predicate), so it is woken
  // only when it sleeps towards a later time than this call's deadline (or sleeps idle).
  if (deadline < watchdog_target_ns_.load()) {
    std::lock_guard lock(mutex_);
    wake_.notify_one();
  }
}

void JsThread::end_call() {
  if (--depth_ > 0) return;
  deadline_ns_.store(0);
  if (bridged_bytes_ >= kCollectEveryBridgedBytes) {
    bridged_bytes_ = 0;
    JS_GC(cx_);
  }
}

bool JsThread::on_interrupt(JSContext* cx) {
  auto* self = static_cast<JsThread*>(JS_GetContextPrivate(cx));
  if (self->out_of_memory_ && self->depth_ > 0) return false;
  const int64_t deadline = self->deadline_ns_.load();
  if (deadline != 0 && steady_now_ns() >= deadline) {
    self->timed_out_ = true;
    return false;  // ends the script; no exception, not catchable by the script
  }
  return true;
}

void JsThread::on_gc(JSContext* cx, JSGCStatus status, JS::GCReason, void* data) {
  auto* self = static_cast<JsThread*>(data);
  if (status != JSGC_END || self->depth_ == 0) return;
  // A full collection that leaves the heap within 10% of its limit: the script holds what it
  // allocated, and every further allocation would collect again (for minutes, near the limit)
  // before SpiderMonkey reports out of memory. Stop the script now instead.
  const uint64_t live = JS_GetGCParameter(cx, JSGC_BYTES);
  if (live >= self->heap_limit_in_force_ / 10 * 9) {
    self->out_of_memory_ = true;
    JS_RequestInterruptCallback(cx);
  }
}

void JsThread::on_out_of_memory(JSContext*, void* data) {
  static_cast<JsThread*>(data)->out_of_memory_ = true;
}

// Resident memory of the process, bytes (0 when unknown).
uint64_t resident_bytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int read = std::fscanf(file, "%lu %lu", &size, &resident);
  std::fclose(file);
  return read == 2 ? uint64_t{resident} * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void JsThread::watchdog_loop() {
  constexpr int64_t kMemoryPollNs = 20'000'000;
  int64_t baseline_deadline = 0;
  uint64_t baseline_resident = 0;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const int64_t deadline = deadline_ns_.load();
    const auto changed = [&] { return stop_ || deadline_ns_.load() != deadline; };
    if (deadline == 0) {
      watchdog_target_ns_.store(INT64_MAX);
      wake_.wait(lock, changed);
      continue;
    }
    // Memory outside the GC heap (ArrayBuffer contents, flattened huge strings) is not bounded
    // by JSGC_MAX_BYTES: a call during which the process grows by more than the heap limit is
    // stopped as over the heap limit.
    if (deadline != baseline_deadline) {
      baseline_deadline = deadline;
      baseline_resident = resident_bytes();
    } else if (const uint64_t resident = resident_bytes();
               baseline_resident != 0 && resident > baseline_resident &&
               resident - baseline_resident > heap_limit_in_force_.load() &&
               deadline_ns_.load() == deadline) {  // still the call that grew
      out_of_memory_.store(true);
      JS_RequestInterruptCallback(cx_);
    }
    const int64_t now = steady_now_ns();
    if (now >= deadline) {
      JS_RequestInterruptCallback(cx_);
      // Until the script's thread clears or moves the deadline, ask again every 10 ms (a script
      // inside a long native call, e.g. a huge regular expression, checks only when it returns).
      watchdog_target_ns_.store(now + 10'000'000);
      wake_.wait_for(lock, std::chrono::milliseconds(10), changed);
      continue;
    }
    const int64_t until = std::min(deadline, now + kMemoryPollNs);
    watchdog_target_ns_.store(until);
    wake_.wait_for(lock, std::chrono::nanoseconds(until - now), changed);
  }
}

}  // namespace sluice::script::detail
