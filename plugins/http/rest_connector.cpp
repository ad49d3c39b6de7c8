#include "rest_connector.hpp"

#include "connection.hpp"
#include "export_reader.hpp"
#include "import_writer.hpp"
#include "lookup.hpp"
#include "rest_translation.hpp"

namespace sluice::plugins::http {

ConnectorInfo RestConnector::describe() const {
  ConnectorInfo info;
  info.name = "rest";
  info.kind = ConnectorKind::kUniversal;
  info.connection_type = "rest";
  info.label = "Legacy REST (integrator.io type rest, read as http)";
  info.thread_safe_connection = true;  // the same HttpConnection as the http connector's
  info.connection = rest_connection_schema();
  info.export_settings = rest_export_schema();
  info.import_settings = rest_import_schema();
  return info;
}

Result<std::unique_ptr<Connection>> RestConnector::open_connection(
    Context& context, const boost::json::object& connection) {
  auto http = translate_rest(connection, RestKind::kConnection);
  if (!http) return http.error();
  auto opened = HttpConnection::open(context, *http);
  if (!opened) return with_rest_names(opened.error(), RestKind::kConnection);
  return std::unique_ptr<Connection>(std::move(*opened));
}

Result<std::unique_ptr<ExportReader>> RestConnector::open_export(
    Context& context, Connection& connection, const boost::json::object& export_doc,
    const boost::json::value& state) {
  auto http = translate_rest(export_doc, RestKind::kExport);
  if (!http) return http.error();
  auto opened =
      HttpExportReader::open(context, static_cast<HttpConnection&>(connection), *http, state);
  if (!opened) return with_rest_names(opened.error(), RestKind::kExport);
  return std::unique_ptr<ExportReader>(std::move(*opened));
}

Result<std::unique_ptr<ImportWriter>> RestConnector::open_import(
    Context& context, Connection& connection, const boost::json::object& import_doc) {
  auto http = translate_rest(import_doc, RestKind::kImport);
  if (!http) return http.error();
  auto opened = HttpImportWriter::open(context, static_cast<HttpConnection&>(connection), *http);
  if (!opened) return with_rest_names(opened.error(), RestKind::kImport);
  return std::unique_ptr<ImportWriter>(std::move(*opened));
}

Result<std::unique_ptr<Lookup>> RestConnector::open_lookup(Context& context, Connection& connection,
                                                           const boost::json::object& export_doc) {
  auto http = translate_rest(export_doc, RestKind::kExport);
  if (!http) return http.error();
  auto opened = HttpLookup::open(context, static_cast<HttpConnection&>(connection), *http);
  if (!opened) return with_rest_names(opened.error(), RestKind::kExport);
  return std::unique_ptr<Lookup>(std::move(*opened));
}

}  // namespace sluice::plugins::http
