#include "orders.hpp"

#include <array>
#include <chrono>
#include <iterator>
#include <string_view>

namespace sluice::tools::mock_api {
namespace {

constexpr std::array<std::string_view, 6> kStatuses = {"paid",      "pending",   "shipped",
                                                       "delivered", "cancelled", "refunded"};
constexpr std::array<std::string_view, 4> kCurrencies = {"USD", "EUR", "GBP", "CHF"};
constexpr std::array<std::string_view, 8> kStreets = {
    "Main Street", "Oak Avenue",  "Station Road", "Harbour Lane",
    "Mill Road",   "Park Avenue", "Church Lane",  "Market Square"};
struct City {
  std::string_view name;
  std::string_view country;
};
constexpr std::array<City, 8> kCities = {{{"Springfield", "US"},
                                          {"Portland", "US"},
                                          {"Lyon", "FR"},
                                          {"Hamburg", "DE"},
                                          {"Leeds", "GB"},
                                          {"Basel", "CH"},
                                          {"Utrecht", "NL"},
                                          {"Porto", "PT"}}};
constexpr int kCustomers = 50'000;
constexpr int kSkus = 9'999;
constexpr int kMaxLines = 4;

// SplitMix64: a fixed, well-mixed hash so fields vary with the order number but never
// between runs or machines.
constexpr std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct Line {
  int sku;
  int qty;
  std::int64_t price_cents;
};

}  // namespace

void append_order(fmt::memory_buffer& out, std::int64_t number) {
  using namespace std::chrono;
  const auto n = static_cast<std::uint64_t>(number);
  const std::uint64_t h = mix(n);

  std::array<Line, kMaxLines> lines{};
  const int line_count = 1 + static_cast<int>(h % kMaxLines);
  std::int64_t total_cents = 0;
  for (int k = 0; k < line_count; ++k) {
    const std::uint64_t g = mix(n * kMaxLines + static_cast<std::uint64_t>(k));
    lines[k] = {1 + static_cast<int>(g % kSkus), 1 + static_cast<int>((g >> 20) % 5),
                199 + static_cast<std::int64_t>((g >> 32) % 19'801)};
    total_cents += lines[k].qty * lines[k].price_cents;
  }

  const sys_seconds created = sys_days{2026y / January / 1} + minutes(number);
  const auto day = floor<days>(created);
  const year_month_day date{day};
  const hh_mm_ss time{created - day};

  const int customer = 1 + static_cast<int>((h >> 8) % kCustomers);
  const City& city = kCities[(h >> 24) % kCities.size()];
  auto it = std::back_inserter(out);
  it = fmt::format_to(
      it,
      R"({{"id":"ORD-{:06}","number":{},"createdAt":"{:04}-{:02}-{:02}T{:02}:{:02}:00Z",)"
      R"("status":"{}","customer":{{"id":"C-{:05}","name":"Customer {}",)"
      R"("email":"customer{}@example.com"}},"shipping":{{"street":"{} {}",)"
      R"("city":"{}","zip":"{:05}","country":"{}"}},"currency":"{}",)"
      R"("total":{}.{:02},"lines":[)",
      number, number, static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), time.hours().count(), time.minutes().count(),
      kStatuses[(h >> 16) % kStatuses.size()], customer, customer, customer, 1 + (h >> 32) % 199,
      kStreets[(h >> 40) % kStreets.size()], city.name, (h >> 44) % 100'000, city.country,
      kCurrencies[(h >> 56) % kCurrencies.size()], total_cents / 100, total_cents % 100);
  for (int k = 0; k < line_count; ++k) {
    it = fmt::format_to(it, R"({}{{"sku":"SKU-{:04}","qty":{},"price":{}.{:02}}})",
                        k == 0 ? "" : ",", lines[k].sku, lines[k].qty, lines[k].price_cents / 100,
                        lines[k].price_cents % 100);
  }
  it = fmt::format_to(it, "]}}");
}

std::string order_json(std::int64_t number) {
  fmt::memory_buffer out;
  append_order(out, number);
  return fmt::to_string(out);
}

std::string orders_page_json(std::int64_t page, std::int64_t page_size, std::int64_t total,
                             std::string_view base_url) {
  // page and page_size are validated (>= 1, page_size <= 5000) by the caller; compare
  // in pages, not records, so a huge page number cannot overflow.
  const std::int64_t pages = (total + page_size - 1) / page_size;
  const bool in_range = page <= pages;
  const std::int64_t first = in_range ? (page - 1) * page_size + 1 : 1;
  const std::int64_t last = in_range ? std::min(total, page * page_size) : 0;

  fmt::memory_buffer out;
  out.reserve(static_cast<std::size_t>(last - first + 1) * 480 + 256);
  fmt::format_to(std::back_inserter(out), R"({{"orders":[)");
  for (std::int64_t i = first; i <= last; ++i) {
    if (i != first) out.push_back(',');
    append_order(out, i);
  }
  fmt::format_to(std::back_inserter(out), R"(],"page":{},"pageSize":{},"total":{},"next":)", page,
                 page_size, total);
  if (page < pages) {
    fmt::format_to(std::back_inserter(out), R"("{}/api/orders?page={}&pageSize={}"}})", base_url,
                   page + 1, page_size);
  } else {
    fmt::format_to(std::back_inserter(out), "null}}");
  }
  return fmt::to_string(out);
}

}  // namespace sluice::tools::mock_api
