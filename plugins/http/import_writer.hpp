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
#include "import_config.hpp"
#include "media.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

class HttpImportWriter final : public ImportWriter {
 public:
  // Validates the import's settings (import_config.hpp); kInvalidConfig names the setting at
  // fault, also for a template using a variable an import does not have (template_context.hpp).
  static Result<std::unique_ptr<HttpImportWriter>> open(Context& context,
                                                        const HttpConnection& connection,
                                                        const boost::json::object& import_doc);

  // Sends `records` in order, http.batchSize per request (body: http.body rendered against the
  // batch, or without it the record itself with batch size 1, else a JSON array of the batch's
  // records, serialized straight from `records`; relativeURI, body and header templates see
  // {{record}} bound to the record, not copied, and {{batch_of_records}}), up to the
  // connection's http.concurrencyLevel requests at once, and returns exactly one result per
  // record, in record order (each request writes only its own records' results):
  //  - a record that ignoreExisting / ignoreMissing leaves out: ignored (not sent).
  //  - composite (http.requestType CREATE and UPDATE): each record takes its request type's
  //    method, relativeURI, body and response paths (http.existingExtract); a batch's creates
  //    and its updates are sent as separate requests, each in record order.
  //  - the body is written for the request media type (media.hpp): template values escaped for
  //    it, urlencoded/form-data forms of the record's fields without http.body (a record with
  //    no form encoding fails alone, code invalid_body); responses are decoded per the success
  //    or error media type before the rules below read them.
  //  - 2xx: each record's result item (http.response.resourcePath, or the response array, or
  //    with batch size 1 the whole response) decides: an item with a non-empty errors array, a
  //    status/statusCode >= 400, a value at failPath among failValues, or a value at
  //    successPath outside successValues makes that record an error (codes from the item,
  //    message from errorPath or errors[].message); the id comes from resourceIdPath (else the
  //    item's id, else _id). If the items cannot be aligned with the records sent, every record
  //    of that request is an error saying so.
  //  - a template that fails (an unknown helper, bad arguments, with strictHandlebarEvaluation a
  //    missing field) or, with ignoreEmptyNodes, a body that is not JSON: the request's records
  //    fail with that error (naming the setting); nothing is sent for them.
  //  - other 4xx (and 3xx), never retried: the request's records fail with that status and the
  //    API's message (with batch size 1 the response is read as the record's result first).
  //  - 5xx and 429 once the client's retries are spent: the request's records fail with that
  //    status and the client's message; the other requests go on.
  //  - 401/403: a failed Result (kAuthFailed); connection failures: a failed Result
  //    (kTransient); cancellation: kCancelled. The whole page fails then: requests in flight
  //    finish, no further one starts, and the error of the first failing request is returned.
  Result<std::vector<RecordResult>> submit(Context& context,
                                           const boost::json::array& records) override;

  // The same from the host's text, with the same requests and results. For a plain import
  // (no requestType choice, nothing ignored, no ignoreEmptyNodes) without http.body and when no
  // template reads the records ({{record}}, {{batch_of_records}}), each body is cut from the
  // text: the records' own text (numbers and all as the host wrote them: JavaScript's format
  // for a record a step changed, the export's text for one no step changed), not parsed and
  // re-serialized (json requests only). Otherwise (or for text that is not a JSON array of
  // `count` records) the
  // SDK's default: parsed, then submit().
  Result<std::vector<RecordResult>> submit_text(Context& context, std::string_view records_json,
                                                size_t count) override;

 private:
  HttpImportWriter(std::shared_ptr<support::http::Client> client, ImportPlan plan)
      : client_(std::move(client)), plan_(std::move(plan)) {}

  // One request to send: records `indices` (of the page, in record order) with operation `op`.
  struct Group {
    size_t op = 0;
    std::vector<size_t> indices;
  };
  // Splits records [first, first + count) (one batch) into its requests, one per operation the
  // batch uses, appended to `groups`; marks the records it ignores in `results`.
  void plan_batch(const boost::json::array& records, size_t first, size_t count,
                  std::vector<Group>& groups, std::vector<RecordResult>& results) const;
  // Runs `job` for requests [0, count), up to workers_ at once (parallel.hpp), each with its
  // worker's reused body buffer and a Context usable from its thread; the lowest-numbered
  // failed request's error fails the call.
  Result<void> run_requests(Context& context, size_t count,
                            const std::function<Result<void>(Context&, size_t, std::string&)>& job);
  // Sends records `indices` (of `records`, in order) in one request of `op`, with `body` as its
  // reused body buffer; appends their results to `out`. Const, as everything below: requests
  // run on several threads at once and share no mutable state.
  Result<void> send_group(Context& context, const boost::json::array& records,
                          const std::vector<size_t>& indices, const Operation& op,
                          std::string& body, std::vector<RecordResult>& out) const;
  // Sends `request` (its body set) of `op` for `count` records and appends their results.
  Result<void> exchange(Context& context, const Operation& op, support::http::Request& request,
                        size_t count, std::vector<RecordResult>& out) const;
  // Appends `count` results failing with `error` under `code`.
  static void fail_all(const std::string& code, const std::string& message, size_t count,
                       std::vector<RecordResult>& out);
  // `body` set to elements [first, first + count): the element itself with batch size 1, else
  // a JSON array of them.
  void append_body_text(const std::vector<std::string_view>& elements, size_t first, size_t count,
                        std::string& body) const;
  RecordResult evaluate(const ResponseRules& rules, const boost::json::value& item,
                        int http_status) const;
  static RecordResult batch_failure(int status, std::string code, const std::string& message);
  // Renders the request of `op` for `indices` (URL, headers, Content-Type and Accept) into
  // `request` and, with a body template, the body into `body` (not yet encoded: see
  // StepMedia::encode_rendered).
  Result<void> render_request(const Operation& op, const boost::json::array& records,
                              const std::vector<size_t>& indices, support::http::Request& request,
                              std::string& body) const;
  // The same with `record` and `batch` (null unless a template uses batch_of_records) bound.
  Result<void> render_request(const Operation& op, const boost::json::value& record,
                              const boost::json::value& batch, support::http::Request& request,
                              std::string& body) const;

  std::shared_ptr<support::http::Client> client_;
  ImportPlan plan_;
  HeaderTemplates headers_;
  ConnectionVariables connection_;
  bool uses_batch_ = false;  // some template uses batch_of_records: built per batch
  bool text_body_ = false;   // plain import, no http.body and no template reads the records
  size_t batch_size_ = 1;
  StepMedia media_;  // request body escaping and encoding, response decoding (media.hpp)
  // Requests in flight at once: the connection's http.concurrencyLevel (its gate's cap).
  size_t workers_ = 1;
  std::vector<std::string> bodies_;  // one request body buffer per worker, reused between calls
};

}  // namespace sluice::plugins::http
