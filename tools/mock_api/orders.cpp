#include "orders.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstdio>
#include <iterator>
#include <string_view>

namespace sluice::tools::mock_api {
namespace {

// A third of the orders are "open" (what the benchmark's output filter keeps).
constexpr std::array<std::string_view, 6> kStatuses = {"open",    "paid",      "open",
                                                       "shipped", "cancelled", "refunded"};
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
constexpr int kMaxLines = 3;

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

// A non-negative integer written with at least `width` digits (zeros in front).
struct Padded {
  std::uint64_t value;
  int width;
};
template <typename T>
Padded pad(T value, int width) {
  return {static_cast<std::uint64_t>(value), width};
}

// Appends to a buffer. Hand-written rather than fmt::format_to: interpreting the format string
// was most of the mock's cost in the benchmark, which serves a million orders a run (and
// FMT_COMPILE was slower still with fmt 9).
class Out {
 public:
  explicit Out(fmt::memory_buffer& out) : out_(out) {}
  Out& operator<<(std::string_view text) {
    out_.append(text.data(), text.data() + text.size());
    return *this;
  }
  Out& operator<<(const char* text) { return *this << std::string_view(text); }
  Out& operator<<(std::integral auto value) { return *this << pad(value, 0); }
  Out& operator<<(Padded p) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, p.value).ptr;
    for (auto n = end - digits; n < p.width; ++n) out_.push_back('0');
    out_.append(digits, end);
    return *this;
  }

 private:
  fmt::memory_buffer& out_;
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
  Out o(out);
  o << R"({"id":"ORD-)" << pad(number, 6) << R"(","number":)" << number << R"(,"createdAt":")"
    << pad(static_cast<int>(date.year()), 4) << "-" << pad(static_cast<unsigned>(date.month()), 2)
    << "-" << pad(static_cast<unsigned>(date.day()), 2) << "T" << pad(time.hours().count(), 2)
    << ":" << pad(time.minutes().count(), 2) << R"(:00Z","email":"customer)" << customer
    << R"(@example.com","first_name":"First)" << customer << R"(","last_name":"Last)" << customer
    << R"(","total_price":")" << total_cents / 100 << "." << pad(total_cents % 100, 2)
    << R"(","status":")" << kStatuses[(h >> 16) % kStatuses.size()] << R"(","customer":{"id":"C-)"
    << pad(customer, 5) << R"(","email":"customer)" << customer
    << R"(@example.com"},"shipping":{"street":")" << 1 + (h >> 32) % 199 << " "
    << kStreets[(h >> 40) % kStreets.size()] << R"(","city":")" << city.name << R"(","zip":")"
    << pad((h >> 44) % 100'000, 5) << R"(","country":")" << city.country << R"("},"currency":")"
    << kCurrencies[(h >> 56) % kCurrencies.size()] << R"(","total":)" << total_cents / 100 << "."
    << pad(total_cents % 100, 2) << R"(,"lines":[)";
  for (int k = 0; k < line_count; ++k) {
    o << (k == 0 ? "" : ",") << R"({"sku":"SKU-)" << pad(lines[k].sku, 4) << R"(","qty":)"
      << lines[k].qty << R"(,"price":)" << lines[k].price_cents / 100 << "."
      << pad(lines[k].price_cents % 100, 2) << "}";
  }
  o << "]}";
}

std::string order_json(std::int64_t number) {
  fmt::memory_buffer out;
  append_order(out, number);
  return fmt::to_string(out);
}

std::optional<std::int64_t> first_order_since(std::string_view iso) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
  const std::string text(iso);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) !=
          6 ||
      used != 19) {
    return std::nullopt;
  }
  std::string_view rest = iso.substr(19);
  bool fraction = false;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      fraction = true;
      rest.remove_prefix(1);
    }
    if (!fraction) return std::nullopt;
  }
  if (rest != "Z") return std::nullopt;
  const year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                            day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const sys_seconds at = sys_days(date) + hours(h) + minutes(mi) + seconds(sec);
  const sys_seconds start = sys_days{2026y / January / 1};
  // The first whole minute at or after `at` (a fraction only makes it later).
  const std::int64_t secs = (at - start).count();
  if (secs < 0) return 1;
  return std::max<std::int64_t>(1, secs / 60 + (secs % 60 != 0 || fraction ? 1 : 0));
}

std::string orders_page_json(std::int64_t page, std::int64_t page_size, std::int64_t total,
                             std::string_view base_url, std::int64_t from, std::string_view since) {
  // page and page_size are validated (>= 1, page_size <= 5000) by the caller; compare
  // in pages, not records, so a huge page number cannot overflow.
  const std::int64_t count = std::max<std::int64_t>(0, total - from + 1);
  const std::int64_t pages = (count + page_size - 1) / page_size;
  const bool in_range = page <= pages;
  const std::int64_t first = in_range ? from + (page - 1) * page_size : 1;
  const std::int64_t last = in_range ? std::min(total, from - 1 + page * page_size) : 0;

  fmt::memory_buffer out;
  out.reserve(static_cast<std::size_t>(last - first + 1) * 480 + 256);
  fmt::format_to(std::back_inserter(out), R"({{"orders":[)");
  for (std::int64_t i = first; i <= last; ++i) {
    if (i != first) out.push_back(',');
    append_order(out, i);
  }
  fmt::format_to(std::back_inserter(out), R"(],"page":{},"pageSize":{},"total":{},"next":)", page,
                 page_size, count);
  if (page < pages) {
    fmt::format_to(std::back_inserter(out), R"("{}/api/orders?page={}&pageSize={})", base_url,
                   page + 1, page_size);
    if (!since.empty()) {
      std::string encoded;
      for (const char c : since) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') {
          encoded.push_back(c);
        } else {
          encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
      }
      fmt::format_to(std::back_inserter(out), "&updated_since={}", encoded);
    }
    fmt::format_to(std::back_inserter(out), R"("}})");
  } else {
    fmt::format_to(std::back_inserter(out), "null}}");
  }
  return fmt::to_string(out);
}

}  // namespace sluice::tools::mock_api
