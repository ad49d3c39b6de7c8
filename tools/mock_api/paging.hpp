// APIs that page as real ones do, one endpoint per style, over a fixed data set: items 1..total
// (total=N, default 23, at most 10,000,000, so that last pages are partial), item n
// {"id":"item-NN","n":n,"name":"Item n"} (NN: at least two digits), or with kind=orders the
// orders of orders.hpp (order_json(n), ~400 bytes each: what the benchmark pages through).
// Every endpoint needs the API token like the rest of /api/ and answers a malformed parameter
// with 400 {"error": "..."} naming it.
//
//   GET /api/paging/linkheader?per_page=N&page=P     GitHub: a JSON array of items, and
//       Link: <http://HOST/api/paging/linkheader?per_page=N&page=P+1&...>; rel="next",
//             <...page=LAST...>; rel="last" (and rel="first", rel="prev" after page 1),
//       absolute URLs built from the request's Host header; no rel="next" on the last page.
//       per_page 1..5000 (default 10), page >= 1 (default 1); total and kind are kept in the
//       links. The benchmark's endpoint.
//   GET /api/paging/shopify?limit=N[&page_info=C]   Shopify: {"products":[...]}, Link with
//       rel="previous" and rel="next" in one header, page_info an opaque cursor; with page_info
//       any parameter but limit is refused (400), as Shopify does.
//   GET /api/paging/cursor?limit=N[&starting_after=ID]   Stripe: {"object":"list","data":[...],
//       "has_more":bool,"url":"/api/paging/cursor"}; starting_after is the id of the last item
//       of the previous page (unknown id 400).
//   GET /api/paging/pages?page=P&per_page=N[&strict=1]   {"items":[...],"warnings":[],"page":P,
//       "per_page":N,"total":T,"total_pages":K}; page >= 1 (default 1), past the end "items":[]
//       (with strict=1, 404 instead).
//   GET /api/paging/offset?offset=O&limit=N          {"results":[...],"offset":O,"limit":N,
//       "count":T}; offset >= 0 (default 0), limit 1..5000 (default 10).
//   GET /api/paging/nexturl?limit=N[&cursor=C][&relative=1]   {"data":[...],"warnings":[],
//       "links":{"next":
//       URL or null}}: the absolute URL (from the Host header), or with relative=1 the path
//       "/api/paging/nexturl?..." alone.
//   GET /api/paging/token?limit=N[&token=T][&moving=1]   {"items":[...],"next_token":T' or
//       null} and the response header X-Next-Token: T' (absent on the last page). An empty
//       token is the first page. With moving=1, the responses to a request with a token are
//       {"page":{"items":[...],"next":T'}} instead (pathAfterFirstRequest, paging.resourcePath).
//   POST /api/paging/search  body {"limit":N,"cursor":C or absent}   {"hits":[...],
//       "cursor":C' or null}: paging in the request body, as search and GraphQL APIs do.
//   GET /api/paging/slack[?ok=true]   200 {"ok":false,"error":{"message":"daily quota
//       exceeded"},"items":[]}, as Slack answers failures; with ok=true {"ok":true,"items":[the
//       first 3 items]}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// The answer to `method` `path` (below /api/paging/) with the decoded query parameters, the
// request's Host header and body; nullopt when `path` is not a paging endpoint.
std::optional<Reply> paging(std::string_view method, std::string_view path,
                            const std::vector<std::pair<std::string, std::string>>& query,
                            std::string_view host, std::string_view body);

}  // namespace sluice::tools::mock_api
