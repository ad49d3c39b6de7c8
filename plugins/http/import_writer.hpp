// An HTTP import: sends a page of records in batches of http.batchSize and maps each response
// back to one RecordResult per record.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "connection.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

class HttpImportWriter final : public ImportWriter {
 public:
  // Validates the import's http.* settings; kInvalidConfig names the setting at fault, also for
  // a template using a variable an import does not have (template_context.hpp).
  static Result<std::unique_ptr<HttpImportWriter>> open(Context& context,
                                                        const HttpConnection& connection,
                                                        const boost::json::object& import_doc);

  // Sends `records` in order, http.batchSize per request (body: http.body rendered against the
  // batch, or without it the record itself with batch size 1, else a JSON array of the batch's
  // records, serialized straight from `records`; relativeURI, body and header templates see
  // {{record}} bound to the record, not copied, and {{batch_of_records}}), and
  // returns exactly one result per record:
  //  - 2xx: each record's result item (http.response.resourcePath, or the response array, or
  //    with batch size 1 the whole response) decides: an item with a non-empty errors array, a
  //    status/statusCode >= 400, or a value at successPath outside successValues makes that
  //    record an error (codes from the item, message from errorPath or errors[].message); the
  //    id comes from resourceIdPath. If the items cannot be aligned with the records sent,
  //    every record of the batch is an error saying so.
  //  - a template that fails (an unknown helper, bad arguments): every record of the batch fails
  //    with the template's error (naming the setting and the helper); nothing is sent.
  //  - other 4xx (and 3xx): every record of the batch fails with that status and the response
  //    snippet (with batch size 1 the response is read as the record's result first).
  //  - 401/403: a failed Result (kAuthFailed); 5xx and 429 once retries are spent, connection
  //    failures: a failed Result (kTransient / kRateLimited). The whole page fails then.
  Result<std::vector<RecordResult>> submit(Context& context,
                                           const boost::json::array& records) override;

 private:
  explicit HttpImportWriter(std::shared_ptr<support::http::Client> client)
      : client_(std::move(client)) {}

  // Submits records [first, first + count) and appends their results to `out`.
  Result<void> submit_batch(Context& context, const boost::json::array& records, size_t first,
                            size_t count, std::vector<RecordResult>& out);
  RecordResult evaluate(const boost::json::value& item, int http_status) const;
  RecordResult batch_failure(int status, std::string code, const std::string& message) const;
  // Renders the batch's request (URL, headers and, with http.body, body_) into `request`.
  Result<void> render_request(const boost::json::array& records, size_t first, size_t count,
                              support::http::Request& request);

  std::shared_ptr<support::http::Client> client_;
  std::string method_;
  support::Template relative_uri_;
  std::optional<support::Template> body_template_;
  HeaderTemplates headers_;
  ConnectionVariables connection_;
  bool uses_batch_ = false;  // some template uses batch_of_records: built per batch
  size_t batch_size_ = 1;
  std::string resource_path_;
  std::string id_path_;
  std::string success_path_;
  std::vector<std::string> success_values_;
  std::string error_path_;
  std::string body_;  // reused between batches
};

}  // namespace sluice::plugins::http
