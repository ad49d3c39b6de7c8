// The SpiderMonkey context of one thread (internal to sluice_script). SpiderMonkey allows one
// JSContext per thread, so every ScriptEngine created on a thread shares that thread's context;
// the context is created by the first engine and destroyed with the last one.
//
// Also owns the watchdog: a thread that requests SpiderMonkey's interrupt callback when the call
// in progress passes its deadline. The interrupt callback, which runs on the script's thread,
// decides by itself whether the deadline has passed, so a late request never stops a later call.
//
// Thread contract: every member except the watchdog's internals is called on the owning thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sluice/result.hpp"

#include <js/GCAPI.h>

struct JSContext;

namespace sluice::script::detail {

class JsThread {
 public:
  // The context of the calling thread, created when none exists (JS_Init runs once per process
  // before the first one). Fails when SpiderMonkey cannot start.
  static Result<std::shared_ptr<JsThread>> acquire(uint64_t heap_limit_bytes);

  ~JsThread();
  JsThread(const JsThread&) = delete;
  JsThread& operator=(const JsThread&) = delete;

  JSContext* cx() const { return cx_; }

  // Brackets one budgeted piece of work: begin_call(limit) arms the watchdog and sets the heap
  // limit; end_call() disarms it. Calls nest (a console callback never starts a call, but the
  // bookkeeping is safe if one does): only the outermost pair arms and disarms.
  void begin_call(uint32_t time_limit_ms, uint64_t heap_limit_bytes);
  void end_call();

  // Counts the JSON text that crossed into and out of JavaScript. The strings and arrays made
  // for it live in malloc'd memory that SpiderMonkey frees only when it collects, and its own
  // pacing lets that grow with the number of calls (peak RSS 107 MB at 100k records, 167 MB at
  // 1M in sluice-bench-script); collecting after every kCollectEveryBridgedBytes keeps memory
  // flat (70 MB at both) at the cost of one full GC per ~70k records of 450 bytes.
  void note_bridged(size_t bytes) { bridged_bytes_ += bytes; }
  static constexpr size_t kCollectEveryBridgedBytes = size_t{32} << 20;

  // What stopped the last call, as seen by the callbacks: the deadline passed (the interrupt
  // callback ended the script), or SpiderMonkey reported out of memory.
  bool timed_out() const { return timed_out_; }
  bool out_of_memory() const { return out_of_memory_.load(); }

 private:
  JsThread() = default;
  static bool on_interrupt(JSContext* cx);
  static void on_out_of_memory(JSContext* cx, void* data);
  static void on_gc(JSContext* cx, JSGCStatus status, JS::GCReason reason, void* data);
  void watchdog_loop();

  JSContext* cx_ = nullptr;
  int depth_ = 0;
  size_t bridged_bytes_ = 0;
  std::atomic<uint64_t> heap_limit_in_force_{0};
  bool timed_out_ = false;
  std::atomic<bool> out_of_memory_{false};  // also set by the watchdog

  // Deadline of the call in progress in steady_clock nanoseconds, 0 when none.
  std::atomic<int64_t> deadline_ns_{0};
  // The time the watchdog sleeps towards (INT64_MAX when idle).
  std::atomic<int64_t> watchdog_target_ns_{INT64_MAX};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mutex_
  std::thread watchdog_;
};

int64_t steady_now_ns();

}  // namespace sluice::script::detail
