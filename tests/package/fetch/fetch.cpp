// An out-of-tree connector built on the http component: a connection whose test requests
// `fetch.baseURI` with Sluice::support_http's client.
#include <boost/json.hpp>
#include <sluice/plugin.hpp>
#include <sluice/settings.hpp>
#include <sluice/support/http/client.hpp>

namespace {

namespace json = boost::json;
namespace http = sluice::support::http;

struct FetchSettings {
  sluice::Schema connection;
  sluice::Setting<std::string> base_uri =
      connection.string("fetch.baseURI").label("Base URI").required();
  sluice::Setting<std::string> ping_method =
      connection.enumeration("fetch.pingMethod", {"GET", "HEAD"}).default_value("GET");
};

const FetchSettings& settings() {
  static const FetchSettings s;
  return s;
}

class FetchConnection : public sluice::Connection {
 public:
  FetchConnection(http::ClientOptions options, std::string method)
      : client_(std::move(options)), method_(std::move(method)) {}
  sluice::Result<void> ping(sluice::Context& context) override {
    http::Request request;
    request.method = method_;
    auto response = client_.send(context, request);
    if (!response) return response.error();
    return {};
  }

 private:
  http::Client client_;
  std::string method_;
};

class FetchConnector : public sluice::Connector {
 public:
  sluice::ConnectorInfo describe() const override {
    sluice::ConnectorInfo info;
    info.name = "fetch";
    info.connection_type = "fetch";
    info.label = "Fetch";
    info.connection = settings().connection;
    return info;
  }
  sluice::Result<std::unique_ptr<sluice::Connection>> open_connection(
      sluice::Context&, const json::object& doc) override {
    auto base_uri = settings().base_uri.read(doc);
    if (!base_uri) return base_uri.error();
    auto method = settings().ping_method.read(doc);
    if (!method) return method.error();
    http::ClientOptions options;
    options.base_uri = std::move(*base_uri);
    return std::unique_ptr<sluice::Connection>(
        new FetchConnection(std::move(options), std::move(*method)));
  }
};

}  // namespace

SLUICE_PLUGIN("fetch", "1.0.0", "an out-of-tree plugin on the http component", FetchConnector)
