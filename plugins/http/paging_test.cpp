// HTTP exports paging by every method against the mock API's /api/paging/<style> endpoints
// (tools/mock_api/paging.hpp), each asserting the exact requests the API received and the exact
// records exported; then the loop guard and resuming per method, the resource path warning, the
// response's success and failure paths and the debug trace the preview shows.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "sluice/testing/recording_host.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;
using sluice::testing::RecordingHost;

// "item-01" ... for items first..last of the mock's data set.
std::vector<std::string> item_ids(int first, int last) {
  std::vector<std::string> ids;
  for (int n = first; n <= last; ++n) ids.push_back(fmt::format("item-{:02}", n));
  return ids;
}

// The mock's opaque cursor for `offset` (paging.cpp).
std::string cursor(std::string_view prefix, int offset) {
  return fmt::format("{}{:x}", prefix, offset * 7919 + 13);
}

json::object http_export(std::string_view http) {
  return json::object{{"http", json::parse(http).as_object()}};
}

class HttpPaging : public ::testing::Test {
 protected:
  HttpPaging() : server_({.orders = 25}), connection_(open_connection(connection_doc(server_))) {}

  Pages run(const json::object& doc, int max_pages = 20) {
    auto reader = open_export(*connection_, doc);
    if (!reader) return {};
    return read_all(*reader, max_pages);
  }

  // The target of every request the API received, in order (with a POST's body after a space).
  std::vector<std::string> requests() const {
    std::vector<std::string> out;
    const json::value all = server_.get_json("/_mock/requests");
    for (const json::value& r : all.at("requests").as_array()) {
      std::string line(r.at("target").as_string());
      if (r.at("method") == "POST") line += " " + std::string(r.at("body").as_string());
      out.push_back(std::move(line));
    }
    return out;
  }

  std::string url(std::string_view target) const {
    return server_.base_url() + std::string(target);
  }

  MockApiServer server_;
  std::unique_ptr<HttpConnection> connection_;
};

TEST_F(HttpPaging, PageNumbersStopAtMaxPagePath) {
  const Pages pages = run(http_export(R"({"relativeURI":"/api/paging/pages?per_page=10&page=)"
                                      R"({{export.http.paging.page}}","paging":{"method":"page",)"
                                      R"("page":1,"maxPagePath":"total_pages"},)"
                                      R"("response":{"resourcePath":"items"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(), (std::vector<std::string>{"/api/paging/pages?per_page=10&page=1",
                                                  "/api/paging/pages?per_page=10&page=2",
                                                  "/api/paging/pages?per_page=10&page=3"}));
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 3}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpPaging, PageNumbersWithoutALimitEndOnTheEmptyPageAndGetPageAddedWhenNotTemplated) {
  const Pages pages = run(http_export(
      R"({"relativeURI":"/api/paging/pages?per_page=10","paging":{"method":"page","page":1},)"
      R"("response":{"resourcePath":"items"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(),
            (std::vector<std::string>{
                "/api/paging/pages?per_page=10&page=1", "/api/paging/pages?per_page=10&page=2",
                "/api/paging/pages?per_page=10&page=3", "/api/paging/pages?per_page=10&page=4"}));
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 3, 0}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
}

TEST_F(HttpPaging, A404AfterTheFirstPageEndsPagingWithoutLastPageStatusCode) {
  const Pages pages = run(http_export(
      R"({"relativeURI":"/api/paging/pages?per_page=10&strict=1","paging":{"method":"page",)"
      R"("page":1},"response":{"resourcePath":"items"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests().size(), 4u);  // page 4 answered 404
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 3, 0}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpPaging, A404OnTheFirstPageIsStillAnError) {
  const Pages pages = run(
      http_export(R"({"relativeURI":"/api/paging/pages?per_page=10&strict=1",)"
                  R"("paging":{"method":"page","page":9},"response":{"resourcePath":"items"}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kNotFound);
}

TEST_F(HttpPaging, SkipGrowsByTheRecordsReceivedUntilMaxCountPath) {
  const Pages pages =
      run(http_export(R"({"relativeURI":"/api/paging/offset?limit=10&offset=)"
                      R"({{export.http.paging.skip}}","paging":{"method":"skip",)"
                      R"("maxCountPath":"count"},"response":{"resourcePath":"results"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(), (std::vector<std::string>{"/api/paging/offset?limit=10&offset=0",
                                                  "/api/paging/offset?limit=10&offset=10",
                                                  "/api/paging/offset?limit=10&offset=20"}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpPaging, SkipStartsAtPagingSkipAndEndsOnAnEmptyPage) {
  const Pages pages =
      run(http_export(R"({"relativeURI":"/api/paging/offset?limit=10&offset=)"
                      R"({{export.http.paging.skip}}","paging":{"method":"skip","skip":5},)"
                      R"("response":{"resourcePath":"results"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(), (std::vector<std::string>{"/api/paging/offset?limit=10&offset=5",
                                                  "/api/paging/offset?limit=10&offset=15",
                                                  "/api/paging/offset?limit=10&offset=23"}));
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 8, 0}));
  EXPECT_EQ(pages.ids, item_ids(6, 23));
}

constexpr std::string_view kTokenUri =
    "/api/paging/token?limit=10{{#if export.http.paging.token}}&token="
    "{{export.http.paging.token}}{{/if}}";

TEST_F(HttpPaging, TokenFromTheBodyUntilThereIsNone) {
  const Pages pages = run(http_export(
      fmt::format(R"({{"relativeURI":"{}","paging":{{"method":"token","path":"next_token"}},)"
                  R"("response":{{"resourcePath":"items"}}}})",
                  kTokenUri)));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"/api/paging/token?limit=10",
                                      "/api/paging/token?limit=10&token=" + cursor("t", 10),
                                      "/api/paging/token?limit=10&token=" + cursor("t", 20)}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpPaging, TokenFromAResponseHeaderStartingFromPagingToken) {
  const Pages pages = run(http_export(fmt::format(
      R"({{"relativeURI":"{}","paging":{{"method":"token","path":"X-Next-Token",)"
      R"("pathLocation":"header","token":"{}"}},"response":{{"resourcePath":"items"}}}})",
      kTokenUri, cursor("t", 10))));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"/api/paging/token?limit=10&token=" + cursor("t", 10),
                                      "/api/paging/token?limit=10&token=" + cursor("t", 20)}));
  EXPECT_EQ(pages.ids, item_ids(11, 23));
}

TEST_F(HttpPaging, TokenAndRecordsThatMoveAfterTheFirstResponse) {
  const Pages pages = run(http_export(fmt::format(
      R"({{"relativeURI":"{}&moving=1","paging":{{"method":"token","path":"next_token",)"
      R"("pathAfterFirstRequest":"page.next","resourcePath":"page.items"}},)"
      R"("response":{{"resourcePath":"items"}}}})",
      kTokenUri)));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(), (std::vector<std::string>{
                            "/api/paging/token?limit=10&moving=1",
                            "/api/paging/token?limit=10&token=" + cursor("t", 10) + "&moving=1",
                            "/api/paging/token?limit=10&token=" + cursor("t", 20) + "&moving=1"}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
}

TEST_F(HttpPaging, NextUrlAbsoluteAndRelative) {
  for (const bool relative : {false, true}) {
    server_.post("/_mock/reset", "{}");
    const std::string extra = relative ? "&relative=1" : "";
    const Pages pages = run(http_export(
        fmt::format(R"({{"relativeURI":"/api/paging/nexturl?limit=10{}","paging":{{"method":"url",)"
                    R"("path":"links.next"}},"response":{{"resourcePath":"data"}}}})",
                    extra)));
    ASSERT_FALSE(pages.error) << pages.error->message;
    EXPECT_EQ(requests(), (std::vector<std::string>{
                              "/api/paging/nexturl?limit=10" + extra,
                              "/api/paging/nexturl?limit=10&cursor=" + cursor("c", 10) + extra,
                              "/api/paging/nexturl?limit=10&cursor=" + cursor("c", 20) + extra}))
        << relative;
    EXPECT_EQ(pages.ids, item_ids(1, 23)) << relative;
  }
}

TEST_F(HttpPaging, LinkHeadersAsGitHubSendsThem) {
  const Pages pages = run(http_export(R"({"relativeURI":"/api/paging/linkheader?per_page=10",)"
                                      R"("paging":{"method":"linkheader"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(), (std::vector<std::string>{"/api/paging/linkheader?per_page=10",
                                                  "/api/paging/linkheader?per_page=10&page=2",
                                                  "/api/paging/linkheader?per_page=10&page=3"}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpPaging, LinkHeadersAsShopifySendsThemWithPageInfoCursors) {
  const Pages pages =
      run(http_export(R"({"relativeURI":"/api/paging/shopify?limit=10","paging":{"method":)"
                      R"("linkheader","linkHeaderRelation":"next"},"response":{"resourcePath":)"
                      R"("products"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(), (std::vector<std::string>{
                            "/api/paging/shopify?limit=10",
                            "/api/paging/shopify?limit=10&page_info=" + cursor("pi", 10),
                            "/api/paging/shopify?limit=10&page_info=" + cursor("pi", 20)}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
}

constexpr std::string_view kStripe =
    R"("relativeURI":"/api/paging/cursor?limit=10","paging":{"method":"relativeuri",)"
    R"("relativeURI":"/api/paging/cursor?limit=10&starting_after={{previous_page.last_record.id}}")";

TEST_F(HttpPaging, RelativeUriFromThePreviousPageAsStripeCursorsUntilHasMoreIsFalse) {
  const Pages pages =
      run(http_export(fmt::format(R"({{{},"lastPagePath":"has_more","lastPageValues":["false"]}},)"
                                  R"("response":{{"resourcePath":"data"}}}})",
                                  kStripe)));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"/api/paging/cursor?limit=10",
                                      "/api/paging/cursor?limit=10&starting_after=item-10",
                                      "/api/paging/cursor?limit=10&starting_after=item-20"}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpPaging, RelativeUriWithoutALastPageRuleEndsOnTheEmptyPage) {
  const Pages pages =
      run(http_export(fmt::format(R"({{{}}},"response":{{"resourcePath":"data"}}}})", kStripe)));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests().back(), "/api/paging/cursor?limit=10&starting_after=item-23");
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 3, 0}));
}

TEST_F(HttpPaging, BodyPagingPostsTheRenderedBodyAfterTheFirstRequest) {
  const Pages pages = run(
      http_export(R"({"method":"POST","relativeURI":"/api/paging/search","body":"{\"limit\":10}",)"
                  R"("paging":{"method":"body","body":"{\"limit\":10,\"cursor\":\")"
                  R"({{previous_page.full_response.cursor}}\"}","lastPagePath":"cursor",)"
                  R"("lastPageValues":[null]},"response":{"resourcePath":"hits"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests(),
            (std::vector<std::string>{
                R"(/api/paging/search {"limit":10})",
                R"(/api/paging/search {"limit":10,"cursor":")" + cursor("s", 10) + R"("})",
                R"(/api/paging/search {"limit":10,"cursor":")" + cursor("s", 20) + R"("})"}));
  EXPECT_EQ(pages.ids, item_ids(1, 23));
}

TEST_F(HttpPaging, BodyPagingEndsWhenTheBodyRendersEmpty) {
  const Pages pages = run(http_export(
      R"({"method":"POST","relativeURI":"/api/paging/search","body":"{\"limit\":10}",)"
      R"("paging":{"method":"body","body":"{{#if previous_page.full_response.cursor}})"
      R"({\"limit\":10,\"cursor\":\"{{previous_page.full_response.cursor}}\"}{{/if}}"},)"
      R"("response":{"resourcePath":"hits"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(requests().size(), 3u);
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
}

// Paging that the API does not follow: the loop guard stops each method after 7 responses.
TEST_F(HttpPaging, TheSameResponseMoreThanFiveTimesFailsEveryMethod) {
  const std::string same_response =
      "the API sent the same response 7 times in a row, so paging is not advancing; check "
      "http.paging (does the API read the page parameter or URL you send?)";
  struct Case {
    const char* method;
    std::string http;
    std::string message;
  };
  const std::vector<Case> cases{
      {"page",
       R"({"relativeURI":"/api/paging/pages?p={{export.http.paging.page}}","paging":)"
       R"({"method":"page"},"response":{"resourcePath":"items"}})",
       same_response},
      {"skip",
       R"({"relativeURI":"/api/paging/offset?o={{export.http.paging.skip}}","paging":)"
       R"({"method":"skip"},"response":{"resourcePath":"results"}})",
       same_response},
      {"token",
       R"({"relativeURI":"/api/paging/token?t={{export.http.paging.token}}","paging":)"
       R"({"method":"token","path":"next_token"},"response":{"resourcePath":"items"}})",
       same_response},
      {"linkheader",
       R"({"relativeURI":"/api/paging/linkheader","paging":{"method":"linkheader",)"
       R"("linkHeaderRelation":"last"}})",
       "the API returned the same next page URL '" +
           url("/api/paging/linkheader?per_page=10&page=3") +
           "' 7 times in a row, so paging is not advancing; check http.paging"},
      {"relativeuri",
       R"({"relativeURI":"/api/paging/cursor","paging":{"method":"relativeuri",)"
       R"("relativeURI":"/api/paging/cursor?starting_after=item-02"},)"
       R"("response":{"resourcePath":"data"}})",
       "http.paging.relativeURI rendered the same '/api/paging/cursor?starting_after=item-02' 7 "
       "times in a row, so paging is not advancing; make it use the previous response "
       "(previous_page.full_response, previous_page.last_record)"},
      {"body",
       R"({"method":"POST","relativeURI":"/api/paging/search","body":"{}","paging":)"
       R"({"method":"body","body":"{\"limit\":3}"},"response":{"resourcePath":"hits"}})",
       "http.paging.body rendered the same '{\"limit\":3}' 7 times in a row, so paging is not "
       "advancing; make it use the previous response (previous_page.full_response, "
       "previous_page.last_record)"},
  };
  for (const Case& c : cases) {
    server_.post("/_mock/reset", "{}");
    const Pages pages = run(http_export(c.http));
    ASSERT_TRUE(pages.error) << c.method;
    EXPECT_EQ(pages.error->status, Status::kRemoteError) << c.method;
    EXPECT_EQ(pages.error->message, c.message) << c.method;
    // Linkheader requests are chained two responses ahead (export_reader.hpp, kChainWindow).
    EXPECT_LE(requests().size(), std::string_view(c.method) == "linkheader" ? 9u : 8u) << c.method;
  }
}

// Reads one page, opens a second reader at that page's state and reads it to the end: the
// second reader's first request is the uninterrupted run's second, and it exports the rest.
TEST_F(HttpPaging, EveryMethodResumesAtTheNextPage) {
  struct Case {
    const char* method;
    std::string http;
    std::string second_request;
  };
  const std::vector<Case> cases{
      {"page",
       R"({"relativeURI":"/api/paging/pages?per_page=10","paging":{"method":"page","page":1,)"
       R"("maxPagePath":"total_pages"},"response":{"resourcePath":"items"}})",
       "/api/paging/pages?per_page=10&page=2"},
      {"skip",
       R"({"relativeURI":"/api/paging/offset?limit=10&offset={{export.http.paging.skip}}",)"
       R"("paging":{"method":"skip","maxCountPath":"count"},"response":{"resourcePath":)"
       R"("results"}})",
       "/api/paging/offset?limit=10&offset=10"},
      {"token",
       fmt::format(R"({{"relativeURI":"{}","paging":{{"method":"token","path":"next_token"}},)"
                   R"("response":{{"resourcePath":"items"}}}})",
                   kTokenUri),
       "/api/paging/token?limit=10&token=" + cursor("t", 10)},
      {"url",
       R"({"relativeURI":"/api/paging/nexturl?limit=10","paging":{"method":"url",)"
       R"("path":"links.next"},"response":{"resourcePath":"data"}})",
       "/api/paging/nexturl?limit=10&cursor=" + cursor("c", 10)},
      {"linkheader",
       R"({"relativeURI":"/api/paging/linkheader?per_page=10","paging":{"method":)"
       R"("linkheader"}})",
       "/api/paging/linkheader?per_page=10&page=2"},
      {"relativeuri",
       fmt::format(R"({{{},"lastPagePath":"has_more","lastPageValues":["false"]}},)"
                   R"("response":{{"resourcePath":"data"}}}})",
                   kStripe),
       "/api/paging/cursor?limit=10&starting_after=item-10"},
      {"body",
       R"({"method":"POST","relativeURI":"/api/paging/search","body":"{\"limit\":10}",)"
       R"("paging":{"method":"body","body":"{\"limit\":10,\"cursor\":\")"
       R"({{previous_page.full_response.cursor}}\"}","lastPagePath":"cursor",)"
       R"("lastPageValues":[null]},"response":{"resourcePath":"hits"}})",
       R"(/api/paging/search {"limit":10,"cursor":")" + cursor("s", 10) + R"("})"},
  };
  for (const Case& c : cases) {
    server_.post("/_mock/reset", "{}");
    const json::object doc = http_export(c.http);
    Context context = no_host();
    auto first = open_export(*connection_, doc);
    ASSERT_TRUE(first) << c.method;
    auto page = first->next_page(context);
    ASSERT_TRUE(page) << c.method << ": " << page.error().message;
    first.reset();  // and the requests it sent ahead
    server_.post("/_mock/reset", "{}");
    const json::value state{{"delta", nullptr}, {"resume", page->state.at("resume")}};
    auto reader = HttpExportReader::open(context, *connection_, doc, state);
    ASSERT_TRUE(reader) << c.method << ": " << reader.error().message;
    const Pages rest = read_all(**reader);
    ASSERT_FALSE(rest.error) << c.method << ": " << rest.error->message;
    EXPECT_EQ(rest.ids, item_ids(11, 23)) << c.method;
    ASSERT_FALSE(requests().empty()) << c.method;
    EXPECT_EQ(requests().front(), c.second_request) << c.method;
  }
}

TEST_F(HttpPaging, NoRecordsAtTheResourcePathWarnsOnceNamingTheArrayFound) {
  RecordingHost host;
  auto reader = open_export(*connection_,
                            http_export(R"({"relativeURI":"/api/paging/nexturl?limit=10","paging":)"
                                        R"({"method":"url","path":"links.next"},)"
                                        R"("response":{"resourcePath":"warnings"}})"));
  size_t pages = 0;
  for (bool done = false; !done && pages < 10; ++pages) {
    Context context = host.context();
    auto page = reader->next_page(context);
    ASSERT_TRUE(page) << page.error().message;
    done = page->done;
  }
  EXPECT_EQ(pages, 3u);
  std::vector<std::string> warnings;
  for (const auto& line : host.logs()) {
    if (line.level == LogLevel::kWarn) warnings.push_back(line.message);
  }
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "GET " + url("/api/paging/nexturl?limit=10") +
                          ": no records at 'warnings'; the response has an array of 10 objects "
                          "at 'data' — set http.response.resourcePath to 'data'"}));
}

TEST_F(HttpPaging, FailPathMarksA200FailedWithTheMessageAtErrorPath) {
  const Pages pages =
      run(http_export(R"({"relativeURI":"/api/paging/slack","response":{"resourcePath":"items",)"
                      R"("failPath":"ok","failValues":["false"],"errorPath":"error.message"}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kRemoteError);
  EXPECT_EQ(pages.error->message,
            "GET " + url("/api/paging/slack") +
                ": the API reports a failure (http.response.failPath 'ok' is false): daily quota "
                "exceeded — the request was refused; check the request or the API's answer");
}

TEST_F(HttpPaging, SuccessPathMustHoldASuccessValue) {
  const Pages failed =
      run(http_export(R"({"relativeURI":"/api/paging/slack","response":)"
                      R"({"resourcePath":"items","successPath":"ok",)"
                      R"("successValues":["true"],"errorPath":"error.message"}})"));
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->message,
            "GET " + url("/api/paging/slack") +
                ": the API reports a failure (http.response.successPath 'ok' is false, not one of "
                "http.response.successValues): daily quota exceeded — the request was refused; "
                "check the request or the API's answer");
  const Pages passed = run(http_export(R"({"relativeURI":"/api/paging/slack?ok=true","response":)"
                                       R"({"resourcePath":"items","successPath":"ok",)"
                                       R"("successValues":["true"]}})"));
  ASSERT_FALSE(passed.error) << passed.error->message;
  EXPECT_EQ(passed.ids, item_ids(1, 3));
}

TEST_F(HttpPaging, ResponseCheckSettingsNeedTheirValues) {
  Context context = no_host();
  auto reader = HttpExportReader::open(context, *connection_,
                                       http_export(R"({"response":{"failPath":"ok"}})"));
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().message,
            "http.response.failValues is required when http.response.failPath is set: the values "
            "(compared as text) that mark the response");
}

TEST_F(HttpPaging, SkipAndTokenMustBeUsedByATemplate) {
  Context context = no_host();
  auto skip = HttpExportReader::open(
      context, *connection_,
      http_export(R"({"relativeURI":"/api/paging/offset","paging":{"method":"skip"}})"));
  ASSERT_FALSE(skip);
  EXPECT_EQ(skip.error().message,
            "http.paging.method skip: none of http.relativeURI, http.body and http.headers uses "
            "{{export.http.paging.skip}}, so every request would ask for the same records; add it "
            "where the API takes the offset, e.g. /items?offset={{export.http.paging.skip}}"
            "&limit=100");
  auto token = HttpExportReader::open(
      context, *connection_,
      http_export(
          R"({"relativeURI":"/api/paging/token","paging":{"method":"token","path":"next"}})"));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().status, Status::kInvalidConfig);
  auto relative = HttpExportReader::open(
      context, *connection_,
      http_export(R"({"relativeURI":"/api/paging/cursor","paging":{"method":"relativeuri"}})"));
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().message,
            "http.paging.relativeURI is required when http.paging.method is relativeuri: the "
            "relative URI of the later pages, e.g. /items?after={{previous_page.last_record.id}}");
}

TEST_F(HttpPaging, EachRequestIsTracedWithItsResponseAndThePagingDecision) {
  RecordingHost host;
  auto reader = open_export(*connection_,
                            http_export(R"({"relativeURI":"/api/paging/linkheader?per_page=10",)"
                                        R"("paging":{"method":"linkheader"}})"));
  std::vector<std::string> bodies;
  for (int page = 1; page <= 3; ++page) {
    bodies.push_back(
        server_.request("GET", "/api/paging/linkheader?per_page=10&page=" + std::to_string(page))
            .body);
  }
  for (int i = 0; i < 3; ++i) {
    Context context = host.context();
    ASSERT_TRUE(reader->next_page(context));
  }
  std::vector<std::string> lines;
  for (const auto& line : host.logs()) {
    EXPECT_EQ(line.level, LogLevel::kDebug) << line.message;
    lines.push_back(line.message);
  }
  const auto response = [&](int i) {
    return "response: 200 OK, " + std::to_string(bodies[i].size()) + " bytes: " + bodies[i];
  };
  const std::string page2 = url("/api/paging/linkheader?per_page=10&page=2");
  const std::string page3 = url("/api/paging/linkheader?per_page=10&page=3");
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "request: GET " + url("/api/paging/linkheader?per_page=10"),
                       response(0),
                       "paging: next URL " + page2 + " (Link rel=\"next\")",
                       "request: GET " + page2,
                       response(1),
                       "paging: next URL " + page3 + " (Link rel=\"next\")",
                       "request: GET " + page3,
                       response(2),
                       "paging: last page — no Link rel=\"next\"",
                   }));
}

TEST_F(HttpPaging, TheTraceShowsARequestBody) {
  RecordingHost host;
  auto reader = open_export(
      *connection_,
      http_export(R"({"method":"POST","relativeURI":"/api/paging/search","body":"{\"limit\":3}",)"
                  R"("response":{"resourcePath":"hits"}})"));
  Context context = host.context();
  ASSERT_TRUE(reader->next_page(context));
  const auto logs = host.logs();
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0].message,
            "request: POST " + url("/api/paging/search") + R"(, 11 bytes: {"limit":3})");
  EXPECT_EQ(logs[2].message, "paging: last page — no http.paging.method: one request");
}

TEST_F(HttpPaging, TheTraceShowsAtMost4KbOfAResponse) {
  RecordingHost host;
  const std::string target = "/api/paging/pages?kind=orders&per_page=20";
  auto reader = open_export(*connection_, http_export(R"({"relativeURI":")" + target +
                                                      R"(","response":{"resourcePath":"items"}})"));
  Context context = host.context();
  ASSERT_TRUE(reader->next_page(context));
  const auto logs = host.logs();
  ASSERT_EQ(logs.size(), 3u);
  const std::string body = server_.request("GET", target).body;
  ASSERT_GT(body.size(), 4096u);
  EXPECT_EQ(logs[1].message, "response: 200 OK, " + std::to_string(body.size()) +
                                 " bytes: " + body.substr(0, 4096) + "...");
}

TEST(HttpPagingTrace, ResponsesAreMaskedInTheTrace) {
  MockApiServer server({.orders = 5, .token = "s3cr3t-T0KEN", .echo_credentials = true});
  auto connection = open_connection(connection_doc(server, "s3cr3t-T0KEN"));
  auto reader = open_export(*connection, http_export(R"({"relativeURI":"/api/echo"})"));
  RecordingHost host;
  Context context = host.context();
  auto page = reader->next_page(context);
  ASSERT_FALSE(page);
  const auto logs = host.logs();
  ASSERT_EQ(logs.size(), 2u) << (logs.empty() ? "" : logs.back().message);
  EXPECT_TRUE(logs[1].message.starts_with("response: 403 Forbidden, ")) << logs[1].message;
  for (const auto& line : logs) {
    EXPECT_EQ(line.message.find("s3cr3t-T0KEN"), std::string::npos) << line.message;
  }
}

}  // namespace
}  // namespace sluice::plugins::http
