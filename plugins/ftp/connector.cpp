#include "connector.hpp"

#include "connection.hpp"
#include "export_reader.hpp"
#include "import_writer.hpp"
#include "settings.hpp"

namespace sluice::plugins::ftp {

ConnectorInfo FtpConnector::describe() const {
  ConnectorInfo info;
  info.name = "ftp";
  info.kind = ConnectorKind::kUniversal;
  info.connection_type = "ftp";
  info.label = "FTP / FTPS / SFTP";
  // One control connection or SSH session per connection: the host serialises its calls.
  info.thread_safe_connection = false;
  info.file_transfer = true;
  info.requires_minor = 1;  // the file calls are ABI 1.1's
  info.connection = connection_settings().schema;
  info.export_settings = export_settings().schema;
  info.import_settings = import_settings().schema;
  return info;
}

Result<std::unique_ptr<Connection>> FtpConnector::open_connection(
    Context& context, const boost::json::object& connection) {
  auto opened = FtpConnection::open(context, connection);
  if (!opened) return opened.error();
  return std::unique_ptr<Connection>(std::move(*opened));
}

Result<std::unique_ptr<ExportReader>> FtpConnector::open_export(
    Context& context, Connection& connection, const boost::json::object& export_doc,
    const boost::json::value&) {
  auto opened = FtpExportReader::open(context, static_cast<FtpConnection&>(connection), export_doc);
  if (!opened) return opened.error();
  return std::unique_ptr<ExportReader>(std::move(*opened));
}

Result<std::unique_ptr<ImportWriter>> FtpConnector::open_import(
    Context& context, Connection& connection, const boost::json::object& import_doc) {
  auto opened = FtpImportWriter::open(context, static_cast<FtpConnection&>(connection), import_doc);
  if (!opened) return opened.error();
  return std::unique_ptr<ImportWriter>(std::move(*opened));
}

}  // namespace sluice::plugins::ftp
