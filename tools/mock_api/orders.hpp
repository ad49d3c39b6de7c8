#pragma once

#include <fmt/format.h>

#include <cstdint>
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
std::string orders_page_json(std::int64_t page, std::int64_t page_size, std::int64_t total,
                             std::string_view base_url);

}  // namespace sluice::tools::mock_api
