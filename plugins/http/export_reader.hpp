// An HTTP export: requests pages (the engine's Pager, paging.hpp), reads the records at
// http.response.resourcePath and hands them to the host page by page.
//
// Trace: for every request it logs three debug lines (what `sluice export preview` shows):
//   request: <METHOD> <absolute URL, credentials masked>[, <n> bytes: <body, masked>]
//   response: <status> <reason>, <n> bytes: <body: at most 4 KB on one line, masked>
//   paging: <the decision and why> (Pager's reason, e.g. "next page 3 (page method; 100
//           records on page 2)" or "last page — no Link rel=\"next\"")
// and warns once per export when a response has no records at the resource path but holds an
// array of objects elsewhere, naming that path.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "connection.hpp"
#include "media.hpp"
#include "paging.hpp"
#include "parallel.hpp"
#include "sluice/connector.hpp"
#include "sluice/support/template.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

class HttpExportReader final : public ExportReader {
 public:
  // With type once, next_page fails (kInternal) rather than keep more pages than this waiting
  // for page_committed: the host commits pages in order, a few behind at most.
  static constexpr size_t kMaxUncommittedPages = 64;
  // With page and skip paging whose requests do not depend on the previous response (no
  // previous_page, no http.paging.relativeURI/body, not type once), up to
  // min(http.concurrencyLevel, this) requests are sent at once, through the connection's gate,
  // and their pages returned strictly in order; skip paging steps by the last page's records
  // while pages come back full (so not before the first page, nor after a short one). When a page
  // turns out to be the last, the pages fetched after it are discarded, never returned, and counted
  // in a debug line
  // ("paging: discarded 2 pages fetched ahead"); the error of a discarded page is never seen.
  // The trace lines of a page are logged when it is returned, so they read as one at a time.
  // Otherwise (any paging method, one request at a time), the next page's request is sent as
  // soon as a page is handed to the host, on a thread of the reader's, so that its round trip
  // overlaps the host's work on that page; its response is the next page. Not with type
  // once (a once request may change what the next page holds), type test or a test-mode run (the
  // host stops after a few records: the request would be wasted), nor after the last page.
  // Linkheader paging whose requests differ only by their URL (no previous_page, no body, no
  // header using the export's variables) chains them on that thread: each response's Link
  // target is requested as soon as the response is in, with at most kChainWindow responses
  // waiting to be read, so no host call sits between two requests. A page that turns out to be
  // the last, or a pager that disagrees with the Link followed, drops what was chained after it.
  // A reader closed with a request ahead in flight waits for it (bounded by the client's
  // timeouts) and discards it.
  static constexpr size_t kChainWindow = 2;
  static constexpr size_t kMaxFetchAhead = 4;
  // The most of a request or response body a trace line shows: 4 KB.
  static constexpr size_t kTraceBodyBytes = 4096;

  // Validates the export's http.* settings; kInvalidConfig names the setting at fault, also
  // for a template using a variable its setting does not have (template_context.hpp), a
  // `delta` export none of whose templates uses {{lastExportDateTime}} (it would export every
  // record on every run) and a `once` export without http.once.relativeURI. The run type and
  // the run's variables come from context.run() (the export's "type" when a 1.0 host opened
  // it). `state` is what the host hands open_export: null or a delta state (the host keeps the
  // delta's timestamps: the plugin reads them from the run) for a run from the start, or
  // {"delta":..,"resume":P} to continue after the page whose state carried resume position P
  // (kInvalidConfig when P is not one this reader wrote).
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
  // http.response.resourcePath says (naming the path, listing the top-level keys found and an
  // array of objects found elsewhere); kRemoteError for a body that is not JSON, a 2xx that
  // http.response.failPath/successPath mark failed (with the message at errorPath), or paging
  // that does not advance; kCancelled.
  Result<Page> next_page(Context& context) override;

  // With type once: sends http.once (method, relativeURI and body rendered per record) once
  // for each record of the page whose state is `state`, in order. A request that fails fails
  // the call (so the job), naming the record; the records of that page are forgotten either
  // way. Other types: nothing.
  Result<void> page_committed(Context& context, const boost::json::value& state) override;

 private:
  HttpExportReader(std::shared_ptr<support::http::Client> client, Pager pager)
      : client_(std::move(client)), pager_(std::move(pager)) {}

  // A response's records and the body the pager and the response checks read.
  struct Parsed {
    boost::json::value body;  // with records_text: the body with [] in the records' place
    boost::json::array* records = nullptr;  // in `body`; null with records_text
    std::string_view records_text;          // the records' array in the response's text
    size_t count = 0;
  };

  // The records array inside `body`, or the error describing where it is not.
  Result<boost::json::array*> records_of(boost::json::value& body, const std::string& url);

  // The response body as JSON, parsed into `arena`: the one place a body becomes a value.
  Result<boost::json::value> parse_body(const support::http::Response& response,
                                        boost::json::storage_ptr arena) const;
  // The page as text (Page::records_json), without a DOM of its records: the records' array
  // found at the resource path in the body's text and validated, the rest of the body parsed for
  // paging. nullopt when the body is not as expected (the DOM path then reports what is wrong).
  std::optional<Parsed> text_records(const support::http::Response& response) const;
  // True when no setting needs the records as values: neither previous_page, nor type once,
  // nor a paging or response path inside the records.
  bool can_page_as_text() const;
  // http.response.failPath/successPath: the error for a 2xx body they mark failed.
  Result<void> check_response(const boost::json::value& body, const std::string& url) const;
  // The warning of a response without records but with an array of objects elsewhere.
  void warn_if_misplaced(Context& context, const boost::json::value& body, size_t count,
                         const std::string& url);
  // Renders http.paging.relativeURI or http.paging.body for the next request.
  Result<PagingDecision> render_next(PagingDecision decision);

  // This page's state: {"resume": {...the pager's position, "done": done_}}.
  boost::json::value state() const;
  // Sets export.http.paging {page, skip} of context_ to these, token to the pager's.
  void update_paging_variables(int64_t page, int64_t skip);
  // Renders the request for the page with this page number and offset (the pager's, or one
  // ahead of it).
  Result<support::http::Request> build_request(std::string& body_text, int64_t page, int64_t skip);
  // A request sent ahead of its page (fetch_ahead_ > 1).
  struct Fetched {
    int64_t page = 0, skip = 0;
    std::string body;  // the request's body text (request.body borrows it)
    support::http::Request request;
    std::optional<Result<support::http::Response>> response;
    bool ready = false;  // chained: the response is in (under background_'s lock)
  };
  // Sends the requests of the next pages at once (run_parallel), into ahead_.
  Result<void> fetch_ahead(Context& context);
  // Sends the pager's next request on background_ (request_ahead_), into pending_, once a page
  // was read (so its templates see that page's variables).
  void send_ahead(Context& context);
  // Whether pending_ is the request of the pager's next page.
  bool pending_is_next() const;
  // Waits for pending_ and forgets it.
  void drop_pending(Context& context);
  // chain_: the next page's request and response, from the chain on background_ (started when
  // none runs).
  Result<std::unique_ptr<Fetched>> take_chained(Context& context);
  // The chain's job: requests `first`, then each Link target (see kChainWindow).
  void run_chain(Context& worker, Fetched* first);
  // Stops the chain and forgets what it fetched.
  void stop_chain(Context& context);
  // Forgets the pages fetched ahead, with a debug line counting them.
  void discard_fetched(Context& context);
  // The page of a response to `request`.
  Result<Page> page_from(Context& context, const support::http::Request& request,
                         const support::http::Response& response);
  // The debug trace lines (see above).
  void trace_request(Context& context, const support::http::Request& request) const;
  void trace_response(Context& context, const support::http::Response& response) const;
  // Takes a 2xx response into previous_page (when templates use it).
  void remember_response(const support::http::Response& response, const boost::json::value& body,
                         const boost::json::array& records);

  std::shared_ptr<support::http::Client> client_;
  Pager pager_;
  std::string method_;
  support::Template relative_uri_;
  std::optional<support::Template> body_;
  HeaderTemplates headers_;
  // http.paging.relativeURI / http.paging.body (relativeuri / body paging).
  std::optional<support::Template> next_template_;
  // http.response.successPath/Values, failPath/Values, errorPath.
  std::string success_path_;
  std::vector<std::string> success_values_;
  std::string fail_path_;
  std::vector<std::string> fail_values_;
  std::string error_path_;
  StepMedia media_;  // request body escaping and encoding, response decoding (media.hpp)
  bool set_page_param_ = false;
  bool done_ = false;
  bool warned_misplaced_ = false;

  // The variables of this run's requests (template_context.hpp), updated in place per page;
  // the connection is bound, not copied.
  boost::json::value context_;
  ConnectionVariables connection_;
  bool uses_previous_page_ = false;
  bool as_text_ = false;  // can_page_as_text()
  size_t fetch_ahead_ = 1;
  int64_t last_count_ = 0;   // records on the last page returned
  int64_t first_count_ = 0;  // records on the first page with any
  std::deque<std::unique_ptr<Fetched>> ahead_;
  bool request_ahead_ = false;        // see kMaxFetchAhead
  std::unique_ptr<Fetched> pending_;  // the request background_ sends ahead
  bool chain_ = false;                // see kChainWindow
  // The chain's requests in page order (the front may be in flight), and its stop flag: shared
  // with the job, under background_'s lock.
  std::deque<std::unique_ptr<Fetched>> chained_;
  bool chain_stop_ = false;

  // type once: http.once, and the records of the pages handed out but not committed yet,
  // keyed by the "pages" of their state's resume position.
  bool once_ = false;
  std::string once_method_;
  std::optional<support::Template> once_uri_;
  std::optional<support::Template> once_body_;
  std::deque<std::pair<int64_t, boost::json::array>> uncommitted_;

  // Last: destroyed first, so that a request still in flight ends before what it uses.
  std::unique_ptr<BackgroundWorker> background_;
};

}  // namespace sluice::plugins::http
