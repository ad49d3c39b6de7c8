// An HTTP lookup: an HTTP export with isLookup: true used as a flow's page processor. For each
// record it sends one request, rendered against that record, and returns what the response
// holds as the record's data (docs/http.md, "Lookups").
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "connection.hpp"
#include "media.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

class HttpLookup final : public Lookup {
 public:
  // Validates the export's http.* settings as HttpExportReader::open does (kInvalidConfig
  // naming the setting), with the variables of a lookup request (template_context.hpp: record,
  // connection, settings, job, export.http.paging; not batch_of_records or previous_page), and
  // refuses what a lookup cannot do: http.once.* and an export type delta or once.
  // Paging: as integrator.io, a lookup reads the first page only: with http.paging.method page
  // its request is that of the export's first page ({{export.http.paging.page}} is
  // http.paging.page, else the query parameter page=N is set); other paging settings are not
  // acted on.
  static Result<std::unique_ptr<HttpLookup>> open(Context& context,
                                                  const HttpConnection& connection,
                                                  const boost::json::object& export_doc);

  // One request per record, up to the connection's http.concurrencyLevel at once (the
  // connection's client: keep-alive, its process-wide gate), results in record order.
  // Per record:
  //  - 2xx: the value at http.response.resourcePath (the body itself without one): an array
  //    is the record's data, an object is one record, an empty body or null is no data. A body
  //    that is not JSON, or a resourcePath that is missing or holds a scalar, is that record's
  //    error ("invalid_response", naming the request and the path).
  //  - 404 and other 3xx/4xx except 401/403/429: that record's error, code the status (e.g.
  //    "404"), message the client's (method, URL, status, body snippet, secrets hidden).
  //  - a template that fails to render (a helper refusing its arguments): that record's error
  //    ("template"), nothing sent.
  // A record's error after a request carries, as its details, the exchange (exchange()).
  // A failed Result fails the whole page: 401/403 (kAuthFailed), 429 and 5xx after the
  // client's retries, transport failures, kCancelled (no further request is started then; of
  // several failures, the first record's).
  Result<std::vector<LookupResult>> lookup(Context& context,
                                           const boost::json::array& records) override;

 private:
  explicit HttpLookup(std::shared_ptr<support::http::Client> client) : client_(std::move(client)) {}

  // The request, response and result of one record, `body` its worker's body buffer. Const,
  // as everything it calls: records run on several threads at once.
  Result<void> lookup_one(Context& context, const boost::json::value& record, std::string& body,
                          LookupResult& result) const;
  // Renders the request for `record` into `request` (the body into `body`).
  Result<void> render_request(const boost::json::value& record, support::http::Request& request,
                              std::string& body) const;
  // The data of a 2xx response, or the record's error.
  LookupResult read_response(const support::http::Response& response) const;
  // {"request": {method, url, body?}, "response": {statusCode, body}} of the request just sent
  // (`body`) and its `response`: the URL with credentials hidden, the bodies redacted, the
  // response's cut to kExchangeBodyBytes. No headers (they hold the credentials).
  boost::json::value exchange(const std::string& body,
                              const support::http::Response& response) const;
  static constexpr size_t kExchangeBodyBytes = 2048;

  std::shared_ptr<support::http::Client> client_;
  std::string method_;
  support::Template relative_uri_;
  std::optional<support::Template> body_template_;
  HeaderTemplates headers_;
  std::string resource_path_;
  StepMedia media_;  // request body escaping and encoding, response decoding (media.hpp)
  std::optional<int64_t> page_param_;  // page paging without the page in a template: page=N
  boost::json::value context_;         // export_variables(), paging.page the first page
  ConnectionVariables connection_;
  size_t workers_ = 1;               // requests at once: the connection's http.concurrencyLevel
  std::vector<std::string> bodies_;  // one request body buffer per worker, reused between calls
};

}  // namespace sluice::plugins::http
