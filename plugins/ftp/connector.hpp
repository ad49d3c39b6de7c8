// The universal FTP connector (connection type "ftp"): FTP, FTPS and SFTP servers, with
// integrator.io's ftp.* settings (settings.cpp), moving files (SLUICE_CAP_FILE_TRANSFER).
#pragma once

#include "sluice/connector.hpp"

namespace sluice::plugins::ftp {

class FtpConnector final : public Connector {
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
};

}  // namespace sluice::plugins::ftp
