// An HTTP export: requests pages (paging.hpp), reads the records at http.response.resourcePath
// and hands them to the host page by page.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "connection.hpp"
#include "paging.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::http {

class HttpExportReader final : public ExportReader {
 public:
  // Validates the export's http.* settings; kInvalidConfig names the setting at fault. `state`
  // is what the host hands open_export: null or a delta state (ignored: the HTTP export has no
  // delta yet) for a run from the start, or {"delta":..,"resume":P} to continue after the page
  // whose state carried resume position P (kInvalidConfig when P is not one this reader wrote).
  static Result<std::unique_ptr<HttpExportReader>> open(Context& context,
                                                        const HttpConnection& connection,
                                                        const boost::json::object& export_doc,
                                                        const boost::json::value& state = {});

  // One request, one page: Page.records is the array at http.response.resourcePath (parsed
  // into a page-sized arena that the records keep alive), Page.state is {"resume": position
  // after this page} (Pager::position() plus "done": true once the export is done), Page.done
  // is set on the last page. After the last page it returns an empty, done page.
  //
  // Errors: the client's classified HTTP errors; kInvalidConfig when the records are not where
  // http.response.resourcePath says (naming the path and listing the top-level keys found);
  // kRemoteError for a body that is not JSON or paging that does not advance; kCancelled.
  Result<Page> next_page(Context& context) override;

 private:
  HttpExportReader(std::shared_ptr<support::http::Client> client, Pager pager)
      : client_(std::move(client)), pager_(std::move(pager)) {}

  // The records array inside `body`, or the error describing where it is not.
  Result<boost::json::array*> records_of(boost::json::value& body, const std::string& method,
                                         const std::string& url);

  // This page's state: {"resume": {...the pager's position, "done": done_}}.
  boost::json::value state() const;

  std::shared_ptr<support::http::Client> client_;
  Pager pager_;
  std::string method_;
  support::Template relative_uri_;
  std::optional<support::Template> body_;
  support::http::Headers headers_;
  std::string resource_path_;
  bool set_page_param_ = false;
  bool done_ = false;
};

}  // namespace sluice::plugins::http
