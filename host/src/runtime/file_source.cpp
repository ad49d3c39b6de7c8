#include "runtime/file_source.hpp"

#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::runtime {

namespace json = boost::json;
namespace formats = support::formats;

Result<FileInfo> parse_file_info(std::string_view result_json, std::string_view plugin_id) {
  json::error_code ec;
  const json::value v = json::parse(result_json, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const auto bad = [&](std::string_view what) {
    return make_error(Status::kInternal,
                      fmt::format("plugin '{}' returned from export_next_file {} (expected "
                                  "{{\"name\":string,\"size\":int|null,\"done\":bool,"
                                  "\"path\":string}}; a bug in the plugin)",
                                  plugin_id, what));
  };
  if (o == nullptr) return bad("a result that is not a JSON object");
  FileInfo info;
  const json::value* done = o->if_contains("done");
  if (done == nullptr || !done->is_bool()) return bad("no boolean \"done\"");
  info.done = done->get_bool();
  const json::value* name = o->if_contains("name");
  if (name == nullptr || name->is_null()) {
    if (!info.done) return bad("no \"name\" but \"done\": false");
    info.no_file = true;
    return info;
  }
  if (!name->is_string() || name->get_string().empty()) return bad("a \"name\" that is not text");
  info.name = std::string(name->get_string());
  if (const json::value* path = o->if_contains("path"); path != nullptr && !path->is_null()) {
    if (!path->is_string()) return bad("a \"path\" that is not text");
    info.path = std::string(path->get_string());
  } else {
    info.path = info.name;
  }
  if (const json::value* size = o->if_contains("size"); size != nullptr && !size->is_null()) {
    if (!size->is_int64() && !size->is_uint64()) return bad("a \"size\" that is not an integer");
    info.size = size->to_number<int64_t>();
  }
  return info;
}

namespace {

class RemoteFileProducer : public FileProducer {
 public:
  RemoteFileProducer(std::unique_ptr<host::RemoteExport> exp, std::string plugin_id)
      : exp_(std::move(exp)), plugin_id_(std::move(plugin_id)) {}

  Result<FileInfo> next_file(
      const std::function<Result<void>(std::string_view)>& on_chunk) override {
    std::optional<Error> bad_announcement;
    auto text = exp_->next_file(on_chunk, [&](std::string_view so_far) -> Result<void> {
      if (so_far.empty()) return {};  // named only at the end
      auto info = parse_file_info(so_far, plugin_id_);
      if (!info) {
        bad_announcement = info.error();
        return info.error();
      }
      announced_ = std::move(*info);
      return {};
    });
    announced_.reset();
    if (bad_announcement) return *bad_announcement;
    if (!text) return text.error();
    return parse_file_info(*text, plugin_id_);
  }
  // During next_file, once the plugin has named its file before its first chunk.
  std::optional<FileInfo> upcoming() override { return announced_; }
  Result<void> file_committed(const std::string& state_json) override {
    return exp_->page_committed(state_json);
  }

 private:
  std::unique_ptr<host::RemoteExport> exp_;
  std::string plugin_id_;
  std::optional<FileInfo> announced_;
};

json::value file_meta(const FileInfo* info) {
  if (info == nullptr)
    return json::object{{"fileName", nullptr}, {"path", nullptr}, {"size", nullptr}};
  return json::object{{"fileName", info->name},
                      {"path", info->path},
                      {"size", info->size ? json::value(*info->size) : json::value(nullptr)}};
}

}  // namespace

std::unique_ptr<FileProducer> remote_file_producer(std::unique_ptr<host::RemoteExport> exp,
                                                   std::string plugin_id) {
  return std::make_unique<RemoteFileProducer>(std::move(exp), std::move(plugin_id));
}

namespace {

Error stopped() { return make_error(Status::kCancelled, "the file source was stopped"); }

}  // namespace

// Collects one file's records into flow pages and pushes them to the queue (producer thread).
class FileSource::PageCutter : public formats::RecordSink {
 public:
  PageCutter(FileSource& source, const FileInfo* known) : source_(source), known_(known) {}

  Result<void> record(json::value record, const formats::Origin&) override {
    return add(std::move(record), nullptr);
  }

  Result<void> bad_record(Error error, const formats::Origin&) override {
    json::value retry = error.details.is_object() ? std::move(error.details) : json::object();
    return add(std::move(retry), &error);
  }

  // Pushes the page in hand; `info` set: it is the file's last one (then pushed even when empty),
  // which commits the file when `complete`.
  Result<void> flush(const FileInfo* info, bool complete = true) {
    if (records_.empty() && info == nullptr) return {};
    SourcePage out;
    out.records = records_.size();
    auto page_source = page_source_of(std::move(records_));
    out.page = Page(std::move(page_source), 0, out.records);
    for (auto& [index, error] : bad_) {
      out.page.fail(index, source_.options_.export_id, "bad_record", std::move(error.message),
                    std::move(error.details));
    }
    out.file = file_meta(info != nullptr ? info : known_);
    file_records_ += static_cast<int64_t>(out.records);
    if (info != nullptr) {
      out.ends_source_page = true;
      if (complete) {
        out.state = json::object{{"file", json::object{{"name", info->name},
                                                       {"path", info->path},
                                                       {"records", file_records_},
                                                       {"errors", 0}}}};
      }
      out.last = info->done || limit_reached_;
    }
    records_.clear();
    bad_.clear();
    if (!source_.queue_.push(Item{std::move(out), {}})) return stopped();
    return {};
  }

  bool limit_reached() const { return limit_reached_; }
  // What became known of the file before its bytes (the plugin named it); for the next pages.
  void set_known(const FileInfo* known) { known_ = known; }

 private:
  Result<void> add(json::value record, Error* error) {
    if (source_.stopping()) return stopped();
    if (limit_reached_) return stopped();
    if (records_.size() >= source_.options_.page_size) {
      if (auto r = flush(nullptr); !r) return r;
    }
    if (error != nullptr) bad_.emplace_back(records_.size(), std::move(*error));
    records_.push_back(std::move(record));
    ++source_.handed_out_;
    if (source_.options_.record_limit > 0 && source_.handed_out_ >= source_.options_.record_limit) {
      limit_reached_ = true;
    }
    return {};
  }

  FileSource& source_;
  const FileInfo* known_;  // what is known of the file before its bytes; may be null
  std::vector<json::value> records_;
  std::vector<std::pair<size_t, Error>> bad_;  // index in records_, the reader's error
  int64_t file_records_ = 0;
  bool limit_reached_ = false;
};

FileSource::FileSource(std::unique_ptr<FileProducer> producer, FileSourceOptions options)
    : producer_(std::move(producer)), options_(std::move(options)), queue_(options_.queue_depth) {
  if (options_.page_size == 0) options_.page_size = 1;
  thread_ = std::thread([this] { produce(); });
}

FileSource::~FileSource() {
  stop();
  thread_.join();
}

void FileSource::stop() {
  stop_ = true;
  queue_.close();
}

void FileSource::send_commits() {
  std::unique_lock lock(commits_mutex_);
  while (!calling_ && !commits_.empty() && !commit_error_) {
    std::string state = std::move(commits_.front());
    commits_.pop_front();
    calling_ = true;
    lock.unlock();
    auto r = producer_->file_committed(state);
    lock.lock();
    calling_ = false;
    if (!r) {
      commit_error_ = r.error();
    } else {
      ++files_committed_;
    }
    commits_idle_.notify_all();
  }
}

Result<void> FileSource::produce_file(int64_t index, bool& done) {
  done = true;
  std::optional<FileInfo> known = producer_->upcoming();
  PageCutter cutter(*this, known ? &*known : nullptr);
  std::unique_ptr<formats::Reader> reader;
  std::optional<Error> reader_refused;  // make_reader's error
  Error reader_error;
  bool reader_failed = false;
  // Made at the first chunk, when a plugin that names its file before its bytes has done so
  // (plugin.h, export_next_file): the reader's messages and the first pages then carry the name.
  const auto open_reader = [&]() -> Result<void> {
    if (options_.metadata || reader || reader_refused) return {};
    if (!known) {
      known = producer_->upcoming();
      if (known) cutter.set_known(&*known);
    }
    const std::string name =
        known ? known->name : fmt::format("file {} of export {}", index + 1, options_.export_name);
    auto made = options_.make_reader(name, cutter);
    if (!made) {
      reader_refused = made.error();
      return made.error();
    }
    reader = std::move(*made);
    return {};
  };
  {
    std::unique_lock lock(commits_mutex_);
    commits_idle_.wait(lock, [&] { return !calling_; });
    calling_ = true;
  }
  auto info = producer_->next_file([&](std::string_view chunk) -> Result<void> {
    if (stopping()) return stopped();
    if (auto opened = open_reader(); !opened) return opened;
    if (!reader || reader_failed) return {};
    if (auto r = reader->write(chunk); !r) {
      // The file is unreadable from here on: the rest of its bytes are not worth a reader.
      reader_failed = true;
      reader_error = r.error();
      if (r.error().status == Status::kCancelled) return r;  // stopped, or the record limit
    }
    return {};
  });
  {
    std::lock_guard lock(commits_mutex_);
    calling_ = false;
    commits_idle_.notify_all();
  }
  send_commits();
  if (reader_refused) return *reader_refused;
  if (cutter.limit_reached()) {
    // A test run's record limit: what was cut is all; the file is not committed.
    FileInfo partial = info ? *info : FileInfo{};
    partial.done = true;
    return cutter.flush(&partial, false);
  }
  if (!info) {
    if (stopping()) return stopped();
    return info.error();
  }
  done = info->done;
  if (info->no_file) return {};
  if (auto opened = open_reader(); !opened) return opened;  // a file of no bytes
  if (reader_failed) {
    if (auto r = cutter.flush(nullptr); !r) return r;
    return make_error(
        reader_error.status,
        fmt::format("export {}: file {} ({}) could not be read: {}; its records "
                    "so far were processed, the file stays where it is",
                    options_.export_name, info->name, info->path, reader_error.message));
  }
  if (options_.metadata) {
    (void)cutter.record(json::object{{"name", info->name},
                                     {"size", info->size ? json::value(*info->size) : nullptr},
                                     {"path", info->path}},
                        {});
  } else if (auto r = reader->finish(); !r) {
    if (cutter.limit_reached()) {  // a reader that hands out its records at the end
      FileInfo partial = *info;
      partial.done = true;
      return cutter.flush(&partial, false);
    }
    if (stopping()) return stopped();
    if (auto flushed = cutter.flush(nullptr); !flushed) return flushed;
    return make_error(r.error().status,
                      fmt::format("export {}: file {} ({}) could not be read to its end: {}; its "
                                  "records so far were processed, the file stays where it is",
                                  options_.export_name, info->name, info->path, r.error().message));
  }
  return cutter.flush(&*info);
}

void FileSource::produce() {
  for (int64_t index = 0; !stopping(); ++index) {
    bool done = true;
    auto r = produce_file(index, done);
    if (!r) {
      if (!stopping()) queue_.push(Item{std::nullopt, r.error()});
      break;
    }
    if (done) break;
  }
  // The last files' commits arrive after their pages, when no call of ours runs any more: the
  // job's thread sends them (committed()).
  queue_.close();
}

Result<std::optional<SourcePage>> FileSource::next() {
  if (ended_) return std::nullopt;
  {
    std::lock_guard lock(commits_mutex_);
    if (commit_error_) return *commit_error_;
  }
  auto item = queue_.pop();
  if (!item || stop_) {
    ended_ = true;
    return std::nullopt;
  }
  if (!item->page) {
    ended_ = true;
    return item->error;
  }
  if (item->page->last) ended_ = true;
  return std::move(item->page);
}

Result<void> FileSource::committed(const SourcePage& page) {
  cursor_.export_records += static_cast<int64_t>(page.records);
  cursor_.skip += static_cast<int64_t>(page.records);
  file_errors_ += static_cast<int64_t>(page.page.count(RecordState::kFailed));
  if (!page.ends_source_page) return {};
  const int64_t errors = std::exchange(file_errors_, 0);
  if (!options_.commit_files || !page.state.is_object()) return {};
  json::value state = page.state;
  state.as_object()["file"].as_object()["errors"] = errors;
  {
    std::lock_guard lock(commits_mutex_);
    commits_.push_back(json::serialize(state));
  }
  send_commits();
  std::lock_guard lock(commits_mutex_);
  if (commit_error_) return *commit_error_;
  return {};
}

}  // namespace sluice::runtime
