#include "connector.hpp"

#include "connection.hpp"
#include "export_reader.hpp"
#include "import_writer.hpp"
#include "lookup.hpp"
#include "settings.hpp"

namespace sluice::plugins::http {

ConnectorInfo HttpConnector::describe() const {
  ConnectorInfo info;
  info.name = "http";
  info.kind = ConnectorKind::kUniversal;
  info.connection_type = "http";
  info.label = "HTTP";
  // support::http::Client is safe from several threads; readers and writers share it.
  info.thread_safe_connection = true;
  info.connection = connection_schema();
  info.export_settings = export_schema();
  info.import_settings = import_schema();
  return info;
}

Result<std::unique_ptr<Connection>> HttpConnector::open_connection(
    Context& context, const boost::json::object& connection) {
  auto opened = HttpConnection::open(context, connection);
  if (!opened) return opened.error();
  return std::unique_ptr<Connection>(std::move(*opened));
}

Result<std::unique_ptr<ExportReader>> HttpConnector::open_export(
    Context& context, Connection& connection, const boost::json::object& export_doc,
    const boost::json::value& state) {
  auto opened =
      HttpExportReader::open(context, static_cast<HttpConnection&>(connection), export_doc, state);
  if (!opened) return opened.error();
  return std::unique_ptr<ExportReader>(std::move(*opened));
}

Result<std::unique_ptr<ImportWriter>> HttpConnector::open_import(
    Context& context, Connection& connection, const boost::json::object& import_doc) {
  auto opened =
      HttpImportWriter::open(context, static_cast<HttpConnection&>(connection), import_doc);
  if (!opened) return opened.error();
  return std::unique_ptr<ImportWriter>(std::move(*opened));
}

Result<std::unique_ptr<Lookup>> HttpConnector::open_lookup(Context& context, Connection& connection,
                                                           const boost::json::object& export_doc) {
  auto opened = HttpLookup::open(context, static_cast<HttpConnection&>(connection), export_doc);
  if (!opened) return opened.error();
  return std::unique_ptr<Lookup>(std::move(*opened));
}

}  // namespace sluice::plugins::http
