// How an HTTP export walks through pages: which request comes next and when the export is done,
// for every paging method of integrator.io (http.paging.method). The engine under the universal
// HTTP connector and every branded one: a branded plugin fills PagingSettings with its platform's
// preset, the universal one from the export's http.paging.* settings. It makes no requests and
// renders no templates: the export reader asks it what to send, sends it, and hands it the
// response.
//
//  method       the next request                                 the export ends when
//  (none)       one request                                      after it
//  kPage        the export's request, page = first_page + pages  a page has no records
//  kSkip        the export's request, skip = first_skip + records a page has no records
//  kToken       the export's request, token = the value at path  no token (missing, null, "")
//               (body path or header, path_after_first_request
//               for responses after the first)
//  kUrl         the URL at `path` in the body                    no next URL (missing, null, "")
//  kLinkHeader  the Link header's target with rel=link_relation  no such link
//  kRelativeUri the rendered http.paging.relativeURI (set_next)  a page has no records, or it
//                                                                renders empty
//  kBody        the export's URL with the rendered http.paging   the same
//               .body (set_next)
//
// With every method, the export also ends on a response whose status is last_page_status (that
// response holds no records) — without one, a 404 after the first page, as integrator.io does —
// and when the value at last_page_path is one of last_page_values; with kPage and kSkip, when
// max_page_path (the number of pages) or max_count_path (the number of records) is reached.
// Guard: the same response body, or the same next URL, token or rendered request, more than
// kMaxRepeats times in a row fails the export instead of looping forever.
//
// Not thread-safe: one Pager serves one export reader.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/http/message.hpp"

namespace sluice::support::http {

enum class PagingMethod { kNone, kPage, kSkip, kToken, kUrl, kLinkHeader, kRelativeUri, kBody };

// integrator.io's name of `method` ("page", "linkheader", ...; "" for kNone).
std::string_view paging_method_name(PagingMethod method) noexcept;

// Where kToken finds the next token: a dotted body path, or a response header's name.
enum class PagingTokenLocation { kBody, kHeader };

struct PagingSettings {
  PagingMethod method = PagingMethod::kNone;
  int64_t first_page = 0;   // kPage: the first request's page number
  int64_t first_skip = 0;   // kSkip: the first request's offset
  std::string first_token;  // kToken: the first request's token ("" = none)
  // kToken: where the next token is; kUrl: the dotted body path of the next page's URL.
  std::string path;
  PagingTokenLocation path_location = PagingTokenLocation::kBody;
  std::string path_after_first_request;  // kToken: `path` for the responses after the first
  std::string link_relation = "next";    // kLinkHeader: the rel to follow
  // Where the records are: `resource_path` in the first response ("" = the body is the array),
  // `later_resource_path` in the later ones when set (http.paging.resourcePath).
  std::string resource_path;
  std::optional<std::string> later_resource_path;
  std::optional<int> last_page_status;
  std::string last_page_path;
  std::vector<std::string> last_page_values;  // compared as text (text_of)
  std::string max_page_path;
  std::string max_count_path;
};

// The text a response value is compared as with configured values (lastPageValues): strings as
// they are, other scalars as JSON text ("true" matches true, "200" matches 200); null and missing
// are both "null".
std::string paging_text_of(const boost::json::value* value);

// What the pager decided after a response, and why, in words for a trace line ("next page 3
// (page method; 10 records on page 2)", "last page — no Link rel=\"next\"").
struct PagingDecision {
  bool last = false;
  std::string reason;
};

// One response as the pager reads it. Borrowed for the call.
struct PageResponse {
  std::string_view url;  // the absolute URL requested (relative Link targets resolve against it)
  const Headers* headers = nullptr;
  std::string_view raw;                      // the body as received
  const boost::json::value* body = nullptr;  // parsed (the records may be replaced by [])
  size_t records = 0;                        // how many records it held
};

class Pager {
 public:
  // More repeats than this of one body, next URL, token or rendered request in a row fail.
  static constexpr int kMaxRepeats = 5;

  // `redact_url` hides credentials in URLs quoted by errors, reasons and position().
  Pager(PagingSettings settings, std::function<std::string(std::string_view)> redact_url);

  const PagingSettings& settings() const noexcept { return settings_; }
  // True until the first response has been taken.
  bool first() const noexcept { return pages_ == 0; }
  // True once a decision (or end_on_status) said last.
  bool done() const noexcept { return done_; }
  // The page number of the next request: first_page + responses taken.
  int64_t page() const noexcept { return settings_.first_page + pages_; }
  // The offset of the next request: first_skip + records received.
  int64_t skip() const noexcept { return settings_.first_skip + records_; }
  // kToken: the token of the next request (first_token before the first response).
  const std::string& token() const noexcept { return token_; }
  // Records in the responses taken so far; responses taken so far.
  int64_t records() const noexcept { return records_; }
  int64_t pages() const noexcept { return pages_; }

  // kUrl and kLinkHeader after the first response: the next request goes to next_url()
  // (absolute, or relative to the base URI as the client joins it).
  bool follows_url() const noexcept;
  const std::string& next_url() const noexcept { return next_; }
  // kRelativeUri and kBody after the first response: the next request's relative URI (kRelativeUri)
  // or body (kBody) is next_rendered(), which the reader set with set_next() after rendering
  // http.paging.relativeURI or http.paging.body.
  bool uses_next_template() const noexcept;
  const std::string& next_rendered() const noexcept { return next_; }
  // Where the records of the response to the next request are.
  const std::string& resource_path() const noexcept;

  // Before reading a response of status `status`: a last-page decision when the status ends the
  // export (last_page_status; else 404 after the first response with a paging method), nullopt
  // otherwise. A response that ends the export this way holds no records.
  std::optional<PagingDecision> end_on_status(int status);

  // Takes the response to the request just made and decides. Errors: kRemoteError when paging is
  // not advancing (the guard), kInvalidConfig when the next URL or token is not a scalar.
  Result<PagingDecision> advance(const PageResponse& response);

  // kRelativeUri and kBody, after advance() decided "next": the rendered template of the next
  // request. Empty (or only spaces) ends the export; the same text more than kMaxRepeats times
  // in a row is the guard's kRemoteError.
  Result<PagingDecision> set_next(std::string rendered);

  // Where the pager is, as a page state's "resume" (sdk/README.md): {"pages": responses taken,
  // "records": records they held} plus, after the first response, "nextUrl" (kUrl,
  // kLinkHeader; credentials redacted), "token" (kToken) or "next" (kRelativeUri, kBody). A pager
  // restored from it requests the same next page.
  boost::json::object position() const;
  // Continues from a position() (of a pager with the same settings). kInvalidConfig when it is
  // not one, naming what is wrong.
  Result<void> restore(const boost::json::value& position);

 private:
  Result<PagingDecision> decide(const PageResponse& response);
  Result<PagingDecision> take_next(std::string next, std::string_view what);
  PagingDecision last(std::string reason);

  PagingSettings settings_;
  std::function<std::string(std::string_view)> redact_url_;
  int64_t pages_ = 0;
  int64_t records_ = 0;
  bool done_ = false;
  std::string token_;
  std::string next_;  // next URL, or rendered next request
  size_t last_body_hash_ = 0;
  size_t last_body_size_ = 0;
  int body_repeats_ = 0;
  int next_repeats_ = 0;
};

// One link of an RFC 8288 Link header: <target>; rel="a b"; other="params".
struct Link {
  std::string target;                                       // as written between < and >
  std::vector<std::string> rels;                            // rel's relation types, lower case
  std::vector<std::pair<std::string, std::string>> params;  // every param, names lower case
};

// The links of one Link header value, as GitHub and Shopify send them: several links separated
// by commas, params as tokens or quoted strings (commas and semicolons inside quotes, backslash
// escapes). A malformed link is skipped; the rest are kept.
std::vector<Link> parse_link_header(std::string_view value);

// The target of the first link with relation `rel` (compared case-insensitively) in all the Link
// headers of `headers`, resolved against `request_url`; nullopt when there is none.
std::optional<std::string> find_link(const Headers& headers, std::string_view rel,
                                     std::string_view request_url);

// `reference` resolved against the absolute URL `base` (RFC 3986 §5.2 without dot-segment
// removal): absolute as it is, "//host/x" with base's scheme, "/x" on base's origin, "?q" with
// base's path, "x" beside base's last path segment. Bytes are kept as written.
std::string resolve_reference(std::string_view base, std::string_view reference);

}  // namespace sluice::support::http
