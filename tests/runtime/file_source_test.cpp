// Specifies the FileSource (runtime/file_source.hpp) alone: a fake producer in the test hands it
// files in chunks (as a plugin's export_next_file would) and a JSON-lines reader of the test's
// reads them; the test plays the job's thread (next(), then committed() once a page is "done").
// Pages of pageSize that never span files, bad records as failed records of their page (counted),
// the file's commit after its last page with its errors, none for a file that failed or a test
// run, memory bounded by the queue (backpressure on the producer's chunks), file.output metadata,
// and the data loader's local file; and the formats library's readers that
// file_source_readers.hpp picks.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "runtime/file_source.hpp"
#include "runtime/file_source_readers.hpp"
#include "runtime/local_file_producer.hpp"
#include "temp_dir.hpp"

namespace sluice::runtime {
namespace {

namespace json = boost::json;
namespace formats = support::formats;

// JSON lines, streaming: a line that is not JSON is a bad record; a line "FATAL" fails write();
// bytes after the last newline fail finish() (a truncated file).
class JsonLinesReader : public formats::Reader {
 public:
  JsonLinesReader(std::string file, formats::RecordSink& sink)
      : file_(std::move(file)), sink_(sink) {}
  Result<void> write(std::string_view bytes) override {
    pending_.append(bytes);
    size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      ++line_;
      formats::Origin where{file_, ++record_, line_, 1};
      if (line == "FATAL") {
        return make_error(Status::kRemoteError, fmt_where("cannot go on after this line"));
      }
      json::error_code ec;
      json::value v = json::parse(line, ec);
      if (ec) {
        Error e = make_error(Status::kRemoteError, fmt_where("not JSON"));
        e.details = json::object{{"line", line_}, {"text", line}};
        if (auto r = sink_.bad_record(std::move(e), where); !r) return r;
        continue;
      }
      if (auto r = sink_.record(std::move(v), where); !r) return r;
    }
    return {};
  }
  Result<void> finish() override {
    if (!pending_.empty()) {
      return make_error(Status::kRemoteError,
                        file_ + ": ends in the middle of line " + std::to_string(line_ + 1));
    }
    return {};
  }

 private:
  std::string fmt_where(const std::string& what) const {
    return file_ + ", line " + std::to_string(line_) + ": " + what;
  }
  std::string file_;
  formats::RecordSink& sink_;
  std::string pending_;
  uint64_t line_ = 0, record_ = 0;
};

ReaderFactory json_lines() {
  return [](const std::string& name,
            formats::RecordSink& sink) -> Result<std::unique_ptr<formats::Reader>> {
    return std::unique_ptr<formats::Reader>(std::make_unique<JsonLinesReader>(name, sink));
  };
}

struct FakeFile {
  std::string name;
  std::string bytes;
  size_t chunk = 7;               // bytes per chunk: records split anywhere
  bool fail_after_bytes = false;  // the transfer fails once the bytes are delivered
};

// Hands out `files` in order, one per next_file, as a plugin would (its name only at the end,
// unless `announce`), and records what it was told. Checks that its calls never overlap.
class FakeProducer : public FileProducer {
 public:
  explicit FakeProducer(std::vector<FakeFile> files, bool announce = false)
      : files_(std::move(files)), announce_(announce) {}

  Result<FileInfo> next_file(
      const std::function<Result<void>(std::string_view)>& on_chunk) override {
    enter();
    auto out = deliver(on_chunk);
    {
      std::lock_guard lock(mutex_);
      ++files_delivered_;
      in_call_ = false;
    }
    changed_.notify_all();
    return out;
  }
  Result<void> file_committed(const std::string& state_json) override {
    enter();
    std::lock_guard lock(mutex_);
    commits_.push_back(json::parse(state_json));
    in_call_ = false;
    changed_.notify_all();
    return {};
  }
  std::optional<FileInfo> upcoming() override {
    if (!announce_ || next_ >= files_.size()) return std::nullopt;
    return info(next_);
  }

  std::vector<json::value> commits() {
    std::lock_guard lock(mutex_);
    return commits_;
  }
  size_t bytes_delivered() const { return bytes_delivered_->load(); }
  // The same count, readable after the producer is gone.
  std::shared_ptr<const std::atomic<size_t>> bytes_counter() const { return bytes_delivered_; }
  bool overlapped() const { return overlapped_.load(); }
  // Waits (bounded) until `files` files were delivered completely.
  bool wait_files(size_t files) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20),
                             [&] { return files_delivered_ >= files; });
  }
  bool wait_bytes(size_t bytes) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20),
                             [&] { return bytes_delivered_->load() >= bytes; });
  }

 private:
  void enter() {
    std::lock_guard lock(mutex_);
    if (in_call_) overlapped_ = true;
    in_call_ = true;
  }
  FileInfo info(size_t i) const {
    FileInfo info;
    info.name = files_[i].name;
    info.path = "/in/" + files_[i].name;
    info.size = static_cast<int64_t>(files_[i].bytes.size());
    info.done = i + 1 == files_.size();
    return info;
  }
  Result<FileInfo> deliver(const std::function<Result<void>(std::string_view)>& on_chunk) {
    if (next_ >= files_.size()) {
      FileInfo none;
      none.no_file = true;
      return none;
    }
    const size_t i = next_++;
    const FakeFile& f = files_[i];
    for (size_t at = 0; at < f.bytes.size(); at += f.chunk) {
      if (auto r = on_chunk(std::string_view(f.bytes).substr(at, f.chunk)); !r) {
        return make_error(Status::kCancelled, "the host stopped the transfer");
      }
      *bytes_delivered_ += std::min(f.chunk, f.bytes.size() - at);
      changed_.notify_all();
    }
    if (f.fail_after_bytes) {
      return make_error(Status::kTransient, "connection reset while reading " + f.name);
    }
    return info(i);
  }

  std::vector<FakeFile> files_;
  bool announce_;
  size_t next_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool in_call_ = false;
  std::atomic<bool> overlapped_{false};
  std::shared_ptr<std::atomic<size_t>> bytes_delivered_ = std::make_shared<std::atomic<size_t>>(0);
  size_t files_delivered_ = 0;
  std::vector<json::value> commits_;
};

std::string lines(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "{\"n\":" + std::to_string(i) + "}\n";
  return out;
}

FileSourceOptions options(size_t page_size) {
  FileSourceOptions o;
  o.export_id = "files";
  o.export_name = "Files";
  o.page_size = page_size;
  o.make_reader = json_lines();
  return o;
}

std::string ns(const Page& page) {
  std::string out;
  for (size_t i = 0; i < page.size(); ++i) {
    if (!out.empty()) out += ',';
    const json::value* n =
        page.record(i).is_object() ? page.record(i).get_object().if_contains("n") : nullptr;
    out += page.state(i) == RecordState::kFailed ? std::string("!")
           : n != nullptr                        ? json::serialize(*n)
                                                 : json::serialize(page.record(i));
  }
  return out;
}

// Drains the source, committing every page as it comes; returns each page's records.
std::vector<std::string> drain(FileSource& source, std::vector<SourcePage>* kept = nullptr) {
  std::vector<std::string> out;
  for (int guard = 0; guard < 10000; ++guard) {
    auto next = source.next();
    EXPECT_TRUE(next) << next.error().message;
    if (!next || !*next) break;
    out.push_back(ns((*next)->page));
    EXPECT_TRUE(source.committed(**next));
    if (kept != nullptr) kept->push_back(std::move(**next));
  }
  return out;
}

TEST(FileSource, CutsAFilesRecordsIntoPagesOfPageSizeAndEndsTheFileWithItsState) {
  auto producer = std::make_unique<FakeProducer>(std::vector<FakeFile>{{"a.jsonl", lines(1, 5)}});
  FileSource source(std::move(producer), options(2));
  std::vector<SourcePage> pages;
  EXPECT_EQ(drain(source, &pages), (std::vector<std::string>{"1,2", "3,4", "5"}));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_FALSE(pages[0].ends_source_page);
  EXPECT_FALSE(pages[1].last);
  EXPECT_TRUE(pages[2].ends_source_page);
  EXPECT_TRUE(pages[2].last);
  EXPECT_EQ(pages[2].records, 1u);
  EXPECT_EQ(json::serialize(pages[2].state),
            R"({"file":{"name":"a.jsonl","path":"/in/a.jsonl","records":5,"errors":0}})");
  // A plugin names its file once its bytes are delivered: the last page knows it.
  EXPECT_EQ(json::serialize(pages[2].file),
            R"({"fileName":"a.jsonl","path":"/in/a.jsonl","size":40})");
  EXPECT_EQ(source.cursor().export_records, 5);
}

TEST(FileSource, ARecordKnowsItsFileOnEveryPageWhenTheProducerNamesItFirst) {
  auto producer =
      std::make_unique<FakeProducer>(std::vector<FakeFile>{{"a.jsonl", lines(1, 3)}}, true);
  FileSource source(std::move(producer), options(2));
  std::vector<SourcePage> pages;
  drain(source, &pages);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(json::serialize(pages[0].file),
            R"({"fileName":"a.jsonl","path":"/in/a.jsonl","size":24})");
  EXPECT_EQ(pages[1].file, pages[0].file);
}

TEST(FileSource, PagesNeverSpanFilesAndEachFileIsCommittedAfterItsLastPage) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", lines(1, 3)}, {"b.jsonl", lines(4, 5)}});
  FakeProducer& fake = *producer;
  FileSource source(std::move(producer), options(2));
  std::vector<std::string> seen;
  std::vector<size_t> commits_after_page;
  for (int guard = 0; guard < 100; ++guard) {
    auto next = source.next();
    ASSERT_TRUE(next) << next.error().message;
    if (!*next) break;
    seen.push_back(ns((*next)->page));
    ASSERT_TRUE(source.committed(**next));
    commits_after_page.push_back(fake.commits().size());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"1,2", "3", "4,5"}));
  ASSERT_TRUE(fake.wait_files(2));
  const auto commits = fake.commits();
  ASSERT_EQ(commits.size(), 2u);
  EXPECT_EQ(json::serialize(commits[0]),
            R"({"file":{"name":"a.jsonl","path":"/in/a.jsonl","records":3,"errors":0}})");
  EXPECT_EQ(json::serialize(commits[1]),
            R"({"file":{"name":"b.jsonl","path":"/in/b.jsonl","records":2,"errors":0}})");
  EXPECT_EQ(commits_after_page.front(), 0u);  // not after the first page of a.jsonl
  EXPECT_EQ(commits_after_page.back(), 2u);
  EXPECT_FALSE(fake.overlapped());
}

TEST(FileSource, ABadRecordIsAFailedRecordOfItsPageCountedAsExportedAndInTheFilesErrors) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", "{\"n\":1}\nnot json\n{\"n\":3}\n{\"n\":4}\n"}});
  FakeProducer& fake = *producer;
  FileSource source(std::move(producer), options(3));
  auto first = source.next();
  ASSERT_TRUE(first && *first);
  Page& page = (*first)->page;
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ((*first)->records, 3u);
  EXPECT_EQ(page.state(1), RecordState::kFailed);
  ASSERT_NE(page.error(1), nullptr);
  EXPECT_EQ(page.error(1)->step_id, "files");
  EXPECT_EQ(page.error(1)->code, "bad_record");
  EXPECT_EQ(page.error(1)->message, "file 1 of export Files, line 2: not JSON");
  EXPECT_EQ(json::serialize(page.error(1)->retry_data), R"({"line":2,"text":"not json"})");
  EXPECT_EQ(page.count(RecordState::kAlive) + page.count(RecordState::kFailed), 3u);
  // A step fails record 3 too: the file's commit counts both.
  page.fail(2, "sink", "rejected", "the sink said no");
  ASSERT_TRUE(source.committed(**first));
  auto second = source.next();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ(ns((*second)->page), "4");
  ASSERT_TRUE(source.committed(**second));
  const auto commits = fake.commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(json::serialize(commits[0]),
            R"({"file":{"name":"a.jsonl","path":"/in/a.jsonl","records":4,"errors":2}})");
}

TEST(FileSource, AFileTheReaderCannotFinishFailsTheSourceAfterItsPagesAndIsNeverCommitted) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", lines(1, 3) + "{\"n\":"}, {"b.jsonl", lines(4, 4)}});
  FakeProducer& fake = *producer;
  FileSource source(std::move(producer), options(2));
  auto first = source.next();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(ns((*first)->page), "1,2");
  ASSERT_TRUE(source.committed(**first));
  auto second = source.next();  // record 3 was cut before the reader failed: it is handed out
  ASSERT_TRUE(second && *second);
  EXPECT_EQ(ns((*second)->page), "3");
  EXPECT_FALSE((*second)->ends_source_page);
  ASSERT_TRUE(source.committed(**second));
  auto failed = source.next();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message,
            "export Files: file a.jsonl (/in/a.jsonl) could not be read to its end: file 1 of "
            "export Files: ends in the middle of line 4; its records so far were processed, the "
            "file stays where it is");
  auto after = source.next();
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);
  EXPECT_TRUE(fake.commits().empty());
  EXPECT_EQ(source.cursor().export_records, 3);
}

TEST(FileSource, AReaderThatCannotGoOnFailsTheFileNamingWhere) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", lines(1, 1) + "FATAL\n" + lines(3, 3)}});
  FakeProducer& fake = *producer;
  FileSource source(std::move(producer), options(5));
  auto first = source.next();  // what the reader read before it failed goes on
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(ns((*first)->page), "1");
  EXPECT_FALSE((*first)->ends_source_page);
  auto failed = source.next();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message,
            "export Files: file a.jsonl (/in/a.jsonl) could not be read: file 1 of export Files, "
            "line 2: cannot go on after this line; its records so far were processed, the file "
            "stays where it is");
  EXPECT_TRUE(fake.commits().empty());
}

TEST(FileSource, AFailedTransferFailsTheSourceWithTheProducersError) {
  FakeFile broken{"a.jsonl", lines(1, 2)};
  broken.fail_after_bytes = true;
  FileSource source(std::make_unique<FakeProducer>(std::vector<FakeFile>{broken}), options(5));
  auto failed = source.next();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().status, Status::kTransient);
  EXPECT_EQ(failed.error().message, "connection reset while reading a.jsonl");
}

TEST(FileSource, AnEmptyFileIsOneEmptyPageThatCommitsIt) {
  auto producer = std::make_unique<FakeProducer>(std::vector<FakeFile>{{"empty.jsonl", ""}});
  FakeProducer& fake = *producer;
  FileSource source(std::move(producer), options(5));
  std::vector<SourcePage> pages;
  EXPECT_EQ(drain(source, &pages), (std::vector<std::string>{""}));
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].records, 0u);
  EXPECT_TRUE(pages[0].ends_source_page);
  ASSERT_EQ(fake.commits().size(), 1u);
  EXPECT_EQ(json::serialize(fake.commits()[0]),
            R"({"file":{"name":"empty.jsonl","path":"/in/empty.jsonl","records":0,"errors":0}})");
}

TEST(FileSource, ATestRunCommitsNoFileAndStopsAtItsRecordLimit) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", lines(1, 10)}, {"b.jsonl", lines(11, 12)}});
  FakeProducer& fake = *producer;
  FileSourceOptions o = options(2);
  o.commit_files = false;
  o.record_limit = 3;
  FileSource source(std::move(producer), o);
  std::vector<SourcePage> pages;
  EXPECT_EQ(drain(source, &pages), (std::vector<std::string>{"1,2", "3"}));
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_TRUE(pages[1].last);
  EXPECT_TRUE(pages[1].state.is_null());
  EXPECT_TRUE(fake.commits().empty());
}

TEST(FileSource, MetadataOutputIsOneRecordPerFile) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", lines(1, 10)}, {"b.csv", "x,y\n1,2\n"}});
  FakeProducer& fake = *producer;
  FileSourceOptions o = options(20);
  o.metadata = true;
  o.make_reader = nullptr;
  FileSource source(std::move(producer), o);
  std::vector<SourcePage> pages;
  drain(source, &pages);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(json::serialize(pages[0].page.record(0)),
            R"({"name":"a.jsonl","size":81,"path":"/in/a.jsonl"})");
  EXPECT_EQ(json::serialize(pages[1].page.record(0)),
            R"({"name":"b.csv","size":8,"path":"/in/b.csv"})");
  ASSERT_TRUE(fake.wait_files(2));
  EXPECT_EQ(fake.commits().size(), 2u);
}

// Memory: with pages of 4 records and a queue of 2, the producer is never more than a few pages
// ahead of what the job's thread took, however long the file: its chunks wait.
TEST(FileSource, TheProducersChunksWaitWhileTheQueueIsFull) {
  constexpr size_t kPage = 4, kDepth = 2;
  std::string bytes = lines(1, 900);  // 900 records of 10 bytes ({"n":1..9} are 8, ...)
  FakeFile big{"big.jsonl", bytes, 1};
  auto producer = std::make_unique<FakeProducer>(std::vector<FakeFile>{big});
  FakeProducer& fake = *producer;
  FileSourceOptions o = options(kPage);
  o.queue_depth = kDepth;
  FileSource source(std::move(producer), o);
  // The queue's pages, the page being cut and the one a push waits with: at most these records
  // (of at most 12 bytes each: {"n":900}\n) are read ahead of the pages taken.
  const auto bound = [&](size_t taken) { return (taken + kDepth + 2) * kPage * 12; };
  ASSERT_TRUE(fake.wait_bytes(kDepth * kPage * 8));
  size_t taken = 0, most_ahead = 0;
  for (int guard = 0; guard < 1000; ++guard) {
    const size_t delivered = fake.bytes_delivered();
    most_ahead = std::max(most_ahead, delivered);
    EXPECT_LE(delivered, bound(taken)) << "after " << taken << " pages";
    auto next = source.next();
    ASSERT_TRUE(next);
    if (!*next) break;
    ++taken;
    ASSERT_TRUE(source.committed(**next));
  }
  EXPECT_EQ(taken, 900 / kPage);
  EXPECT_EQ(fake.bytes_delivered(), bytes.size());
}

// A file's commit waits for the producer's call on the next file to end (a plugin's calls on one
// export never overlap) without blocking the job's thread, which must go on taking pages.
TEST(FileSource, ACommitDuringTheNextFilesTransferIsSentWhenThatTransferEnds) {
  auto producer = std::make_unique<FakeProducer>(
      std::vector<FakeFile>{{"a.jsonl", lines(1, 1)}, {"b.jsonl", lines(2, 200), 1}});
  FakeProducer& fake = *producer;
  FileSourceOptions o = options(1);
  o.queue_depth = 1;
  FileSource source(std::move(producer), o);
  auto first = source.next();
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE((*first)->ends_source_page);
  // b.jsonl is under way and blocked by the full queue; committing a.jsonl must not wait for it.
  ASSERT_TRUE(fake.wait_bytes(lines(1, 1).size() + 8));
  ASSERT_TRUE(source.committed(**first));
  EXPECT_TRUE(fake.commits().empty());
  EXPECT_EQ(drain(source).size(), 199u);
  ASSERT_TRUE(fake.wait_files(2));
  ASSERT_EQ(fake.commits().size(), 2u);
  EXPECT_EQ(fake.commits()[0].at("file").at("name"), "a.jsonl");
  EXPECT_FALSE(fake.overlapped());
}

TEST(FileSource, StoppingMidFileEndsTheTransferAndTheSource) {
  FakeFile big{"big.jsonl", lines(1, 500), 3};
  auto producer = std::make_unique<FakeProducer>(std::vector<FakeFile>{big});
  FakeProducer& fake = *producer;
  const auto delivered = fake.bytes_counter();
  auto source = std::make_unique<FileSource>(std::move(producer), options(2));
  auto first = source->next();
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE(source->committed(**first));
  source->stop();
  auto after = source->next();
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);
  EXPECT_TRUE(fake.commits().empty());
  source.reset();  // joins the producer (and destroys it), whose transfer was told to stop
  EXPECT_LT(delivered->load(), lines(1, 500).size());
}

TEST(ParseFileInfo, ReadsThePluginsResultAndRefusesAnythingElse) {
  auto info =
      parse_file_info(R"({"name":"a.csv","size":12,"done":false,"path":"/in/a.csv"})", "ftp");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->name, "a.csv");
  EXPECT_EQ(info->path, "/in/a.csv");
  EXPECT_EQ(info->size, 12);
  EXPECT_FALSE(info->done);
  auto none = parse_file_info(R"({"done":true})", "ftp");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->no_file);
  auto bad = parse_file_info(R"({"name":"a.csv"})", "ftp");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "plugin 'ftp' returned from export_next_file no boolean \"done\" (expected "
            "{\"name\":string,\"size\":int|null,\"done\":bool,\"path\":string}; a bug in the "
            "plugin)");
}

TEST(LocalFileProducer, DeliversTheFileInChunksNamedBeforeItsBytesThenNoMore) {
  testing::TempDir dir("sluice-local-file");
  const auto path = dir.path() / "orders.jsonl";
  std::ofstream(path) << lines(1, 3);
  auto producer = LocalFileProducer::open(path, 5);
  ASSERT_TRUE(producer) << producer.error().message;
  ASSERT_TRUE((*producer)->upcoming());
  EXPECT_EQ((*producer)->upcoming()->name, "orders.jsonl");
  std::string got;
  int chunks = 0;
  auto info = (*producer)->next_file([&](std::string_view c) -> Result<void> {
    got.append(c);
    ++chunks;
    return {};
  });
  ASSERT_TRUE(info);
  EXPECT_EQ(got, lines(1, 3));
  EXPECT_EQ(chunks, 5);  // 24 bytes in chunks of 5
  EXPECT_TRUE(info->done);
  EXPECT_EQ(info->size, 24);
  auto none = (*producer)->next_file([](std::string_view) -> Result<void> { return {}; });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->no_file);
}

TEST(LocalFileProducer, RefusesAPathThatIsNoFile) {
  testing::TempDir dir("sluice-local-file");
  auto missing = LocalFileProducer::open(dir.path() / "nope.csv");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "--data " + (dir.path() / "nope.csv").string() +
                                         ": no such file; give the path of the file to load");
  auto folder = LocalFileProducer::open(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().message, "--data " + dir.path().string() +
                                        ": not a regular file; give the path of the file "
                                        "to load");
}

// The formats library's readers (file_source_readers.hpp), through a FileSource over a local file.
std::vector<std::string> records_of(const std::string& file_json, const std::string& bytes,
                                    std::string* error = nullptr) {
  testing::TempDir dir("sluice-file-readers");
  const auto path = dir.path() / "data";
  std::ofstream(path, std::ios::binary) << bytes;
  auto settings = read_file_export_settings(json::parse(file_json).as_object(), "export x");
  EXPECT_TRUE(settings) << settings.error().message;
  if (!settings) return {};
  FileSourceOptions o = options(100);
  o.make_reader = settings->make_reader;
  o.metadata = settings->metadata;
  FileSource source(std::move(*LocalFileProducer::open(path)), o);
  std::vector<std::string> out;
  for (int guard = 0; guard < 100; ++guard) {
    auto next = source.next();
    if (!next) {
      if (error != nullptr) *error = next.error().message;
      break;
    }
    if (!*next) break;
    for (size_t i = 0; i < (*next)->page.size(); ++i) {
      out.push_back((*next)->page.state(i) == RecordState::kFailed
                        ? "!" + (*next)->page.error(i)->message
                        : json::serialize((*next)->page.record(i)));
    }
  }
  return out;
}

TEST(FileReaders, CsvWithItsOptions) {
  EXPECT_EQ(records_of(R"({"type":"csv","csv":{"columnDelimiter":";","trimSpaces":true}})",
                       "id;name\n1; Ada \n2;\"Grace; Hopper\"\n"),
            (std::vector<std::string>{R"({"id":"1","name":"Ada"})",
                                      R"({"id":"2","name":"Grace; Hopper"})"}));
  std::string error;
  EXPECT_TRUE(records_of(R"({"type":"csv"})", "a,b\n1,\"x\n", &error).empty());
  EXPECT_NE(error.find("export Files: file data ("), std::string::npos) << error;
}

TEST(FileReaders, JsonDocumentAtResourcePathOrJsonLines) {
  EXPECT_EQ(records_of(R"({"type":"json","json":{"resourcePath":"data.orders"}})",
                       R"({"data":{"orders":[{"id":1},{"id":2}]}})"),
            (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
  EXPECT_EQ(records_of(R"({"type":"json","json":{"jsonLines":true}})",
                       "{\"id\":1}\n\n{oops\n{\"id\":3}\n"),
            (std::vector<std::string>{R"({"id":1})",
                                      "!data line 3, column 2: the line is not valid JSON (syntax "
                                      "error); each line of a JSON lines file is one JSON object",
                                      R"({"id":3})"}));
  std::string error;
  // Two documents in a file that holds one: the first is read, then the file's error.
  EXPECT_EQ(records_of(R"({"type":"json"})", "{\"id\":1}\n{\"id\":2}\n", &error),
            (std::vector<std::string>{R"({"id":1})"}));
  EXPECT_EQ(error.rfind("export Files: file data (", 0), 0u) << error;
  EXPECT_NE(error.find("data line 2, column 1: more data after the end of the JSON document"),
            std::string::npos)
      << error;
}

TEST(FileReaders, RefusesWhatTheyCannotDo) {
  auto pgp = read_file_export_settings(json::parse(R"({"type":"csv","decrypt":"pgp"})").as_object(),
                                       "export x");
  ASSERT_FALSE(pgp);
  EXPECT_NE(pgp.error().message.find("not supported yet"), std::string::npos)
      << pgp.error().message;
}

}  // namespace
}  // namespace sluice::runtime
