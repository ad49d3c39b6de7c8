// Pages fetched ahead (export_reader.hpp, kMaxFetchAhead): with page and skip paging, an export
// sends up to min(http.concurrencyLevel, 4) requests at once — proven by the mock counting the
// requests in flight (tools/mock_api/limits.hpp, /api/limits/slow?hold=N) — and still returns
// exactly the records of the pages up to the last one, in order; the pages fetched after the last
// are discarded and counted in the trace; a resumed export continues after the page it was given;
// concurrencyLevel 1 sends one request at a time. Otherwise the next page's request is sent ahead,
// one at a time: as soon as a page is returned, and with linkheader paging as soon as its
// response is in — never after the last page, nor in a test run.
#include <algorithm>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "sluice/testing/recording_host.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;
using sluice::testing::RecordingHost;

std::vector<std::string> item_ids(int first, int last) {
  std::vector<std::string> ids;
  for (int n = first; n <= last; ++n) ids.push_back(fmt::format("item-{:02}", n));
  return ids;
}

json::object http_export(std::string_view http) {
  return json::object{{"http", json::parse(http).as_object()}};
}

class HttpFetchAhead : public ::testing::Test {
 protected:
  HttpFetchAhead() : server_({.orders = 1}) {}

  // The test connection with http.concurrencyLevel `level`.
  std::unique_ptr<HttpConnection> connect(int level) {
    json::object doc = connection_doc(server_);
    doc["http"].as_object()["concurrencyLevel"] = level;
    return open_connection(doc);
  }

  // The targets the API received, sorted (requests sent at once arrive in any order).
  std::vector<std::string> sorted_requests() const {
    std::vector<std::string> out;
    const json::value all = server_.get_json("/_mock/requests");
    for (const json::value& r : all.at("requests").as_array()) {
      out.emplace_back(r.at("target").as_string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  MockApiServer server_;
};

// POST /api/limits/slow echoes one {"id"} per element of the body: pages whose records name
// their page, each request held by the mock until `hold` are in flight (at most `ms`).
json::object slow_pages(int hold, int ms, const std::string& counter) {
  return http_export(
      fmt::format(R"({{"method":"POST","relativeURI":"/api/limits/slow?hold={}&ms={}&counter={}",)"
                  R"("body":"[{{\"id\":\"p{{{{export.http.paging.page}}}}-a\"}},)"
                  R"({{\"id\":\"p{{{{export.http.paging.page}}}}-b\"}}]",)"
                  R"("paging":{{"method":"page","page":1}}}})",
                  hold, ms, counter));
}

TEST_F(HttpFetchAhead, PageRequestsAreSentFourAtOnceAndTheirPagesComeBackInOrder) {
  auto connection = connect(25);
  ASSERT_TRUE(connection);
  // Each request is held until four are in flight together: only real overlap passes in time.
  auto reader = open_export(*connection, slow_pages(4, 5000, "ahead4"));
  ASSERT_TRUE(reader);
  const Pages pages = read_all(*reader, 8);
  ASSERT_FALSE(pages.error) << pages.error->message;
  std::vector<std::string> expected;
  for (int page = 1; page <= 8; ++page) {
    expected.push_back(fmt::format("p{}-a", page));
    expected.push_back(fmt::format("p{}-b", page));
  }
  EXPECT_EQ(pages.ids, expected);
  const json::object counts = server_.get_json("/_mock/limits").at("ahead4").as_object();
  EXPECT_EQ(counts.at("maxInFlight").to_number<int>(), 4);
  EXPECT_EQ(counts.at("requests").to_number<int>(), 8);
}

TEST_F(HttpFetchAhead, ConcurrencyLevelTwoFetchesTwoPagesAtOnce) {
  auto connection = connect(2);
  ASSERT_TRUE(connection);
  auto reader = open_export(*connection, slow_pages(2, 5000, "ahead2"));
  ASSERT_TRUE(reader);
  const Pages pages = read_all(*reader, 4);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.ids, (std::vector<std::string>{"p1-a", "p1-b", "p2-a", "p2-b", "p3-a", "p3-b",
                                                 "p4-a", "p4-b"}));
  const json::object counts = server_.get_json("/_mock/limits").at("ahead2").as_object();
  EXPECT_EQ(counts.at("maxInFlight").to_number<int>(), 2);
}

TEST_F(HttpFetchAhead, ConcurrencyLevelOneSendsOneRequestAtATime) {
  auto connection = connect(1);
  ASSERT_TRUE(connection);
  // hold=2 never completes a group of two: each request goes on after 20 ms, alone.
  auto reader = open_export(*connection, slow_pages(2, 20, "one"));
  ASSERT_TRUE(reader);
  const Pages pages = read_all(*reader, 3);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.ids, (std::vector<std::string>{"p1-a", "p1-b", "p2-a", "p2-b", "p3-a", "p3-b"}));
  reader.reset();  // cancels page 4's request, sent ahead, and waits for it
  const json::object counts = server_.get_json("/_mock/limits").at("one").as_object();
  EXPECT_EQ(counts.at("maxInFlight").to_number<int>(), 1);
  // Three pages read; page 4's request, sent ahead one at a time all the same, may have been
  // cancelled before it left.
  EXPECT_GE(counts.at("requests").to_number<int>(), 3);
  EXPECT_LE(counts.at("requests").to_number<int>(), 4);
}

TEST_F(HttpFetchAhead, PagesFetchedAfterTheLastAreDiscardedAndCountedInTheTrace) {
  auto connection = connect(25);
  ASSERT_TRUE(connection);
  // 23 items, 5 a page: pages 1-5 hold them, page 6 is empty and the last; 7 and 8 were fetched
  // with 5 and 6, and are never returned.
  auto reader = open_export(
      *connection,
      http_export(
          R"({"relativeURI":"/api/paging/pages?per_page=5&page={{export.http.paging.page}}",)"
          R"("paging":{"method":"page","page":1},"response":{"resourcePath":"items"}})"));
  ASSERT_TRUE(reader);
  RecordingHost host;
  std::vector<size_t> sizes;
  std::vector<std::string> ids;
  bool done = false;
  for (int i = 0; i < 10 && !done; ++i) {
    Context context = host.context();
    auto page = reader->next_page(context);
    ASSERT_TRUE(page) << page.error().message;
    auto records = page_records(*page);
    ASSERT_TRUE(records);
    sizes.push_back(records->size());
    for (const auto& record : *records) ids.emplace_back(record.at("id").as_string());
    done = page->done;
  }
  EXPECT_TRUE(done);
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 5, 5, 5, 3, 0}));
  EXPECT_EQ(ids, item_ids(1, 23));
  std::vector<std::string> expected;
  for (int page = 1; page <= 8; ++page) {
    expected.push_back(fmt::format("/api/paging/pages?per_page=5&page={}", page));
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_requests(), expected);
  // The trace still reads one page at a time, and ends with the discarded count.
  std::vector<std::string> lines;
  for (const auto& line : host.logs()) lines.push_back(line.message);
  ASSERT_EQ(lines.size(), 6u * 3 + 1);
  for (int page = 1; page <= 6; ++page) {
    EXPECT_EQ(lines[static_cast<size_t>(page - 1) * 3],
              fmt::format("request: GET {}/api/paging/pages?per_page=5&page={}", server_.base_url(),
                          page));
  }
  EXPECT_EQ(lines.back(), "paging: discarded 2 pages fetched ahead");
  // After the last page: an empty, done page, and no further request.
  Context context = host.context();
  auto after = reader->next_page(context);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->done);
  EXPECT_EQ(sorted_requests().size(), 8u);
}

TEST_F(HttpFetchAhead, AResumedExportContinuesAfterTheLastPageReturned) {
  auto connection = connect(25);
  ASSERT_TRUE(connection);
  const json::object doc = http_export(
      R"({"relativeURI":"/api/paging/pages?per_page=5&page={{export.http.paging.page}}",)"
      R"("paging":{"method":"page","page":1},"response":{"resourcePath":"items"}})");
  json::value state;
  {
    auto reader = open_export(*connection, doc);
    ASSERT_TRUE(reader);
    Context context = no_host();
    // Pages 1-4 are fetched at once; two are returned, the rest forgotten with the reader.
    for (int i = 0; i < 2; ++i) {
      auto page = reader->next_page(context);
      ASSERT_TRUE(page) << page.error().message;
      state = json::object{{"delta", nullptr}, {"resume", page->state.at("resume")}};
    }
  }
  Context context = no_host();
  auto resumed = HttpExportReader::open(context, *connection, doc, state);
  ASSERT_TRUE(resumed) << resumed.error().message;
  const Pages pages = read_all(**resumed);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{5, 5, 3, 0}));
  EXPECT_EQ(pages.ids, item_ids(11, 23));
  EXPECT_TRUE(pages.done);
}

TEST_F(HttpFetchAhead, SkipPagingFetchesAheadByThePageSizeAndStopsExactly) {
  auto connection = connect(25);
  ASSERT_TRUE(connection);
  auto reader = open_export(
      *connection,
      http_export(
          R"({"relativeURI":"/api/paging/offset?limit=5&offset={{export.http.paging.skip}}",)"
          R"("paging":{"method":"skip","skip":0},"response":{"resourcePath":"results"}})"));
  ASSERT_TRUE(reader);
  const Pages pages = read_all(*reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.ids, item_ids(1, 23));
  EXPECT_TRUE(pages.done);
  // The first page alone (its size gives the step), then offsets 5..20 at once; offset 20 is
  // short, so offset 23 is asked alone, and is empty: the last.
  std::vector<std::string> expected;
  for (int offset : {0, 5, 10, 15, 20, 23}) {
    expected.push_back(fmt::format("/api/paging/offset?limit=5&offset={}", offset));
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_requests(), expected);
}

// How many requests the API has received, waiting (at most 5 s) until it is at least `n`.
size_t requests_seen(const MockApiServer& server, size_t n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t seen = 0;
  for (;;) {
    seen = server.get_json("/_mock/requests").at("requests").as_array().size();
    if (seen >= n || std::chrono::steady_clock::now() > until) return seen;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

json::object linkheader_export() {
  return http_export(R"({"relativeURI":"/api/paging/linkheader?per_page=2&total=6",)"
                     R"("paging":{"method":"linkheader"}})");
}

TEST_F(HttpFetchAhead, WithLinkHeaderPagingTheNextPagesRequestIsSentBeforeItIsAskedFor) {
  auto connection = connect(1);
  ASSERT_TRUE(connection);
  auto reader = open_export(*connection, linkheader_export());
  ASSERT_TRUE(reader);
  Context context = no_host();
  auto first = reader->next_page(context);
  ASSERT_TRUE(first) << first.error().message;
  // Page 2's request reaches the API while nobody asked for page 2 yet (page 3's may follow:
  // linkheader requests are chained, two responses ahead at most).
  const size_t seen = requests_seen(server_, 2);
  EXPECT_GE(seen, 2u);
  EXPECT_LE(seen, 3u);
  const Pages rest = read_all(*reader);
  ASSERT_FALSE(rest.error) << rest.error->message;
  EXPECT_TRUE(rest.done);
  EXPECT_EQ(rest.sizes, (std::vector<size_t>{2, 2}));
  reader.reset();
  // Three pages, three requests: none after the last page (it has no Link rel="next").
  EXPECT_EQ(sorted_requests(),
            (std::vector<std::string>{"/api/paging/linkheader?per_page=2&page=2&total=6",
                                      "/api/paging/linkheader?per_page=2&page=3&total=6",
                                      "/api/paging/linkheader?per_page=2&total=6"}));
}

TEST_F(HttpFetchAhead, ATestRunSendsNoRequestAhead) {
  auto connection = connect(1);
  ASSERT_TRUE(connection);
  RunContext run;
  run.type = "test";
  run.test_limit = 1;
  Context open_context(nullptr, nullptr, &run);
  auto reader = HttpExportReader::open(open_context, *connection, linkheader_export());
  ASSERT_TRUE(reader) << reader.error().message;
  auto first = (*reader)->next_page(open_context);
  ASSERT_TRUE(first) << first.error().message;
  reader->reset();
  EXPECT_EQ(sorted_requests(),
            (std::vector<std::string>{"/api/paging/linkheader?per_page=2&total=6"}));
}

TEST_F(HttpFetchAhead, PagesOtherThanOnceOnesAskForNoCommitCall) {
  auto connection = connect(1);
  ASSERT_TRUE(connection);
  auto reader = open_export(*connection, linkheader_export());
  ASSERT_TRUE(reader);
  Context context = no_host();
  auto page = reader->next_page(context);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_FALSE(page->commit);  // page_committed does nothing for it: the host skips the call
}

}  // namespace
}  // namespace sluice::plugins::http
