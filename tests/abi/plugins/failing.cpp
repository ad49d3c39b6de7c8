// Every operation returns an error value, as a connector facing a broken remote would.
#include <sluice/plugin.hpp>

namespace {

class FailingConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override {
    return sluice::make_error(sluice::Status::kAuthFailed,
                              "the remote refused the credentials (HTTP 401)");
  }
};

class FailingConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "failing";
    info.connection_type = "failing";
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const boost::json::object&) override {
    return std::unique_ptr<sluice::Connection>(new FailingConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(
      sluice::Context&, sluice::Connection&, const boost::json::object&,
      const boost::json::value&) override {
    sluice::Error e = sluice::make_error(sluice::Status::kRateLimited, "slow down");
    e.retry_after_ms = 1500;
    return e;
  }
};

}  // namespace

SLUICE_PLUGIN("failing", "1.0.0", "returns errors from every operation", FailingConnector)
