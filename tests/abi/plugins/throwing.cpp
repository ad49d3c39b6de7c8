// Every operation throws; the SDK's shims must turn that into SLUICE_INTERNAL with a message.
#include <stdexcept>

#include <sluice/plugin.hpp>

namespace {

class ThrowingConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override {
    throw std::runtime_error("ping exploded");
  }
};

class ThrowingConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "throwing";
    info.connection_type = "throwing";
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const boost::json::object& doc) override {
    if (doc.contains("openThrows")) throw std::logic_error("open_connection exploded");
    return std::unique_ptr<sluice::Connection>(new ThrowingConnection);
  }
  sluice::Result<std::unique_ptr<sluice::ExportReader>> open_export(
      sluice::Context&, sluice::Connection&, const boost::json::object&,
      const boost::json::value&) override {
    throw 42;  // not even a std::exception
  }
};

}  // namespace

SLUICE_PLUGIN("throwing", "1.0.0", "throws from every operation", ThrowingConnector)
