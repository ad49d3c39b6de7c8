// integrator.io's legacy REST resources (connection type "rest", adaptorType RESTExport and
// RESTImport), served by the HTTP connector's own code: each document is translated into the
// http document it stands for (rest_translation.hpp) and opened as that.
#pragma once

#include "sluice/connector.hpp"

namespace sluice::plugins::http {

class RestConnector final : public Connector {
 public:
  ConnectorInfo describe() const override;
  Result<std::unique_ptr<Connection>> open_connection(
      Context& context, const boost::json::object& connection) override;
  // `connection` must have been opened by this connector.
  Result<std::unique_ptr<ExportReader>> open_export(Context& context, Connection& connection,
                                                    const boost::json::object& export_doc,
                                                    const boost::json::value& state) override;
  Result<std::unique_ptr<ImportWriter>> open_import(Context& context, Connection& connection,
                                                    const boost::json::object& import_doc) override;
  Result<std::unique_ptr<Lookup>> open_lookup(Context& context, Connection& connection,
                                              const boost::json::object& export_doc) override;
};

}  // namespace sluice::plugins::http
