// An HTTP import: sends a page of records in batches of http.batchSize and maps each response
// back to one RecordResult per record.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "connection.hpp"
#include "media.hpp"
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

  // Sends `records` in order, http.batchSize per request, up to the connection's
  // http.concurrencyLevel requests at once (each batch's results kept in record order) (body:
  // http.body rendered against the batch, or without it the record itself with batch size 1, else a
  // JSON array of the batch's records, serialized straight from `records`; relativeURI, body and
  // header templates see
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

  // The same from the host's text, with the same requests and results. Without http.body and
  // when no template reads the records ({{record}}, {{batch_of_records}}), each body is cut
  // from the text: the records' own text (numbers and all as the host wrote them: JavaScript's
  // format for a record a step changed, the export's text for one no step changed), not parsed
  // and re-serialized. Otherwise (or for text that is not a JSON array of `count` records) the
  // SDK's default: parsed, then submit().
  Result<std::vector<RecordResult>> submit_text(Context& context, std::string_view records_json,
                                                size_t count) override;

 private:
  explicit HttpImportWriter(std::shared_ptr<support::http::Client> client)
      : client_(std::move(client)) {}

  // Runs `batch` for batches [0, batches), up to workers_ at once (parallel.hpp), each with
  // its worker's reused body buffer and a Context usable from its thread; the lowest-numbered
  // failed batch's error fails the call.
  Result<void> run_batches(
      Context& context, size_t batches,
      const std::function<Result<void>(Context&, size_t, std::string&)>& batch);
  // The results of every batch, in batch order: the records' order.
  static std::vector<RecordResult> concatenate(std::vector<std::vector<RecordResult>>& slices,
                                               size_t count);
  // Submits records [first, first + count) with `body` as the request body buffer and appends
  // their results to `out`. Const, as everything below: batches run on several threads at once.
  Result<void> submit_batch(Context& context, const boost::json::array& records, size_t first,
                            size_t count, std::string& body, std::vector<RecordResult>& out) const;
  // Sends `request` (its body set) for a batch of `count` records and appends their results.
  Result<void> exchange(Context& context, support::http::Request& request, size_t count,
                        std::vector<RecordResult>& out) const;
  // Appends `count` results failing with the template error `error`.
  void fail_batch(const Error& error, size_t count, std::vector<RecordResult>& out) const;
  // Sets `body` to elements [first, first + count): the element itself with batch size 1, else
  // a JSON array of them.
  void append_body_text(const std::vector<std::string_view>& elements, size_t first, size_t count,
                        std::string& body) const;
  RecordResult evaluate(const boost::json::value& item, int http_status) const;
  RecordResult batch_failure(int status, std::string code, const std::string& message) const;
  // Renders the batch's request (URL, headers and, with http.body, `body`) into `request`.
  Result<void> render_request(const boost::json::array& records, size_t first, size_t count,
                              support::http::Request& request, std::string& body) const;
  // The same with `record` and `batch` (null unless a template uses batch_of_records) bound.
  Result<void> render_request(const boost::json::value& record, const boost::json::value& batch,
                              support::http::Request& request, std::string& body) const;

  std::shared_ptr<support::http::Client> client_;
  std::string method_;
  support::Template relative_uri_;
  std::optional<support::Template> body_template_;
  HeaderTemplates headers_;
  ConnectionVariables connection_;
  bool uses_batch_ = false;  // some template uses batch_of_records: built per batch
  bool text_body_ = false;   // no http.body and no template reads the records: submit_text cuts
  size_t batch_size_ = 1;
  std::string resource_path_;
  std::string id_path_;
  std::string success_path_;
  std::vector<std::string> success_values_;
  std::string error_path_;
  StepMedia media_;  // request body escaping and encoding, response decoding (media.hpp)
  // Batches in flight at once: the connection's http.concurrencyLevel (its gate's cap).
  size_t workers_ = 1;
  std::vector<std::string> bodies_;  // one request body buffer per worker, reused between calls
};

}  // namespace sluice::plugins::http
