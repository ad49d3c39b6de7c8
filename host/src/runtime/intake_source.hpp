// The source of a webhook listener (adaptorType "WebhookExport", docs/serve.md "Webhooks"): its
// pages are the records the listener committed to the store's intake queue, oldest first, one
// flow page of up to `page_size` records per read, until a read finds fewer (the queue is
// drained for now).
//
// Exactly once: each page is its own source page, whose position is the seq of its last record.
// The job recorder stores that position in the job's checkpoint when the page is confirmed (in
// the same transaction as its counts and errors); committed() then removes the page's records
// from the queue. A crash between the two leaves them queued, and the resumed job (RunOptions::
// resume, which the intake worker uses) starts past its checkpoint's position, removing them
// first, so no record reaches the steps twice; a fresh job (no checkpoint) starts at the
// oldest queued record.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "runtime/source.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

struct IntakeSourceOptions {
  std::string export_id;
  size_t page_size = 20;
  const std::atomic<bool>* cancelled = nullptr;  // the job's; no page is read once it is set
};

class IntakeSource : public Source {
 public:
  // `store` must outlive the source. `start`: the resumed job's cursor (its position the seq
  // confirmed last), or a fresh one.
  IntakeSource(host::Store& store, IntakeSourceOptions options, Cursor start);

  Result<std::optional<SourcePage>> next() override;
  Result<void> committed(const SourcePage& page) override;
  void stop() override { stopped_ = true; }
  const Cursor& cursor() const override { return cursor_; }
  const boost::json::value& delta_state() const override { return delta_; }

 private:
  host::Store& store_;
  IntakeSourceOptions options_;
  Cursor cursor_;
  boost::json::value delta_;
  int64_t after_ = 0;  // the seq of the last record handed out
  bool removed_start_ = false;
  bool drained_ = false;
  bool stopped_ = false;
};

}  // namespace sluice::runtime
