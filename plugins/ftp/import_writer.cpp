#include "import_writer.hpp"

#include <cstdio>

#include "settings.hpp"

namespace sluice::plugins::ftp {

namespace json = boost::json;
using support::Template;

namespace {

RecordResult failed(const Error& error, const std::string& code) {
  RecordResult result;
  result.status_code = error.status == Status::kAuthFailed  ? 401
                       : error.status == Status::kTransient ? 503
                                                            : 502;
  result.errors.push_back(RecordError{code, error.message});
  return result;
}

struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

Result<std::unique_ptr<FtpImportWriter>> FtpImportWriter::open(Context&, FtpConnection& connection,
                                                               const json::object& import_doc) {
  const ImportSettings& s = import_settings();
  std::unique_ptr<FtpImportWriter> writer(new FtpImportWriter(connection));
  writer->import_doc_ = import_doc;
  auto directory = template_setting(s.directory_path, import_doc);
  if (!directory) return directory.error();
  if (!*directory) {
    return make_error(Status::kInvalidConfig,
                      "ftp.directoryPath is required: set the folder to write files to");
  }
  writer->directory_ = std::move(*directory);
  auto name = template_setting(s.file_name, import_doc);
  if (!name) return name.error();
  if (!*name) {
    return make_error(Status::kInvalidConfig,
                      "ftp.fileName is required: set the name of the files to write, e.g. "
                      "orders-{{timestamp \"YYYYMMDDHHmmss\"}}.csv");
  }
  writer->file_name_ = std::move(*name);
  auto in_progress = template_setting(s.in_progress_file_name, import_doc);
  if (!in_progress) return in_progress.error();
  writer->in_progress_ = std::move(*in_progress);
  auto backup = template_setting(s.backup_directory_path, import_doc);
  if (!backup) return backup.error();
  writer->backup_ = std::move(*backup);
  return writer;
}

Result<std::vector<RecordResult>> FtpImportWriter::submit(Context&, const json::array&) {
  return make_error(Status::kUnsupported,
                    "an FTP import writes files (import_put_file); this host submitted records: "
                    "upgrade the host to one that renders files");
}

Result<RecordResult> FtpImportWriter::put_file(Context& context, const json::object& meta,
                                               ByteSource& source) {
  json::object variables = meta;
  variables["import"] = import_doc_;
  variables["connection"] = connection_.variables();
  auto render = [&](const std::optional<Template>& t) -> Result<std::string> {
    if (!t) return std::string();
    return t->evaluate(variables, {.escape = support::Escape::kNone});
  };
  auto directory = render(directory_);
  if (!directory) return directory.error();
  auto name = render(file_name_);
  if (!name) return name.error();
  auto in_progress = render(in_progress_);
  if (!in_progress) return in_progress.error();
  auto backup = render(backup_);
  if (!backup) return backup.error();
  for (const auto& [setting, value] :
       {std::pair{"ftp.fileName", &*name}, std::pair{"ftp.inProgressFileName", &*in_progress}}) {
    if (value->find('/') != std::string::npos) {
      return make_error(Status::kInvalidConfig,
                        std::string(setting) + " rendered '" + *value +
                            "', which holds a '/': a file name has no folders (set the folder "
                            "in ftp.directoryPath)");
    }
  }
  if (name->empty()) {
    return make_error(Status::kInvalidConfig,
                      "ftp.fileName rendered an empty name: check the variables it uses");
  }

  auto session = connection_.session();
  if (!session) return failed(session.error(), "ftp_login");
  const std::string folder = connection_.resolve(*directory);
  const std::string final_path = join_path(folder, *name);
  const std::string upload_path =
      in_progress->empty() ? final_path : join_path(folder, *in_progress);

  // With a backup folder, the bytes are kept in a temporary file while they go up, to be sent
  // a second time: the source can be read only once, and a file never sits in memory.
  std::unique_ptr<std::FILE, FileClose> copy;
  if (!backup->empty()) {
    copy.reset(std::tmpfile());
    if (!copy)
      return make_error(Status::kInternal, "cannot create a temporary file for the backup");
  }
  std::optional<Error> source_error;
  uint64_t bytes = 0;
  auto uploaded =
      (*session)->upload(upload_path, [&](char* buffer, size_t capacity) -> Result<size_t> {
        if (context.cancelled()) return make_error(Status::kCancelled, "the job was cancelled");
        auto got = source.read(buffer, capacity);
        if (!got) {
          source_error = got.error();
          return got.error();
        }
        if (copy && *got > 0 && std::fwrite(buffer, 1, *got, copy.get()) != *got) {
          source_error = make_error(Status::kInternal, "cannot write the backup's temporary file");
          return *source_error;
        }
        bytes += *got;
        return *got;
      });
  if (source_error) return *source_error;
  if (!uploaded) return failed(uploaded.error(), "ftp_upload");
  if (upload_path != final_path) {
    if (auto renamed = (*session)->rename(upload_path, final_path); !renamed) {
      return failed(renamed.error(), "ftp_rename");
    }
  }
  if (copy) {
    const std::string backup_path = join_path(connection_.resolve(*backup), *name);
    std::rewind(copy.get());
    auto copied =
        (*session)->upload(backup_path, [&](char* buffer, size_t capacity) -> Result<size_t> {
          const size_t got = std::fread(buffer, 1, capacity, copy.get());
          if (got == 0 && std::ferror(copy.get()) != 0) {
            return make_error(Status::kInternal, "cannot read the backup's temporary file");
          }
          return got;
        });
    if (!copied) return failed(copied.error(), "ftp_backup");
  }
  context.log(LogLevel::kInfo,
              "wrote " + final_path + " (" + std::to_string(bytes) + " bytes" +
                  (upload_path != final_path ? ", uploaded as " + upload_path : "") + ")");
  RecordResult result;
  result.status_code = 200;
  result.id = final_path;
  return result;
}

}  // namespace sluice::plugins::ftp
