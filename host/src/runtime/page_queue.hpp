// A bounded blocking queue between a page producer (the export) and its consumer (the
// processors), so that the next page is fetched while the previous one is processed and memory
// holds at most `capacity` pages in flight. Hand-written (~40 lines): Boost.Fiber's channel
// would need fibers, and Boost.Lockfree's queues do not block.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace sluice::runtime {

template <class T>
class PageQueue {
 public:
  explicit PageQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Blocks while full. Returns false (dropping nothing the consumer will miss) once closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Blocks while empty; nullopt once closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  // Wakes both sides; pushes fail from now on, pops drain what is left.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  size_t capacity_;
  bool closed_ = false;
};

}  // namespace sluice::runtime
