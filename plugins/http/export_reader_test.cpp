// HTTP exports against the mock API: paging by page number and by next URL, last-page rules,
// the repeat guard, and the errors a wrong configuration must produce.
#include "export_reader.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;

// An export of GET /api/orders with the given extra "http" settings merged in.
json::object export_doc(std::string_view relative_uri, std::string_view http_extra = "{}") {
  json::object http = object(http_extra);
  http["relativeURI"] = relative_uri;
  if (!http.contains("response")) http["response"] = {{"resourcePath", "orders"}};
  return json::object{{"http", std::move(http)}};
}

class HttpExport : public ::testing::Test {
 protected:
  HttpExport() : server_({.orders = 25}), connection_(open_connection(connection_doc(server_))) {}

  Pages run(const json::object& doc, int max_pages = 100) {
    auto reader = open_export(*connection_, doc);
    if (!reader) return {};
    return read_all(*reader, max_pages);
  }

  MockApiServer server_;
  std::unique_ptr<HttpConnection> connection_;
};

TEST_F(HttpExport, PagePagingReadsPagesUntilAnEmptyOne) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10", R"({"paging":{"method":"page","page":1}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5, 0}));
  EXPECT_TRUE(pages.done);
  EXPECT_EQ(pages.ids, order_ids(1, 25));
}

TEST_F(HttpExport, PagePagingStopsAtTheRecordCountWithoutAnEmptyRequest) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10",
                     R"({"paging":{"method":"page","page":1,"maxCountPath":"total"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_TRUE(pages.done);
  EXPECT_EQ(pages.ids, order_ids(1, 25));
}

TEST_F(HttpExport, PagePagingStopsWhenTheLastPagePathHoldsALastPageValue) {
  const Pages pages = run(export_doc(
      "/api/orders?pageSize=10",
      R"({"paging":{"method":"page","page":1,"lastPagePath":"next","lastPageValues":[null]}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpExport, PagePagingStopsAfterTheMaxPage) {
  const Pages pages = run(export_doc(
      "/api/orders?pageSize=5", R"({"paging":{"method":"page","page":1,"maxPagePath":"page"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{5}));  // every page says it is page N of N
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpExport, PageNumberCanBePlacedByTheRelativeUriTemplate) {
  const Pages pages = run(export_doc("/api/orders?page={{export.http.paging.page}}&pageSize=10",
                                     R"({"paging":{"method":"page","page":1}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5, 0}));
  EXPECT_EQ(pages.ids, order_ids(1, 25));
}

TEST_F(HttpExport, PagePagingStartsAtZeroByDefaultAsIntegratorIoDoes) {
  const Pages pages = run(export_doc("/api/orders?pageSize=10", R"({"paging":{"method":"page"}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kRemoteError);
  EXPECT_EQ(pages.error->message,
            "GET " + server_.base_url() +
                "/api/orders?pageSize=10&page=0: HTTP 400 Bad Request: "
                R"({"error":"query parameter page=0: expected a page number >= 1"})"
                " — the API refused the request");
}

TEST_F(HttpExport, UrlPagingFollowsTheNextUrlUntilItIsNull) {
  const Pages pages = run(
      export_doc("/api/orders?page=1&pageSize=10", R"({"paging":{"method":"url","path":"next"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_TRUE(pages.done);
  EXPECT_EQ(pages.ids, order_ids(1, 25));
}

TEST_F(HttpExport, UrlPagingKeepsSendingATokenThatTravelsInTheUrl) {
  auto connection = open_connection(connection_doc(server_, "demo-token", "url"));
  auto reader = open_export(
      *connection,
      export_doc("/api/orders?page=1&pageSize=10", R"({"paging":{"method":"url","path":"next"}})"));
  const Pages pages = read_all(*reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5}));
}

TEST_F(HttpExport, WithoutPagingOneRequestIsOnePage) {
  const Pages pages = run(export_doc("/api/orders?pageSize=10"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10}));
  EXPECT_TRUE(pages.done);
  EXPECT_EQ(pages.ids, order_ids(1, 10));
}

TEST_F(HttpExport, ThePageCarriesTheRecordsAsTheExactTextOfTheResponsesArray) {
  auto reader = open_export(*connection_, export_doc("/api/orders?pageSize=10"));
  Context context = no_host();
  auto page = reader->next_page(context);
  ASSERT_TRUE(page) << page.error().message;
  // What the mock sent, cut by hand: {"orders":[...],"page":1,...}.
  const std::string body = server_.request("GET", "/api/orders?pageSize=10").body;
  const size_t begin = body.find('[');
  const size_t end = body.find(R"(],"page":)");
  ASSERT_EQ(body.substr(0, begin), R"({"orders":)");
  EXPECT_EQ(page->records_json, body.substr(begin, end + 1 - begin));
  EXPECT_TRUE(page->records.empty());
  EXPECT_TRUE(page->done);
}

TEST_F(HttpExport, APagingPathInsideTheRecordsGetsTheRecordsAsValues) {
  // lastPagePath reads the first record: the rest of the body alone cannot answer it.
  auto reader = open_export(
      *connection_, export_doc("/api/orders?pageSize=10",
                               R"({"paging":{"method":"page","page":1,"lastPagePath":"orders.0.id",
                     "lastPageValues":["ORD-000011"]}})"));
  Context context = no_host();
  auto first = reader->next_page(context);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->records_json.empty());
  EXPECT_EQ(first->records.size(), 10u);
  EXPECT_FALSE(first->done);
  auto second = reader->next_page(context);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->records.size(), 10u);
  EXPECT_TRUE(second->done);
}

TEST_F(HttpExport, PreviousPageTemplatesGetTheLastRecordFromTheRecordsAsValues) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10&after={{previous_page.last_record.id}}",
                     R"({"paging":{"method":"page","page":1}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5, 0}));
  const json::value requests = server_.get_json("/_mock/requests");
  ASSERT_GE(requests.at("requests").as_array().size(), 2u);
  EXPECT_NE(json::serialize(requests.at("requests").as_array()[1]).find("after=ORD-000010"),
            std::string::npos)
      << json::serialize(requests.at("requests").as_array()[1]);
}

TEST_F(HttpExport, AfterTheLastPageFurtherCallsReturnEmptyDonePages) {
  auto reader = open_export(*connection_, export_doc("/api/orders?pageSize=30"));
  Context context = no_host();
  ASSERT_EQ(page_records(*reader->next_page(context))->size(), 25u);
  auto again = reader->next_page(context);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->done);
  EXPECT_TRUE(again->records.empty());
  EXPECT_EQ(again->state, json::parse(R"({"resume":{"pages":1,"records":25,"done":true}})"));
}

TEST_F(HttpExport, EachPageStateIsTheResumePositionAfterThatPage) {
  auto reader = open_export(*connection_, export_doc("/api/orders?pageSize=10",
                                                     R"({"paging":{"method":"page","page":1}})"));
  Context context = no_host();
  std::vector<json::value> states;
  for (int i = 0; i < 4; ++i) states.push_back(reader->next_page(context)->state);
  EXPECT_EQ(states, (std::vector<json::value>{
                        json::parse(R"({"resume":{"pages":1,"records":10}})"),
                        json::parse(R"({"resume":{"pages":2,"records":20}})"),
                        json::parse(R"({"resume":{"pages":3,"records":25}})"),
                        json::parse(R"({"resume":{"pages":4,"records":25,"done":true}})")}));
}

// Reads one page, then opens a second reader at that page's state and reads it to the end.
Pages resumed_after_first_page(const HttpConnection& connection, const json::object& doc) {
  auto first = open_export(connection, doc);
  Context context = no_host();
  auto page = first->next_page(context);
  if (!page) return Pages{.error = page.error()};
  const json::value state{{"delta", nullptr}, {"resume", page->state.at("resume")}};
  auto reader = HttpExportReader::open(context, connection, doc, state);
  if (!reader) return Pages{.error = reader.error()};
  return read_all(**reader);
}

TEST_F(HttpExport, AReaderOpenedAtAPageStateContinuesWithTheNextPageByPageNumber) {
  const Pages pages = resumed_after_first_page(
      *connection_,
      export_doc("/api/orders?pageSize=10", R"({"paging":{"method":"page","page":1}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 5, 0}));
  EXPECT_EQ(pages.ids, order_ids(11, 25));
}

TEST_F(HttpExport, AReaderOpenedAtAPageStateContinuesWithTheNextPageByNextUrl) {
  const Pages pages = resumed_after_first_page(
      *connection_,
      export_doc("/api/orders?page=1&pageSize=10", R"({"paging":{"method":"url","path":"next"}})"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 5}));
  EXPECT_EQ(pages.ids, order_ids(11, 25));
}

TEST_F(HttpExport, AReaderOpenedAtTheStateOfTheLastPageHasNothingMore) {
  const Pages pages = resumed_after_first_page(*connection_, export_doc("/api/orders?pageSize=10"));
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{0}));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpExport, AResumePositionTheReaderDidNotWriteIsRefused) {
  Context context = no_host();
  auto reader = HttpExportReader::open(
      context, *connection_,
      export_doc("/api/orders?pageSize=10", R"({"paging":{"method":"url","path":"next"}})"),
      json::parse(R"({"delta":null,"resume":{"pages":2,"records":20}})"));
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().status, Status::kInvalidConfig);
  EXPECT_EQ(reader.error().message,
            R"(the resume position {"pages":2,"records":20} has no "nextUrl", which url paging )"
            "needs; run the flow without --resume");
}

TEST_F(HttpExport, AMissingResourcePathIsAnErrorListingTheKeysFound) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10", R"({"response":{"resourcePath":"data.orders"}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kInvalidConfig);
  EXPECT_EQ(
      pages.error->message,
      "http.response.resourcePath 'data.orders' was not found in the response of GET " +
          server_.base_url() +
          "/api/orders?pageSize=10; its top-level keys are: orders, page, pageSize, total, next; "
          "the response has an array of 10 objects at 'orders' — set http.response.resourcePath "
          "to 'orders'");
  EXPECT_TRUE(pages.sizes.empty());
}

TEST_F(HttpExport, AResourcePathThatIsNotAnArrayIsAnError) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10", R"({"response":{"resourcePath":"total"}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(
      pages.error->message,
      "http.response.resourcePath 'total' holds 25, not an array of records, in the response "
      "of GET " +
          server_.base_url() +
          "/api/orders?pageSize=10; its top-level keys are: orders, page, pageSize, total, next; "
          "the response has an array of 10 objects at 'orders' — set http.response.resourcePath "
          "to 'orders'");
}

TEST_F(HttpExport, AnEmptyResourcePathNeedsTheBodyToBeAnArray) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10", R"({"response":{"resourcePath":""}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kInvalidConfig);
  EXPECT_EQ(pages.error->message,
            "the response of GET " + server_.base_url() +
                "/api/orders?pageSize=10 is an object, not an array of records; set "
                "http.response.resourcePath to the path of the records (top-level keys: orders, "
                "page, pageSize, total, next); the response has an array of 10 objects at 'orders' "
                "— set http.response.resourcePath to 'orders'");
}

TEST_F(HttpExport, AWrongTokenIsAuthFailedAndTheTokenNeverAppears) {
  for (const char* location : {"header", "url"}) {
    auto connection = open_connection(connection_doc(server_, "not-the-T0KEN", location));
    auto reader = open_export(*connection, export_doc("/api/orders?pageSize=10",
                                                      R"({"paging":{"method":"page","page":1}})"));
    const Pages pages = read_all(*reader);
    ASSERT_TRUE(pages.error) << location;
    EXPECT_EQ(pages.error->status, Status::kAuthFailed) << location;
    EXPECT_EQ(pages.error->message.find("not-the-T0KEN"), std::string::npos)
        << pages.error->message;
    EXPECT_NE(pages.error->message.find("/api/orders?pageSize=10&page=1"), std::string::npos)
        << pages.error->message;
  }
}

TEST_F(HttpExport, AnApiThatIgnoresThePageFailsInsteadOfLoopingForever) {
  // The template uses the page number, so no page= is added, and the API ignores "p".
  const Pages pages = run(export_doc("/api/orders?pageSize=10&p={{export.http.paging.page}}",
                                     R"({"paging":{"method":"page","page":1}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kRemoteError);
  EXPECT_EQ(pages.error->message,
            "the API sent the same response 7 times in a row, so paging is not advancing; check "
            "http.paging (does the API read the page parameter or URL you send?)");
  EXPECT_EQ(pages.sizes.size(), 6u);
}

TEST_F(HttpExport, ANextUrlThatIsNotAStringIsAnError) {
  const Pages pages =
      run(export_doc("/api/orders?pageSize=10", R"({"paging":{"method":"url","path":"orders"}})"));
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.error->status, Status::kInvalidConfig);
  EXPECT_EQ(pages.error->message,
            "http.paging.path 'orders' holds an array, not the next page's URL");
}

TEST(HttpExportErrors, LastPageStatusCodeEndsTheExportWithoutError) {
  MockApiServer server({.orders = 25, .fail_page = 3});
  auto connection = open_connection(connection_doc(server));
  auto reader = open_export(
      *connection, export_doc("/api/orders?pageSize=10",
                              R"({"paging":{"method":"page","page":1,"lastPageStatusCode":500}})"));
  const Pages pages = read_all(*reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 0}));
  EXPECT_TRUE(pages.done);
}

TEST(HttpExportErrors, AServerErrorThatOutlastsTheRetriesIsTransient) {
  MockApiServer server({.orders = 25, .fail_page = 2});
  auto connection = open_connection(connection_doc(server));
  auto reader = open_export(*connection, export_doc("/api/orders?pageSize=10",
                                                    R"({"paging":{"method":"page","page":1}})"));
  const Pages pages = read_all(*reader);
  ASSERT_TRUE(pages.error);
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10}));
  EXPECT_EQ(pages.error->status, Status::kTransient);
  EXPECT_EQ(pages.error->message,
            "GET " + server.base_url() +
                "/api/orders?pageSize=10&page=2: HTTP 500 Internal Server Error: "
                R"({"error":"injected failure on page 2"})"
                " — the server failed after 3 attempts; retry later");
}

TEST(HttpExportErrors, InvalidExportSettingsAreNamed) {
  MockApiServer server({.orders = 1});
  auto connection = open_connection(connection_doc(server));
  Context context = no_host();
  auto open = [&](std::string_view text) {
    auto reader = HttpExportReader::open(context, *connection, object(text));
    return reader ? std::string("opened") : reader.error().message;
  };
  EXPECT_EQ(open(R"({"http":{"method":"DELETE"}})"),
            "http.method must be one of GET, POST, PUT, PATCH, got 'DELETE'");
  EXPECT_EQ(open(R"({"http":{"paging":{"method":"cursor"}}})"),
            "http.paging.method must be one of page, skip, token, url, linkheader, relativeuri, "
            "body, got 'cursor'");
  EXPECT_EQ(open(R"({"http":{"paging":{"method":"token"}}})"),
            "http.paging.path is required when http.paging.method is token: where the next token "
            "is: a dotted path in the response body, e.g. meta.next_token, or with "
            "http.paging.pathLocation header a header name");
  EXPECT_EQ(open(R"({"http":{"paging":{"method":"url"}}})"),
            "http.paging.path is required when http.paging.method is url: the dotted path of the "
            "next page's URL in the response body, e.g. links.next");
  EXPECT_EQ(open(R"({"http":{"paging":{"method":"page","page":-1}}})"),
            "http.paging.page must be between 0 and 2147483647, got -1");
  EXPECT_EQ(open(R"({"http":{"relativeURI":"/o/{{#each x}}"}})"),
            "template 'http.relativeURI' line 1, column 4: found the end of the template, "
            "expected '{{/each}}' to close the block opened");
}

}  // namespace
}  // namespace sluice::plugins::http
