// The common path allocates nothing: this binary replaces the global operator new and counts
// the allocations made while 10,000 records are evaluated.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "filter/filter.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace sluice::host::filter {
namespace {

std::vector<boost::json::value> records(int n) {
  std::vector<boost::json::value> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(boost::json::value{
        {"id", i},
        {"status", i % 3 == 0 ? "open" : "closed"},
        {"total_price", std::to_string(10 + i % 200) + ".50"},
        {"customer", {{"email", "c" + std::to_string(i) + "@example.com"}, {"tier", i % 5}}},
        {"lines", boost::json::array{boost::json::object{{"sku", i % 7 == 0 ? "A-1" : "B-2"}}}}});
  }
  return out;
}

// Runs `rules` over 10,000 records; returns how many passed, and sets `allocations` to the count
// made during the evaluations alone (after one evaluation to warm up).
long run(const char* rules, long& allocations) {
  auto doc =
      boost::json::value{{"type", "expression"},
                         {"expression", {{"version", "1"}, {"rules", boost::json::parse(rules)}}}};
  auto filter = Filter::compile(doc, "exports[0].filter");
  EXPECT_TRUE(filter) << filter.error().message;
  const auto data = records(10'000);
  const boost::json::object flow{{"minTotal", 50}, {"tier", "3"}};
  FilterContext ctx;
  ctx.flow_settings = &flow;
  long passed = 0;
  // One evaluation first, uncounted: Boost.Regex keeps the blocks and groups of its first search
  // for the next ones.
  (void)filter->matches(data[0], ctx);
  const long before = g_allocations.load();
  for (const auto& record : data) {
    auto result = filter->matches(record, ctx);
    if (result && *result) ++passed;
  }
  allocations = g_allocations.load() - before;
  return passed;
}

TEST(Allocations, ExtractAndCompareToALiteralAllocateNothing) {
  long allocations = -1;
  EXPECT_EQ(run(R"(["equals", ["extract", "status"], "open"])", allocations), 3334);
  EXPECT_EQ(allocations, 0);
}

TEST(Allocations, CastsOfNumbersAndStringsAndSettingsAllocateNothing) {
  long allocations = -1;
  const char* rules = R"(["and",
      ["notequals", ["extract", "status"], "cancelled"],
      ["greaterthanequals", ["number", ["extract", "total_price"]], ["settings", "flow.minTotal"]],
      ["equals", ["string", ["extract", "customer.tier"]], ["settings", "flow.tier"]],
      ["startswith", ["extract", "lines[0].sku"], "A-"],
      ["notempty", ["extract", "customer.email"]]])";
  // tier 3 and sku A-1: i % 5 == 3 and i % 7 == 0, i.e. i % 35 == 28; total >= 50: 10 + i % 200
  // >= 50.
  long want = 0;
  for (int i = 0; i < 10'000; ++i)
    if (i % 35 == 28 && 10 + i % 200 >= 50) ++want;
  EXPECT_EQ(run(rules, allocations), want);
  EXPECT_EQ(allocations, 0);
}

TEST(Allocations, MatchingALiteralRegularExpressionAllocatesNothing) {
  long allocations = -1;
  EXPECT_EQ(
      run(R"(["matches", ["extract", "customer.email"], "^c[0-9]*7@example\\.com$"])", allocations),
      1000);
  EXPECT_EQ(allocations, 0);
}

TEST(Allocations, TheCounterSeesAllocations) {
  // The tests above cannot pass vacuously: a rule that builds strings is counted. (The 100
  // e-mails of 15 characters or fewer fit std::string's inline buffer; the others allocate.)
  long allocations = 0;
  EXPECT_EQ(
      run(R"(["contains", ["uppercase", ["extract", "customer.email"]], "@EXAMPLE"])", allocations),
      10'000);
  EXPECT_GE(allocations, 9'900);
}

}  // namespace
}  // namespace sluice::host::filter
