#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::tools::mock_api {

// Appends the JSON text of order `number` (1-based) to `out`. Pure and deterministic: the
// same number always gives the same bytes, about 400 of them. Nothing is cached, so a data
// set of any size costs no memory. "total" equals the sum of qty * price over "lines";
// money is printed with exactly two decimals (e.g. 10.50).
void append_order(fmt::memory_buffer& out, std::int64_t number);

// The JSON text of one order, as append_order writes it.
std::string order_json(std::int64_t number);

// One page of the data set of `total` orders:
//   {"orders":[...],"page":P,"pageSize":S,"total":T,"next":NEXT}
// where NEXT is "<base_url>/api/orders?page=P+1&pageSize=S", or null on the last page and
// past the end (which has "orders":[]).
// Requires page >= 1 and page_size >= 1.
//
// With `first` > 1 (a delta: updated_since), the data set is orders first..total, paged the
// same way, and NEXT carries "&updated_since=<since, URL-encoded>".
std::string orders_page_json(std::int64_t page, std::int64_t page_size, std::int64_t total,
                             std::string_view base_url, std::int64_t first = 1,
                             std::string_view since = {});

// The number of the first order whose createdAt (order n: 2026-01-01T00:00:00Z + n minutes) is
// at or after `iso` ("YYYY-MM-DDTHH:MM:SS" with optional fraction, then "Z"); at least 1;
// nullopt for another format.
std::optional<std::int64_t> first_order_since(std::string_view iso);

}  // namespace sluice::tools::mock_api
