// The universal HTTP connector (connection type "http"): REST/JSON APIs configured with
// integrator.io's http.* settings (settings.cpp).
#pragma once

#include "sluice/connector.hpp"

namespace sluice::plugins::http {

class HttpConnector final : public Connector {
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
  // An export with isLookup: true (lookup.hpp).
  Result<std::unique_ptr<Lookup>> open_lookup(Context& context, Connection& connection,
                                              const boost::json::object& export_doc) override;
};

}  // namespace sluice::plugins::http
