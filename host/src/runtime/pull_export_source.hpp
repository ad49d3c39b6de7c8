// The pull export as a Source (source.hpp): a producer thread asks the plugin for pages
// (RemoteExport::next_page) and parses each into a PageSource, at most `queue_depth` ahead of the
// job's thread; next() cuts them into flow pages of the export's pageSize, dropping the records a
// resumed job's predecessor confirmed (Cursor::to_skip) and, for a test export, everything past
// the record limit.
//
// Retries: a page that fails with a retryable status (kTransient, kRateLimited) is asked for again
// up to `retries` more times, after `backoff`, doubling each time (a rate limit's retry-after when
// longer, at most 60 s), waking early for cancellation and stop(); then next() returns the error,
// saying how many attempts there were.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "plugins/connector_client.hpp"
#include "runtime/page_queue.hpp"
#include "runtime/source.hpp"

namespace sluice::runtime {

struct PullExportOptions {
  std::string export_id;
  std::string plugin_id;  // for messages about malformed pages
  size_t page_size = 20;  // records per flow page
  size_t queue_depth = 2;
  int retries = 3;
  std::chrono::milliseconds backoff{500};
  int64_t record_limit = 0;  // > 0: stop after that many records (type "test", test.limit)
  const std::atomic<bool>* cancelled = nullptr;
};

class PullExportSource : public Source {
 public:
  // Starts the producer at once. `exp` is the opened export; `start` the cursor to continue from.
  PullExportSource(std::unique_ptr<host::RemoteExport> exp, PullExportOptions options,
                   Cursor start);
  // Stops and joins the producer, then closes the export.
  ~PullExportSource() override;

  Result<std::optional<SourcePage>> next() override;
  Result<void> committed(const SourcePage& page) override;
  void stop() override;
  const Cursor& cursor() const override { return cursor_; }
  const boost::json::value& delta_state() const override { return delta_; }

 private:
  struct Fetched {
    std::shared_ptr<PageSource> page;  // nullptr when failed
    Error error;
  };
  bool cancelled() const { return options_.cancelled != nullptr && options_.cancelled->load(); }
  Result<std::string> next_page_with_retries();
  void produce();
  // Takes the next plugin page from the queue into current_; false at the end.
  Result<bool> take_page();

  std::unique_ptr<host::RemoteExport> exp_;
  PullExportOptions options_;
  Cursor cursor_;
  boost::json::value delta_;
  PageQueue<Fetched> queue_;
  // Set once the steps read a record: the pages after are parsed whole on the producer's thread
  // (page.hpp ReadHint).
  ReadHint records_read_ = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> stop_{false};
  std::thread producer_;
  // The plugin page being cut into flow pages.
  std::shared_ptr<PageSource> current_;
  size_t next_record_ = 0;  // in current_'s records
  bool current_commit_ = true;
  bool current_last_ = false;
  boost::json::value current_position_, current_state_;
  bool ended_ = false;
  int64_t handed_out_ = 0;  // records handed out (for record_limit)
};

}  // namespace sluice::runtime
