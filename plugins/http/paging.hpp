// How an HTTP export walks through pages (http.paging.*): which page to request next and when
// the export is done. Kept apart from the requests themselves so the rules read in one place:
//
//  - no http.paging.method: one request, one page.
//  - page: the page number starts at http.paging.page (default 0) and grows by one per request;
//    an empty page ends the export.
//  - url: the next request goes to the URL found at http.paging.path in the response body
//    (absolute, or relative to the base URI); a missing, null or empty one ends the export.
//  - with any method: a response with http.paging.lastPageStatusCode ends the export (that
//    response holds no records); so does a value at http.paging.lastPagePath equal to one of
//    http.paging.lastPageValues; with page, so do http.paging.maxPagePath (number of the last
//    page) and http.paging.maxCountPath (total number of records).
//  - guard: the same response body, or the same next-page URL, coming back more than 5 times
//    in a row fails the export instead of looping forever (integrator.io does the same).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "config.hpp"
#include "sluice/result.hpp"

namespace sluice::plugins::http {

enum class PagingMethod { kNone, kPage, kUrl };

struct PagingSettings {
  PagingMethod method = PagingMethod::kNone;
  int64_t first_page = 0;
  std::string next_url_path;
  std::optional<int> last_page_status;
  std::string last_page_path;
  std::vector<std::string> last_page_values;
  std::string max_page_path;
  std::string max_count_path;

  static Result<PagingSettings> read(const boost::json::object& export_doc);
};

// The path templates use for the current page number.
inline constexpr std::string_view kPagePath = "export.http.paging.page";

class Pager {
 public:
  // More repeats than this of one body or next URL in a row fail the export.
  static constexpr int kMaxRepeats = 5;

  // `redact_url` hides credentials in URLs quoted by errors.
  Pager(PagingSettings settings, std::function<std::string(std::string_view)> redact_url);

  const PagingSettings& settings() const noexcept { return settings_; }
  // True until the first response has been taken.
  bool first() const noexcept { return pages_ == 0; }
  // The page number of the next request (page paging; first_page + pages so far otherwise).
  int64_t page() const noexcept { return settings_.first_page + pages_; }
  // With url paging after the first page: the next URL, as found in the response.
  const std::string& next_url() const noexcept { return next_url_; }
  // Records in the responses taken so far.
  int64_t records() const noexcept { return records_; }
  // Responses taken so far.
  int64_t pages() const noexcept { return pages_; }

  // True when `status` is http.paging.lastPageStatusCode.
  bool is_last_page_status(int status) const noexcept {
    return settings_.last_page_status && *settings_.last_page_status == status;
  }

  // Where the pager is, as a page state's "resume" (sdk/README.md): {"pages": requests answered
  // so far, "records": records they held, "nextUrl": with url paging, the URL of the next
  // request, with credentials redacted: it is stored in the job, and the client adds its token
  // parameter to every request anyway}. A pager restored from it requests the same next page.
  boost::json::object position() const;
  // Continues from a position() (of a pager with the same settings). kInvalidConfig when it is
  // not one, naming what is wrong.
  Result<void> restore(const boost::json::value& position);

  // Takes the response to the request just made (`raw` its body text, `body` parsed,
  // `records` how many it held) and returns whether it was the last page; an Error when the
  // API loops or the next URL is not a string.
  Result<bool> advance(std::string_view raw, const boost::json::value& body, size_t records);

 private:
  PagingSettings settings_;
  std::function<std::string(std::string_view)> redact_url_;
  int64_t pages_ = 0;
  int64_t records_ = 0;
  std::string next_url_;
  size_t last_body_hash_ = 0;
  size_t last_body_size_ = 0;
  int body_repeats_ = 0;
  int url_repeats_ = 0;
};

}  // namespace sluice::plugins::http
