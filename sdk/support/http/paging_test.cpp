// The paging engine alone: Link headers as GitHub and Shopify send them, reference resolution,
// and the pager's decisions and positions for each method, from responses built here (the
// requests themselves are tested in plugins/http/paging_test.cpp, against the mock API).
#include "sluice/support/http/paging.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sluice::support::http {
namespace {

namespace json = boost::json;

TEST(LinkHeader, ParsesGitHubsLinksWithEveryRelation) {
  const auto links = parse_link_header(
      R"(<https://api.github.com/repositories/1300192/issues?page=2>; rel="next", )"
      R"(<https://api.github.com/repositories/1300192/issues?page=515>; rel="last")");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].target, "https://api.github.com/repositories/1300192/issues?page=2");
  EXPECT_EQ(links[0].rels, std::vector<std::string>{"next"});
  EXPECT_EQ(links[1].target, "https://api.github.com/repositories/1300192/issues?page=515");
  EXPECT_EQ(links[1].rels, std::vector<std::string>{"last"});
}

TEST(LinkHeader, ParsesShopifysPageInfoCursorsAndQuotedParams) {
  const auto links = parse_link_header(
      R"(<https://shop.myshopify.com/admin/api/2024-01/products.json?limit=5&page_info=eyJk%3D>;)"
      R"( rel="previous"; title="a, b; \"c\"",<https://shop.myshopify.com/admin/api/2024-01/)"
      R"(products.json?limit=5&page_info=eyJs>; REL=next)");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].rels, std::vector<std::string>{"previous"});
  EXPECT_EQ(links[0].params[1], (std::pair<std::string, std::string>{"title", "a, b; \"c\""}));
  EXPECT_EQ(links[1].target,
            "https://shop.myshopify.com/admin/api/2024-01/products.json?limit=5&page_info=eyJs");
  EXPECT_EQ(links[1].rels, std::vector<std::string>{"next"});
}

TEST(LinkHeader, SeveralRelationsInOneRelAndMalformedLinksSkipped) {
  const auto links = parse_link_header(R"(garbage, <http://h/a>; rel="next last", <http://h/b)");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].rels, (std::vector<std::string>{"next", "last"}));
}

TEST(LinkHeader, FindLinkLooksInEveryLinkHeaderAndResolvesRelativeTargets) {
  const Headers headers{{"Content-Type", "application/json"},
                        {"Link", R"(</items?page=1>; rel="prev")"},
                        {"link", R"(</items?page=3>; rel="next")"}};
  EXPECT_EQ(find_link(headers, "next", "http://127.0.0.1:8080/api/items?page=2"),
            "http://127.0.0.1:8080/items?page=3");
  EXPECT_EQ(find_link(headers, "NEXT", "http://h/x"), "http://h/items?page=3");
  EXPECT_FALSE(find_link(headers, "last", "http://h/x"));
}

TEST(ResolveReference, FollowsRfc3986WithoutTouchingTheBytes) {
  const std::string base = "https://h:8443/api/v1/items?page=2";
  EXPECT_EQ(resolve_reference(base, "http://other/x"), "http://other/x");
  EXPECT_EQ(resolve_reference(base, "//cdn/x"), "https://cdn/x");
  EXPECT_EQ(resolve_reference(base, "/a%2Fb?c=1"), "https://h:8443/a%2Fb?c=1");
  EXPECT_EQ(resolve_reference(base, "?page=3"), "https://h:8443/api/v1/items?page=3");
  EXPECT_EQ(resolve_reference(base, "more?page=3"), "https://h:8443/api/v1/more?page=3");
  EXPECT_EQ(resolve_reference("http://h", "x"), "http://h/x");
}

std::string no_redact(std::string_view url) { return std::string(url); }

struct Fed {
  json::value body;
  std::string raw;
  Headers headers;
};

Result<PagingDecision> feed(Pager& pager, std::string_view raw, size_t records,
                            Headers headers = {}) {
  static std::vector<Fed> keep;  // keep the borrowed parts alive for the call
  keep.push_back(Fed{json::parse(raw), std::string(raw), std::move(headers)});
  const Fed& f = keep.back();
  return pager.advance(PageResponse{.url = "http://h/api/items",
                                    .headers = &f.headers,
                                    .raw = f.raw,
                                    .body = &f.body,
                                    .records = records});
}

TEST(Pager, PageCountsFromTheFirstPageAndEndsOnAnEmptyPage) {
  Pager pager({.method = PagingMethod::kPage, .first_page = 1}, no_redact);
  EXPECT_EQ(pager.page(), 1);
  auto d = feed(pager, R"({"n":1})", 10);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "next page 2 (page method; 10 records on page 1)");
  EXPECT_FALSE(d->last);
  EXPECT_EQ(pager.page(), 2);
  d = feed(pager, R"({"n":2})", 0);
  EXPECT_EQ(d->reason, "last page — page 2 had no records");
  EXPECT_TRUE(d->last);
  EXPECT_TRUE(pager.done());
}

TEST(Pager, SkipGrowsByTheRecordsReceivedAndStopsAtTheTotal) {
  Pager pager({.method = PagingMethod::kSkip, .first_skip = 5, .max_count_path = "total"},
              no_redact);
  EXPECT_EQ(pager.skip(), 5);
  auto d = feed(pager, R"({"total":23})", 10);
  EXPECT_EQ(d->reason, "next offset 15 (skip method; 10 records on offset 5)");
  d = feed(pager, R"({"total":23,"x":1})", 8);
  EXPECT_EQ(d->reason, "last page — 23 records, the total at maxCountPath 'total'");
}

TEST(Pager, MaxPagePathIsTheNumberOfPagesAlsoFromPageZero) {
  Pager pager({.method = PagingMethod::kPage, .max_page_path = "pages"}, no_redact);
  EXPECT_FALSE(feed(pager, R"({"pages":2})", 3)->last);
  auto d = feed(pager, R"({"pages":2,"p":1})", 3);
  EXPECT_EQ(d->reason, "last page — 2 pages read, the count at maxPagePath 'pages'");
}

TEST(Pager, TokenFromAHeaderThenFromPathAfterFirstRequest) {
  Pager pager({.method = PagingMethod::kToken,
               .first_token = "start",
               .path = "X-Next",
               .path_location = PagingTokenLocation::kHeader,
               .path_after_first_request = "X-Later"},
              no_redact);
  EXPECT_EQ(pager.token(), "start");
  auto d = feed(pager, "[1]", 1, {{"x-next", "t2"}, {"X-Later", "wrong"}});
  EXPECT_EQ(d->reason, "next token 't2' (token method; from header 'X-Next')");
  EXPECT_EQ(pager.token(), "t2");
  d = feed(pager, "[2]", 1, {{"X-Next", "wrong"}, {"X-Later", "t3"}});
  EXPECT_EQ(pager.token(), "t3");
  d = feed(pager, "[3]", 1, {{"X-Next", "wrong"}});
  EXPECT_EQ(d->reason, "last page — no token at header 'X-Later'");
}

TEST(Pager, UrlAndLinkHeaderAndTheirLastPages) {
  Pager url({.method = PagingMethod::kUrl, .path = "links.next"}, no_redact);
  EXPECT_FALSE(url.follows_url());
  EXPECT_EQ(feed(url, R"({"links":{"next":"/p2"}})", 1)->reason,
            "next URL /p2 (url method; from body path 'links.next')");
  EXPECT_TRUE(url.follows_url());
  EXPECT_EQ(url.next_url(), "/p2");
  EXPECT_EQ(feed(url, R"({"links":{"next":""}})", 1)->reason,
            "last page — no next URL at body path 'links.next'");

  Pager link({.method = PagingMethod::kLinkHeader}, no_redact);
  EXPECT_EQ(feed(link, "[1]", 1, {{"Link", R"(</api/items?c=2>; rel="next")"}})->reason,
            "next URL http://h/api/items?c=2 (Link rel=\"next\")");
  EXPECT_EQ(feed(link, "[2]", 1, {{"Link", R"(</api/items?c=1>; rel="prev")"}})->reason,
            "last page — no Link rel=\"next\"");
}

TEST(Pager, TheSameNextUrlMoreThanFiveTimesInARowFails) {
  Pager pager({.method = PagingMethod::kUrl, .path = "next"}, no_redact);
  for (int i = 0; i <= Pager::kMaxRepeats; ++i) {
    ASSERT_TRUE(feed(pager, R"({"next":"/same","n":)" + std::to_string(i) + "}", 1)) << i;
  }
  auto guarded = feed(pager, R"({"next":"/same","n":99})", 1);
  ASSERT_FALSE(guarded);
  EXPECT_EQ(guarded.error().status, Status::kRemoteError);
  EXPECT_EQ(guarded.error().message,
            "the API returned the same next page URL '/same' 7 times in a row, so paging is not "
            "advancing; check http.paging");
}

TEST(Pager, LastPageStatusAndTheDefault404AfterTheFirstPage) {
  Pager explicit_status({.method = PagingMethod::kPage, .last_page_status = 204}, no_redact);
  EXPECT_FALSE(explicit_status.end_on_status(404));
  EXPECT_EQ(explicit_status.end_on_status(204)->reason,
            "last page — HTTP 204 is http.paging.lastPageStatusCode");
  Pager by_default({.method = PagingMethod::kPage}, no_redact);
  EXPECT_FALSE(by_default.end_on_status(404));  // the first request: a wrong URL, an error
  ASSERT_TRUE(feed(by_default, "[1]", 1));
  EXPECT_EQ(by_default.end_on_status(404)->reason,
            "last page — HTTP 404 after 1 page (without http.paging.lastPageStatusCode, 404 "
            "ends paging)");
}

TEST(Pager, LastPagePathEndsEveryMethod) {
  Pager pager({.method = PagingMethod::kToken,
               .path = "next",
               .last_page_path = "has_more",
               .last_page_values = {"false"}},
              no_redact);
  EXPECT_EQ(feed(pager, R"({"has_more":false,"next":"x"})", 3)->reason,
            "last page — lastPagePath 'has_more' is false");
}

TEST(Pager, RenderedNextRequestsEndWhenEmptyAndAreGuarded) {
  Pager pager({.method = PagingMethod::kRelativeUri}, no_redact);
  EXPECT_EQ(feed(pager, "[1]", 1)->reason, "next page 2 (relativeuri method; 1 record on page 1)");
  EXPECT_EQ(pager.set_next("/items?after=1")->reason,
            "next request to /items?after=1 (http.paging.relativeURI)");
  EXPECT_TRUE(pager.uses_next_template());
  EXPECT_EQ(pager.next_rendered(), "/items?after=1");
  for (int i = 0; i < Pager::kMaxRepeats; ++i) {
    ASSERT_TRUE(feed(pager, "[" + std::to_string(i + 2) + "]", 1));
    ASSERT_TRUE(pager.set_next("/items?after=1")) << i;
  }
  ASSERT_TRUE(feed(pager, "[9]", 1));
  auto guarded = pager.set_next("/items?after=1");
  ASSERT_FALSE(guarded);
  EXPECT_EQ(guarded.error().message,
            "http.paging.relativeURI rendered the same '/items?after=1' 7 times in a row, so "
            "paging is not advancing; make it use the previous response "
            "(previous_page.full_response, previous_page.last_record)");

  Pager body({.method = PagingMethod::kBody}, no_redact);
  ASSERT_TRUE(feed(body, "[1]", 1));
  EXPECT_EQ(body.set_next("  \n")->reason, "last page — http.paging.body rendered empty");
}

TEST(Pager, PositionsRoundTripForEveryMethodThatNeedsMoreThanCounts) {
  for (const auto& [method, key] :
       std::vector<std::pair<PagingMethod, std::string>>{{PagingMethod::kUrl, "nextUrl"},
                                                         {PagingMethod::kLinkHeader, "nextUrl"},
                                                         {PagingMethod::kToken, "token"},
                                                         {PagingMethod::kRelativeUri, "next"},
                                                         {PagingMethod::kBody, "next"}}) {
    Pager restored({.method = method, .path = "n"}, no_redact);
    const json::value position = json::parse(R"({"pages":2,"records":20,")" + key + R"(":"v"})");
    ASSERT_TRUE(restored.restore(position)) << key;
    EXPECT_EQ(json::value(restored.position()), position) << key;
    auto refused = Pager({.method = method, .path = "n"}, no_redact)
                       .restore(json::parse(R"({"pages":2,"records":20})"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, R"(the resume position {"pages":2,"records":20} has no ")" +
                                           key + R"(", which )" +
                                           std::string(paging_method_name(method)) +
                                           " paging needs; run the flow without --resume");
  }
}

}  // namespace
}  // namespace sluice::support::http
