// A file export as a Source (source.hpp): a producer thread asks a FileProducer for one file after
// another (a plugin's export_next_file, or the operator's file for the data loader), feeds each
// file's chunks to the reader of the export's `file` settings (formats/file_options.hpp) and cuts
// the records it hands out into flow pages of the export's pageSize, at most `queue_depth` pages
// ahead of the job's thread. Memory is bounded by those pages and the reader's longest record,
// never by the file: while the queue is full the producer blocks inside the chunk callback, so the
// plugin's next chunk waits too (backpressure).
//
// Pages never span files: the last flow page of a file ends a source page (SourcePage::
// ends_source_page, its state {"file":{"name","path","records","errors"}}), also when it is
// empty (a file without records). A file's pages are committed in order; once its last one is,
// the producer is told (FileProducer::file_committed, docs/files.md's protocol) with
// "errors" the number of the file's records that failed at any step: a plugin deletes the file
// only when that is 0. A test run (options.commit_files false) tells it nothing.
//
// Each record is the record as the reader produced it; the file it came from is its page's
// SourcePage::file ({"fileName","path","size"}, what is known of the file when the page was cut:
// from the first page when the producer names the file before its bytes, else from its last)
// — integrator.io passes it beside the records, preSavePage's `files[i].fileMeta`, never inside
// them.
//
// A record the reader cannot read (RecordSink::bad_record) is a failed record of its page, with
// the reader's message and as retry data what is known of it (the error's details, else {}):
// counted as exported and as an error. A file the reader cannot finish, or that the producer
// fails to deliver, fails the source (next() returns the error, naming the file and where) after
// the pages of the file already cut; that file is never committed, so a plugin keeps it.
//
// file.output "metadata": one record per file, {"name","size","path"}, its bytes read and dropped.
//
// Threading: next(), committed(), stop() from the job's thread. The producer's calls never overlap
// (file_committed is made between two files, never during one: a plugin's calls on one export
// take turns, and a commit must not wait for a file the full queue holds back).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/json/value.hpp>

#include "plugins/connector_client.hpp"
#include "runtime/page_queue.hpp"
#include "runtime/source.hpp"
#include "sluice/result.hpp"
#include "sluice/support/formats/stream.hpp"

namespace sluice::runtime {

// What a producer knows of a file: from the plugin's export_next_file result
// {"name","size","done","path"}, or the local file.
struct FileInfo {
  std::string name;  // without folder; empty when there was no file
  std::string path;  // where it is (a server path, a local path)
  std::optional<int64_t> size;
  bool done = true;      // no file after this one
  bool no_file = false;  // nothing was delivered ({"done":true} alone)
};

// Parses export_next_file's result text; kInternal naming `plugin_id` when it is not that shape.
Result<FileInfo> parse_file_info(std::string_view result_json, std::string_view plugin_id);

// Where a FileSource's files come from. Used from one thread at a time.
class FileProducer {
 public:
  virtual ~FileProducer() = default;
  // Delivers the next file's bytes to `on_chunk` (a failure from it stops the file: the producer
  // then returns that failure or kCancelled) and returns what it knows of the file.
  virtual Result<FileInfo> next_file(
      const std::function<Result<void>(std::string_view)>& on_chunk) = 0;
  // The file's records are processed and committed; `state_json` is
  // {"file":{"name","path","records","errors"}}.
  virtual Result<void> file_committed(const std::string& state_json) = 0;
  // What is known of the next file before its bytes (a local file) or, during next_file, before
  // its first chunk (a plugin that named its file first: plugin.h, export_next_file); else
  // nullopt (the file is named only when next_file returns).
  virtual std::optional<FileInfo> upcoming() { return std::nullopt; }
};

// The files of an opened plugin export (export_next_file; file_committed is export_page_committed).
// `plugin_id` names the plugin in messages about malformed results.
std::unique_ptr<FileProducer> remote_file_producer(std::unique_ptr<host::RemoteExport> exp,
                                                   std::string plugin_id);

// The reader of one file, handing its records to `sink` (formats::make_reader with the export's
// FileOptions, or a test's reader).
using ReaderFactory = std::function<Result<std::unique_ptr<support::formats::Reader>>(
    const std::string& file_name, support::formats::RecordSink& sink)>;

struct FileSourceOptions {
  std::string export_id;  // the step id of the errors of bad records
  std::string export_name;
  size_t page_size = 20;
  size_t queue_depth = 2;
  bool metadata = false;      // file.output "metadata"
  bool commit_files = true;   // false: a test run, whose files stay as they are
  int64_t record_limit = 0;   // > 0: stop after that many records (type "test")
  ReaderFactory make_reader;  // unused with metadata
  const std::atomic<bool>* cancelled = nullptr;
};

class FileSource : public Source {
 public:
  // Starts the producer at once.
  FileSource(std::unique_ptr<FileProducer> producer, FileSourceOptions options);
  // Stops and joins the producer (a file in the middle of its bytes is told to stop).
  ~FileSource() override;

  Result<std::optional<SourcePage>> next() override;
  Result<void> committed(const SourcePage& page) override;
  void stop() override;
  const Cursor& cursor() const override { return cursor_; }
  const boost::json::value& delta_state() const override { return delta_; }

  // Records handed out so far, bad ones included, and files whose commit was sent.
  int64_t records_handed_out() const { return handed_out_.load(); }
  int64_t files_committed() const { return files_committed_.load(); }

 private:
  class PageCutter;
  struct Item {
    std::optional<SourcePage> page;
    Error error;  // when !page
  };
  bool stopping() const {
    return stop_.load() || (options_.cancelled != nullptr && options_.cancelled->load());
  }
  void produce();
  Result<void> produce_file(int64_t index, bool& done);
  // Sends the queued file commits when no producer call is running; see the threading note.
  void send_commits();

  std::unique_ptr<FileProducer> producer_;
  FileSourceOptions options_;
  Cursor cursor_;
  boost::json::value delta_;  // always null: a file export keeps no delta state
  PageQueue<Item> queue_;
  std::atomic<bool> stop_{false};
  bool ended_ = false;
  std::atomic<int64_t> handed_out_{0};  // by the producer
  int64_t file_errors_ = 0;  // failed records of the file whose pages are being committed
  std::atomic<int64_t> files_committed_{0};

  // Commits waiting for the producer's current call to end.
  std::mutex commits_mutex_;
  std::condition_variable commits_idle_;
  std::deque<std::string> commits_;
  bool calling_ = false;  // a producer call (next_file or file_committed) is running
  std::optional<Error> commit_error_;

  std::thread thread_;
};

}  // namespace sluice::runtime
