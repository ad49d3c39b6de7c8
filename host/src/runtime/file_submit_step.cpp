#include "runtime/file_submit_step.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sluice/abi/plugin.h"

namespace sluice::runtime {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// A writer's bytes kept in memory: one page's file (at most a page's worth, 5 MB by default,
// times the format's overhead).
class StringSink : public formats::ByteSink {
 public:
  Result<void> write(std::string_view bytes) override {
    bytes_.append(bytes);
    return {};
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// A writer's bytes appended to a file on disk.
class FileSink : public formats::ByteSink {
 public:
  FileSink(std::FILE* file, const fs::path& path) : file_(file), path_(path) {}
  Result<void> write(std::string_view bytes) override {
    if (bytes.empty()) return {};
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      failure_ = make_error(Status::kInternal, fmt::format("could not write the spool file {}: {}",
                                                           path_.string(), std::strerror(errno)));
      return *failure_;
    }
    return {};
  }
  // The first write that failed: the file is then incomplete.
  const std::optional<Error>& failure() const noexcept { return failure_; }

 private:
  std::FILE* file_;
  const fs::path& path_;
  std::optional<Error> failure_;
};

std::string extension_of(const formats::FileOptions& options) {
  std::string type;
  switch (options.type) {
    case formats::FileType::kCsv:
      type = "csv";
      break;
    case formats::FileType::kJson:
      type = "json";
      break;
    case formats::FileType::kXml:
      type = "xml";
      break;
    case formats::FileType::kXlsx:
      type = "xlsx";
      break;
    case formats::FileType::kFixedWidth:
      type = "txt";
      break;
    case formats::FileType::kX12:
      type = "edi";
      break;
  }
  switch (options.compression) {
    case formats::Compression::kNone:
      return type;
    case formats::Compression::kGzip:
      return type + ".gz";
    case formats::Compression::kZip:
      return "zip";
  }
  return type;
}

// The server's reply in a result entry: its errors' messages, else its statusCode.
std::string reply_of(const json::value& entry) {
  std::string reply;
  if (const json::object* o = entry.if_object()) {
    if (auto* errors = o->if_contains("errors"); errors && errors->is_array()) {
      for (const auto& e : errors->as_array()) {
        if (auto* m = e.is_object() ? e.as_object().if_contains("message") : nullptr;
            m && m->is_string()) {
          if (!reply.empty()) reply += "; ";
          reply += m->as_string();
        }
      }
    }
    if (reply.empty()) {
      if (auto* status = o->if_contains("statusCode")) {
        reply = "status " + json::serialize(*status);
      }
    }
  }
  return reply.empty() ? "the plugin gave no reason" : reply;
}

bool entry_ok(const json::value& entry) {
  const json::object* o = entry.if_object();
  if (o == nullptr) return false;
  if (auto* errors = o->if_contains("errors");
      errors && errors->is_array() && !errors->as_array().empty()) {
    return false;
  }
  if (auto* status = o->if_contains("statusCode");
      status && status->is_number() && status->to_number<double>() >= 400) {
    return false;
  }
  return true;
}

json::value write_error(std::string message, json::storage_ptr storage) {
  return json::value(
      json::object{{"errors", json::array{json::object{{"code", "fileWrite"},
                                                       {"message", std::move(message)}}}}},
      std::move(storage));
}

// Puts `read`'s bytes as one file through `imp`; the plugin's result entry, parsed into
// `storage`, or the call's Error (a result that is not an entry is kInternal).
Result<json::value> put(host::RemoteImport& imp, const std::string& name, json::object meta,
                        std::function<Result<size_t>(char*, size_t)> read,
                        json::storage_ptr storage) {
  auto put = imp.put_file(json::serialize(meta), std::move(read));
  if (!put) return put.error();
  json::error_code ec;
  json::value entry = json::parse(*put, ec, std::move(storage));
  if (ec || !entry.is_object()) {
    return make_error(
        Status::kInternal,
        fmt::format("import {}: import_put_file returned {} instead of one result "
                    "entry ({{\"statusCode\": ..}} or {{\"errors\": [..]}})",
                    name, ec ? "text that is not JSON" : "JSON that is not an object"));
  }
  return entry;
}

// Makes `dir` (and its parents) with mode 0700 for the last one.
Result<void> make_private_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(Status::kInternal,
                      fmt::format("could not create the job's temporary folder {}: {}",
                                  dir.string(), std::strerror(errno)));
  }
  return {};
}

std::string safe_file_part(std::string_view id) {
  std::string out;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("import") : out;
}

}  // namespace

// What one import keeps across the pages of a run: whether it was used, and its per-run file.
class RunFile {
 public:
  RunFile(fs::path path, bool spooled) : path_(std::move(path)), spooled_(spooled) {}
  ~RunFile() { close(); }
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  bool spooled() const noexcept { return spooled_; }
  const fs::path& path() const noexcept { return path_; }
  uint64_t records() const noexcept { return records_; }
  int64_t first_page() const noexcept { return first_page_; }
  bool used() const noexcept { return used_; }
  void use() { used_ = true; }
  // Put, or its failure reported: nothing more to say about it.
  bool settled() const noexcept { return settled_; }
  void settle() { settled_ = true; }

  // Creates the spool file and its writer before the first record (`page`: the flow page it is
  // in). An Error: the file cannot be made (the job's, not a record's).
  Result<void> open(const FileImportSettings& settings, const FileFormats& formats, int64_t page) {
    if (writer_ || finished_) return {};
    if (auto made = make_private_dir(path_.parent_path()); !made) return made.error();
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) {
      return make_error(Status::kInternal, fmt::format("could not create the spool file {}: {}",
                                                       path_.string(), std::strerror(errno)));
    }
    sink_ = std::make_unique<FileSink>(file_, path_);
    auto writer = formats.make_writer(settings.options, *sink_);
    if (!writer) return writer.error();
    writer_ = std::move(*writer);
    first_page_ = page;
    return {};
  }
  // Writes one record (open() first). An Error: the writer refused the record.
  Result<void> write(const json::value& record) {
    if (!writer_) return make_error(Status::kInternal, "the run's file is closed");
    if (auto w = writer_->write(record); !w) return w.error();
    ++records_;
    return {};
  }
  // Whether writing to the spool file failed (it is then incomplete).
  const std::optional<Error>* spool_failure() const {
    return sink_ && sink_->failure() ? &sink_->failure() : nullptr;
  }

  // Ends the file (the writer's finish) and closes it.
  Result<void> finish() {
    if (finished_) return {};
    finished_ = true;
    Result<void> done;
    if (writer_) done = writer_->finish();
    writer_.reset();
    if (file_ != nullptr && std::fclose(std::exchange(file_, nullptr)) != 0 && done) {
      done = make_error(Status::kInternal, fmt::format("could not write the spool file {}: {}",
                                                       path_.string(), std::strerror(errno)));
    }
    return done;
  }

  void close() {
    writer_.reset();
    if (file_ != nullptr) std::fclose(std::exchange(file_, nullptr));
  }

 private:
  fs::path path_;
  bool spooled_;
  bool used_ = false;
  bool settled_ = false;
  bool finished_ = false;
  std::FILE* file_ = nullptr;
  std::unique_ptr<FileSink> sink_;
  std::unique_ptr<formats::Writer> writer_;
  uint64_t records_ = 0;
  int64_t first_page_ = 0;
};

fs::path job_temp_dir(const fs::path& base, std::string_view job_id) {
  fs::path root = base;
  if (root.empty()) {
    std::error_code ec;
    root = fs::temp_directory_path(ec);
    if (ec || root.empty()) root = "/tmp";
  }
  return root / fmt::format("sluice-job-{}", safe_file_part(job_id));
}

bool is_file_import(const ProcessorStep& processor) {
  if (processor.is_lookup || processor.connection.connector == nullptr) return false;
  if (!processor.connection.connector->can(SLUICE_CAP_FILE_TRANSFER)) return false;
  const json::value* file = processor.doc.if_contains("file");
  return file != nullptr && file->is_object();
}

Result<FileImportSettings> read_file_import_settings(const ProcessorStep& processor,
                                                     const FileFormats& formats) {
  const std::string where = fmt::format("import {}", processor.name);
  json::object file = processor.doc.at("file").as_object();
  auto invalid = [&](std::string message) {
    return make_error(Status::kInvalidConfig, fmt::format("{}: {}", where, message));
  };
  std::optional<FileAggregation> skip, type;
  if (const json::value* v = file.if_contains("skipAggregation")) {
    if (!v->is_bool()) {
      return invalid(
          fmt::format("file.skipAggregation must be true or false, not {}", json::serialize(*v)));
    }
    skip = v->as_bool() ? FileAggregation::kPage : FileAggregation::kRun;
    file.erase("skipAggregation");
  }
  if (const json::value* v = file.if_contains("aggregation")) {
    const json::object* o = v->if_object();
    if (o == nullptr) {
      return invalid(
          fmt::format("file.aggregation must be an object {{\"type\": \"all\"|\"page\"}}, "
                      "not {}",
                      json::serialize(*v)));
    }
    for (const auto& [key, value] : *o) {
      if (key != "type") {
        return invalid(
            fmt::format("file.aggregation.{} is not a setting; the only one is "
                        "file.aggregation.type (\"all\" or \"page\")",
                        std::string_view(key)));
      }
      if (value.is_string() && value.as_string() == "all") {
        type = FileAggregation::kRun;
      } else if (value.is_string() && value.as_string() == "page") {
        type = FileAggregation::kPage;
      } else {
        return invalid(
            fmt::format("file.aggregation.type must be \"all\" (one file per run) or "
                        "\"page\" (one file per page), not {}",
                        json::serialize(value)));
      }
    }
    file.erase("aggregation");
  }
  if (skip && type && *skip != *type) {
    return invalid(fmt::format(
        "file.skipAggregation is {} but file.aggregation.type is \"{}\"; give one of them",
        *skip == FileAggregation::kPage ? "true" : "false",
        *type == FileAggregation::kPage ? "page" : "all"));
  }
  FileImportSettings settings;
  settings.aggregation = type ? *type : skip ? *skip : FileAggregation::kRun;
  if (const json::value* v = file.if_contains("batchSize")) {
    if (!v->is_int64() || v->as_int64() < 1) {
      return invalid(fmt::format(
          "file.batchSize (records per file) must be a whole number of at least 1, not {}",
          json::serialize(*v)));
    }
    if (settings.aggregation != FileAggregation::kPage) {
      return invalid(
          "file.batchSize (records per file) applies to one file per page only: set "
          "file.skipAggregation to true (or file.aggregation.type to \"page\"), or remove it");
    }
    settings.batch_size = static_cast<size_t>(v->as_int64());
    file.erase("batchSize");
  }
  auto options = formats.read_options(file, where);
  if (!options) return options.error();
  settings.options = std::move(*options);
  settings.extension = extension_of(settings.options);
  return settings;
}

struct FileImportRun::Import {
  std::string import_id, name;
  SubmitStep::Opener open;
  FileImportSettings settings;
  std::unique_ptr<RunFile> file;
};

FileImportRun::FileImportRun(fs::path temp_dir, const FileFormats& formats)
    : temp_dir_(std::move(temp_dir)), formats_(formats) {}

FileImportRun::~FileImportRun() {
  for (auto& [index, imp] : imports_) imp->file->close();
  if (!keep_dir_) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
}

Result<std::unique_ptr<SubmitStep>> FileImportRun::submit_step(const ProcessorStep& processor,
                                                               size_t index,
                                                               SubmitStep::Opener open,
                                                               bool force_page) {
  if (!is_file_import(processor)) {
    const json::value* file = processor.doc.if_contains("file");
    if (processor.is_lookup || file == nullptr || processor.connection.connector == nullptr) {
      return std::unique_ptr<SubmitStep>();
    }
    const host::ConnectorHandle& connector = *processor.connection.connector;
    return make_error(Status::kInvalidConfig,
                      fmt::format("import {}: connector '{}' of plugin '{}' does not transfer "
                                  "files, so the import's `file` settings cannot apply; remove "
                                  "`file`, or use a connection of a file connector (e.g. ftp)",
                                  processor.name, connector.name, connector.plugin->id));
  }
  auto found = imports_.find(index);
  if (found == imports_.end()) {
    auto settings = read_file_import_settings(processor, formats_);
    if (!settings) return settings.error();
    if (force_page) settings->aggregation = FileAggregation::kPage;
    auto imp = std::make_unique<Import>();
    imp->import_id = processor.import_id;
    imp->name = processor.name;
    imp->open = open;
    imp->file = std::make_unique<RunFile>(
        temp_dir_ / fmt::format("{}-{}.{}", index, safe_file_part(processor.import_id),
                                settings->extension),
        settings->aggregation == FileAggregation::kRun);
    imp->settings = std::move(*settings);
    found = imports_.emplace(index, std::move(imp)).first;
  }
  Import& imp = *found->second;
  return std::unique_ptr<SubmitStep>(std::make_unique<FileSubmitStep>(
      processor, std::move(open), imp.settings, formats_, imp.file.get()));
}

std::optional<FileImportRun::Failure> FileImportRun::finish(const Log& log) {
  for (auto& [index, imp] : imports_) {
    RunFile& file = *imp->file;
    if (!file.used()) continue;
    auto remote = imp->open();
    if (!remote) return Failure{imp->import_id, remote.error()};
    if (file.spooled() && file.records() > 0) {
      const std::string what = fmt::format("the run's file {} ({} records)",
                                           file.path().filename().string(), file.records());
      auto failed = [&](Error error, std::string reply) {
        keep_dir_ = true;
        file.settle();
        error.message = fmt::format(
            "import {} failed: {} could not be put: {}; its records are counted as successful "
            "in the pages already committed, and no delta state was saved; the file is kept at "
            "{} (put it by hand, or run the flow again without --resume: a resumed job would "
            "not export them again)",
            imp->name, what, reply, file.path().string());
        error.details = json::object{{"file", file.path().string()},
                                     {"records", file.records()},
                                     {"reply", std::move(reply)}};
        return Failure{imp->import_id, std::move(error)};
      };
      if (auto done = file.finish(); !done) return failed(done.error(), done.error().message);
      std::FILE* in = std::fopen(file.path().c_str(), "rb");
      if (in == nullptr) {
        return failed(make_error(Status::kInternal, ""),
                      fmt::format("could not read it back: {}", std::strerror(errno)));
      }
      const fs::path& path = file.path();
      json::monotonic_resource arena;
      auto entry = put(
          **remote, imp->name,
          json::object{{"records", file.records()},
                       {"page", file.first_page()},
                       {"extension", imp->settings.extension}},
          [in, &path](char* buffer, size_t capacity) -> Result<size_t> {
            const size_t got = std::fread(buffer, 1, capacity, in);
            if (got == 0 && std::ferror(in)) {
              return make_error(Status::kInternal,
                                fmt::format("could not read the spool file {}", path.string()));
            }
            return got;
          },
          &arena);
      std::fclose(in);
      if (!entry) return failed(entry.error(), entry.error().message);
      if (!entry_ok(*entry)) {
        return failed(make_error(Status::kRemoteError, ""), reply_of(*entry));
      }
      if (log) {
        const json::value* id = entry->as_object().if_contains("id");
        log(imp->import_id,
            fmt::format("import {}: put {} as {}", imp->name, what,
                        id != nullptr && id->is_string() ? std::string(id->as_string())
                                                         : std::string("(no id given)")));
      }
      file.settle();
      std::error_code ec;
      fs::remove(file.path(), ec);
    }
    if (auto finished = (*remote)->finish(); !finished) {
      Error error = finished.error();
      error.message =
          fmt::format("import {} failed at the end of the run: {}", imp->name, error.message);
      return Failure{imp->import_id, std::move(error)};
    }
  }
  return std::nullopt;
}

std::vector<std::string> FileImportRun::abandon() {
  std::vector<std::string> notes;
  for (auto& [index, imp] : imports_) {
    RunFile& file = *imp->file;
    if (!file.spooled() || file.records() == 0 || file.settled()) continue;
    (void)file.finish();
    keep_dir_ = true;
    notes.push_back(fmt::format(
        "import {}: the run's file ({} records, counted as successful in the pages already "
        "committed) was not put because the job did not complete; it is kept at {}",
        imp->name, file.records(), file.path().string()));
  }
  return notes;
}

FileSubmitStep::FileSubmitStep(const ProcessorStep& processor, Opener open,
                               FileImportSettings settings, const FileFormats& formats,
                               RunFile* run_file)
    : SubmitStep(processor.import_id, processor.name, processor.connection.connector->plugin->id,
                 processor.proceed_on_failure, open),
      import_id_(processor.import_id),
      name_(processor.name),
      open_(std::move(open)),
      settings_(std::move(settings)),
      formats_(formats),
      run_file_(run_file) {}

FileSubmitStep::~FileSubmitStep() = default;

Result<json::array> FileSubmitStep::send(std::string body, size_t count, json::storage_ptr storage,
                                         const StepContext& context) {
  json::monotonic_resource records_arena;
  json::error_code ec;
  json::value records = json::parse(body, ec, &records_arena);
  if (ec || !records.is_array() || records.as_array().size() != count) {
    return make_error(
        Status::kInternal,
        fmt::format("import {}: the records to write are not a JSON array of {}", name_, count));
  }
  run_file_->use();
  json::array results(storage);
  results.reserve(count);
  const json::object ok_entry{{"statusCode", 200}};

  if (settings_.aggregation == FileAggregation::kRun) {
    if (auto opened = run_file_->open(settings_, formats_, context.page_index); !opened) {
      return opened.error();
    }
    for (const json::value& record : records.as_array()) {
      // A record the writer refuses fails alone; the spool file failing is the job's.
      auto written = run_file_->write(record);
      if (auto* failure = run_file_->spool_failure()) return **failure;
      if (!written) {
        results.push_back(write_error(written.error().message, storage));
      } else {
        results.emplace_back(ok_entry);
      }
    }
    return results;
  }

  // One file per page, or per file.batchSize records of it.
  const json::array& all = records.as_array();
  const size_t batch = settings_.batch_size > 0 ? settings_.batch_size : count;
  results.resize(count);
  size_t next = 0;
  bool put_one = false;
  while (next < count) {
    StringSink sink;
    auto writer = formats_.make_writer(settings_.options, sink);
    if (!writer) return writer.error();
    std::vector<size_t> written;
    for (; next < count && written.size() < batch; ++next) {
      if (auto w = (*writer)->write(all[next]); !w) {
        results[next] = write_error(w.error().message, storage);
      } else {
        written.push_back(next);
      }
    }
    if (written.empty()) break;
    if (auto finished = (*writer)->finish(); !finished) return finished.error();
    writer->reset();
    auto remote = open_();
    if (!remote) return remote.error();
    const std::string& bytes = sink.bytes();
    size_t offset = 0;
    auto entry = put(
        **remote, name_,
        json::object{{"records", written.size()},
                     {"page", context.page_index},
                     {"extension", settings_.extension}},
        [&bytes, &offset](char* buffer, size_t capacity) -> Result<size_t> {
          const size_t n = std::min(capacity, bytes.size() - offset);
          std::memcpy(buffer, bytes.data() + offset, n);
          offset += n;
          return n;
        },
        storage);
    if (!entry && !put_one) return entry.error();  // as SubmitStep's failed call
    if (!entry) {
      // A later file of the page: the records of the files put before it arrived; this file's
      // and the rest of the page's fail with the call's error.
      const json::value failed(
          json::object{{"errors", json::array{json::object{
                                      {"code", std::string(to_string(entry.error().status))},
                                      {"message", entry.error().message}}}}},
          storage);
      for (size_t k : written) results[k] = failed;
      for (; next < count; ++next) results[next] = failed;
      break;
    }
    put_one = true;
    for (size_t k : written) results[k] = *entry;
  }
  return results;
}

}  // namespace sluice::runtime
