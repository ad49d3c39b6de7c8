// An FTP export (adaptorType FTPExport), the plugin side of the file protocol (docs/ftp.md,
// "How files cross"): next_file picks the next file of ftp.directoryPath that passes
// ftp.fileNameStartsWith/EndsWith, in name order, at most file.batchSize per run, and streams it
// into the host's sink a chunk at a time (never whole in memory); page_committed, once the host
// processed every record of that file, deletes it or moves it into ftp.backupDirectoryPath —
// unless file.skipDelete, and never when one of its records failed.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "connection.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::ftp {

class FtpExportReader final : public ExportReader {
 public:
  // Reads and parses the settings (kInvalidConfig naming the setting or template).
  static Result<std::unique_ptr<FtpExportReader>> open(Context& context, FtpConnection& connection,
                                                       const boost::json::object& export_doc);

  // kUnsupported: the host reads an FTP export file by file.
  Result<Page> next_page(Context& context) override;
  // The first call lists the folder. Returns the file written ({"name","size","done","path"}),
  // or done with no name when there is no (more) file. A download that fails is that error
  // (the server's reply, naming the path); kCancelled when the host stops it.
  Result<FileInfo> next_file(Context& context, ByteSink& sink) override;
  // `state` {"file":{"name","path","records","errors"}} of a file this export delivered: with
  // errors 0 (and not file.skipDelete), the file is moved to the backup folder or deleted, and
  // an info line says so; with errors, an info line says it stays. Any other state is ignored.
  // A delete or move the server refuses fails with its reply.
  Result<void> page_committed(Context& context, const boost::json::value& state) override;

 private:
  FtpExportReader(FtpConnection& connection) : connection_(connection) {}
  Result<void> list_files(Context& context);
  Result<std::string> render(const std::optional<support::Template>& t) const;

  FtpConnection& connection_;
  boost::json::object variables_;  // what the templates see
  std::optional<support::Template> directory_, starts_with_, ends_with_, backup_;
  int64_t batch_size_ = 0;  // 0: every file
  bool skip_delete_ = false;
  bool listed_ = false;
  std::string directory_path_;      // resolved
  std::vector<RemoteEntry> files_;  // to deliver, in order
  size_t next_ = 0;
  std::set<std::string> delivered_;  // paths page_committed may delete
};

}  // namespace sluice::plugins::ftp
