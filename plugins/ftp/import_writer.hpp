// An FTP import (adaptorType FTPImport), the plugin side of the file protocol (docs/ftp.md,
// "How files cross"): put_file uploads one file the host rendered, read from its source a
// chunk at a time, into ftp.directoryPath as ftp.fileName — under ftp.inProgressFileName first
// when set, then renamed — and copies it into ftp.backupDirectoryPath when set.
#pragma once

#include <memory>
#include <optional>

#include <boost/json/object.hpp>

#include "connection.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::ftp {

class FtpImportWriter final : public ImportWriter {
 public:
  static Result<std::unique_ptr<FtpImportWriter>> open(Context& context, FtpConnection& connection,
                                                       const boost::json::object& import_doc);

  // kUnsupported: the host hands an FTP import files, not records.
  Result<std::vector<RecordResult>> submit(Context& context,
                                           const boost::json::array& records) override;
  // `meta` {"records":R,"page":P,"extension":"csv"} (and "name" when the host names the file)
  // is what the templates see beside import and connection. Returns {statusCode 200, id: the
  // final path}, or a RecordResult with statusCode 502 (the server refused: its reply), 401 (the
  // login refused) or 503 (the connection failed) and one error whose message names the step
  // (upload, rename, backup), the path and the server's reply. A template that fails to render
  // is a failed Result (kInvalidConfig), as is a source that fails.
  Result<RecordResult> put_file(Context& context, const boost::json::object& meta,
                                ByteSource& source) override;

 private:
  FtpImportWriter(FtpConnection& connection) : connection_(connection) {}
  FtpConnection& connection_;
  boost::json::object import_doc_;
  std::optional<support::Template> directory_, file_name_, in_progress_, backup_;
};

}  // namespace sluice::plugins::ftp
