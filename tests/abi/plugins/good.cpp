// A well-formed plugin. Built twice (ids "good" and "dup-twin") to test unique ids and hashes.
#include <sluice/plugin.hpp>

namespace {

class GoodConnection : public sluice::Connection {
 public:
  sluice::Result<void> ping(sluice::Context&) override { return {}; }
};

class GoodConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "good";
    info.connection_type = ABI_TEST_TYPE;
    info.label = "Good test connector";
    info.connection.string("good.endpoint").label("Endpoint").required();
    info.connection.string("good.password").secret();
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const boost::json::object&) override {
    return std::unique_ptr<sluice::Connection>(new GoodConnection);
  }
};

}  // namespace

SLUICE_PLUGIN(ABI_TEST_ID, "1.0.0", "a well-formed test plugin", GoodConnector)
