#include "export_reader.hpp"

#include <algorithm>

#include "settings.hpp"

namespace sluice::plugins::ftp {

namespace json = boost::json;
using support::Template;

Result<std::unique_ptr<FtpExportReader>> FtpExportReader::open(Context& context,
                                                               FtpConnection& connection,
                                                               const json::object& export_doc) {
  const ExportSettings& s = export_settings();
  std::unique_ptr<FtpExportReader> reader(new FtpExportReader(connection));
  auto directory = template_setting(s.directory_path, export_doc);
  if (!directory) return directory.error();
  if (!*directory) {
    return make_error(Status::kInvalidConfig,
                      "ftp.directoryPath is required: set the folder to read files from");
  }
  reader->directory_ = std::move(*directory);
  auto starts = template_setting(s.name_starts_with, export_doc);
  if (!starts) return starts.error();
  reader->starts_with_ = std::move(*starts);
  auto ends = template_setting(s.name_ends_with, export_doc);
  if (!ends) return ends.error();
  reader->ends_with_ = std::move(*ends);
  auto backup = template_setting(s.backup_directory_path, export_doc);
  if (!backup) return backup.error();
  reader->backup_ = std::move(*backup);
  auto batch = s.batch_size.read(export_doc);
  if (!batch) return batch.error();
  reader->batch_size_ = *batch;
  auto skip = s.skip_delete.read(export_doc);
  if (!skip) return skip.error();
  reader->skip_delete_ = *skip;

  reader->variables_ = json::object{{"export", export_doc}, {"connection", connection.variables()}};
  if (const RunContext* run = context.run()) {
    reader->variables_["currentExportDateTime"] = run->current_export_date_time;
    reader->variables_["lastExportDateTime"] = run->last_export_date_time;
    reader->variables_["settings"] = run->settings;
  }
  return reader;
}

Result<Page> FtpExportReader::next_page(Context&) {
  return make_error(Status::kUnsupported,
                    "an FTP export is read file by file (export_next_file); this host asked for "
                    "pages: upgrade the host to one that reads file exports");
}

Result<std::string> FtpExportReader::render(const std::optional<Template>& t) const {
  if (!t) return std::string();
  return t->evaluate(variables_, {.escape = support::Escape::kNone});
}

Result<void> FtpExportReader::list_files(Context& context) {
  auto directory = render(directory_);
  if (!directory) return directory.error();
  auto starts = render(starts_with_);
  if (!starts) return starts.error();
  auto ends = render(ends_with_);
  if (!ends) return ends.error();
  auto session = connection_.session();
  if (!session) return session.error();
  directory_path_ = connection_.resolve(*directory);
  auto entries = (*session)->list(directory_path_);
  if (!entries) return entries.error();
  size_t skipped = 0;
  for (RemoteEntry& entry : *entries) {
    const std::string& name = entry.name;
    if (entry.is_directory) continue;
    const bool matches = name.starts_with(*starts) && name.ends_with(*ends);
    if (!matches) {
      ++skipped;
      continue;
    }
    files_.push_back(std::move(entry));
  }
  std::sort(files_.begin(), files_.end(),
            [](const RemoteEntry& a, const RemoteEntry& b) { return a.name < b.name; });
  const size_t matching = files_.size();
  if (batch_size_ > 0 && files_.size() > static_cast<size_t>(batch_size_)) {
    files_.resize(static_cast<size_t>(batch_size_));
  }
  context.log(LogLevel::kInfo,
              directory_path_ + ": " + std::to_string(matching) + " matching file(s)" +
                  (skipped > 0 ? ", " + std::to_string(skipped) + " other(s) skipped" : "") +
                  (files_.size() < matching
                       ? "; reading " + std::to_string(files_.size()) + " (file.batchSize)"
                       : ""));
  listed_ = true;
  return {};
}

Result<FileInfo> FtpExportReader::next_file(Context& context, ByteSink& sink) {
  if (!listed_) {
    if (auto listed = list_files(context); !listed) return listed.error();
  }
  if (next_ >= files_.size()) return FileInfo{.done = true};
  const RemoteEntry& entry = files_[next_];
  const std::string path = join_path(directory_path_, entry.name);
  auto session = connection_.session();
  if (!session) return session.error();
  // Named before its bytes, so the host names the file's records from its first page on.
  FileInfo announced;
  announced.name = entry.name;
  announced.path = path;
  if (entry.size) announced.size = static_cast<int64_t>(*entry.size);
  if (auto told = sink.announce(announced); !told) return told.error();
  uint64_t bytes = 0;
  auto downloaded = (*session)->download(path, [&](std::string_view chunk) -> Result<void> {
    if (context.cancelled()) return make_error(Status::kCancelled, "the job was cancelled");
    bytes += chunk.size();
    return sink.write(chunk);
  });
  if (!downloaded) return downloaded.error();
  ++next_;
  delivered_.insert(path);
  FileInfo info;
  info.name = entry.name;
  info.size = static_cast<int64_t>(bytes);
  info.done = next_ >= files_.size();
  info.path = path;
  return info;
}

Result<void> FtpExportReader::page_committed(Context& context, const json::value& state) {
  const json::object* object = state.if_object();
  const json::value* file_value = object != nullptr ? object->if_contains("file") : nullptr;
  const json::object* file = file_value != nullptr ? file_value->if_object() : nullptr;
  if (file == nullptr) return {};
  const json::value* path_value = file->if_contains("path");
  const json::value* errors_value = file->if_contains("errors");
  if (path_value == nullptr || !path_value->is_string()) return {};
  const std::string path(path_value->as_string());
  if (!delivered_.contains(path)) {
    return make_error(Status::kInternal, "export_page_committed named " + path +
                                             ", which this export did not deliver; nothing "
                                             "deleted");
  }
  const int64_t errors = errors_value != nullptr && errors_value->is_int64()
                             ? errors_value->as_int64()
                         : errors_value != nullptr && errors_value->is_uint64()
                             ? static_cast<int64_t>(errors_value->as_uint64())
                             : 1;  // unknown: treated as failed, so the file stays
  delivered_.erase(path);
  if (errors > 0) {
    context.log(LogLevel::kInfo, path + " stays on the server: " + std::to_string(errors) +
                                     " of its records failed");
    return {};
  }
  if (skip_delete_) return {};
  auto session = connection_.session();
  if (!session) return session.error();
  auto backup = render(backup_);
  if (!backup) return backup.error();
  const std::string name = path.substr(path.find_last_of('/') + 1);
  if (!backup->empty()) {
    const std::string target = join_path(connection_.resolve(*backup), name);
    if (auto moved = (*session)->rename(path, target); !moved) return moved.error();
    context.log(LogLevel::kInfo, path + " moved to " + target);
    return {};
  }
  if (auto removed = (*session)->remove(path); !removed) return removed.error();
  context.log(LogLevel::kInfo, path + " deleted");
  return {};
}

}  // namespace sluice::plugins::ftp
