// The filter benchmark: integrator.io's output filter over N records (default 1,000,000, cycling
// through a pool of 10,000 ~400-byte orders held as Boost.JSON values), for two rule sets --
// `status == "open"` and a 5-rule `and` -- beside a hand-written C++ function doing the same
// comparisons on the same values, measured in the same run (best of three alternating rounds),
// and, for scale, Boost.JSON parsing and serializing the same records.
// usage: sluice-bench-filter [RECORDS]
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "filter/filter.hpp"

namespace json = boost::json;
using sluice::host::filter::Filter;
using sluice::host::filter::FilterContext;

namespace {

constexpr const char* kOpen = R"(["equals", ["extract", "status"], "open"])";
constexpr const char* kFiveRules = R"(["and",
    ["equals", ["extract", "status"], "open"],
    ["greaterthan", ["number", ["extract", "total_price"]], ["settings", "flow.minTotal"]],
    ["notempty", ["extract", "customer.email"]],
    ["startswith", ["extract", "line_items[0].sku"], "SKU-1"],
    ["notequals", ["extract", "financial_status"], "refunded"]])";

json::array make_records(size_t n) {
  json::array records;
  for (size_t i = 0; i < n; ++i) {
    records.push_back(json::object{
        {"id", static_cast<int64_t>(100000 + i)},
        {"status", i % 3 == 0 ? "open" : (i % 3 == 1 ? "closed" : "cancelled")},
        {"email", "c" + std::to_string(i) + "@example.com"},
        {"total_price", std::to_string(5 + i % 300) + ".95"},
        {"financial_status", i % 11 == 0 ? "refunded" : "paid"},
        {"customer", json::object{{"first_name", "Ann"},
                                  {"last_name", "Smith " + std::to_string(i)},
                                  {"email", "c" + std::to_string(i) + "@example.com"}}},
        {"line_items", json::array{json::object{{"sku", "SKU-" + std::to_string(i % 977)},
                                                {"quantity", static_cast<int64_t>(1 + i % 4)},
                                                {"price", "19.99"}}}},
        {"created_at", "2026-11-30T10:00:00Z"},
        {"shipping_address", json::object{{"address1", std::to_string(i % 90) + " Main Street"},
                                          {"city", "Springfield"},
                                          {"zip", "0" + std::to_string(1000 + i % 9000)},
                                          {"country", "US"}}},
        {"tags", "wholesale, priority"},
        {"note", i % 5 == 0 ? "fragile" : ""}});
  }
  return records;
}

// The baselines: what a C++ programmer would write for the same rules on the same values.
bool hand_open(const json::value& r) {
  const json::value* s = r.get_object().if_contains("status");
  return s && s->is_string() && s->get_string() == "open";
}

bool hand_five(const json::value& r, double min_total) {
  const json::object& o = r.get_object();
  if (!hand_open(r)) return false;
  const json::value* total = o.if_contains("total_price");
  if (!total || !total->is_string()) return false;
  double t = 0;
  const std::string_view text = total->get_string();
  if (std::from_chars(text.data(), text.data() + text.size(), t).ec != std::errc() ||
      !(t > min_total))
    return false;
  const json::value* customer = o.if_contains("customer");
  const json::value* email =
      customer && customer->is_object() ? customer->get_object().if_contains("email") : nullptr;
  if (!email || (email->is_string() && email->get_string().empty()) || email->is_null())
    return false;
  const json::value* items = o.if_contains("line_items");
  if (!items || !items->is_array() || items->get_array().empty()) return false;
  const json::value& first = items->get_array()[0];
  const json::value* sku = first.is_object() ? first.get_object().if_contains("sku") : nullptr;
  if (!sku || !sku->is_string() || !sku->get_string().starts_with("SKU-1")) return false;
  const json::value* fin = o.if_contains("financial_status");
  return !(fin && fin->is_string() && fin->get_string() == "refunded");
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One round of `fn` over `total` records: its time, and in `kept` how many it kept.
double one_round(size_t total, const json::array& pool,
                 const std::function<bool(const json::value&)>& fn, size_t& kept) {
  kept = 0;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < total; ++i) kept += fn(pool[i % pool.size()]) ? 1 : 0;
  return seconds_since(start);
}

int report(const char* name, const char* rules, size_t total, const json::array& pool,
           const FilterContext& ctx, const std::function<bool(const json::value&)>& hand) {
  auto doc = json::value{{"type", "expression"},
                         {"expression", {{"version", "1"}, {"rules", json::parse(rules)}}}};
  auto filter = Filter::compile(doc, "bench.filter");
  if (!filter) {
    std::fprintf(stderr, "%s\n", filter.error().message.c_str());
    return 1;
  }
  bool failed = false;
  auto engine = [&](const json::value& r) {
    auto result = filter->matches(r, ctx);
    if (!result) failed = true;
    return result && *result;
  };
  // Three rounds, alternating, so that both sides see the same machine; the best round of each
  // is reported (the machine is shared, so a slow round says more about it than about the code).
  size_t kept_engine = 0, kept_hand = 0;
  double engine_s = 1e300, hand_s = 1e300;
  for (int round = 0; round < 3; ++round) {
    engine_s = std::min(engine_s, one_round(total, pool, engine, kept_engine));
    hand_s = std::min(hand_s, one_round(total, pool, hand, kept_hand));
  }
  if (failed || kept_engine != kept_hand) {
    std::fprintf(stderr, "%s: the engine kept %zu records, the baseline %zu%s\n", name, kept_engine,
                 kept_hand, failed ? " (and an evaluation failed)" : "");
    return 1;
  }
  std::printf(
      "%-14s %10zu records  kept %9zu  engine %12.0f records/s  hand-written C++ %12.0f "
      "records/s  ratio %.2f\n",
      name, total, kept_engine, total / engine_s, total / hand_s, hand_s / engine_s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const json::array pool = make_records(10000);
  const json::object flow{{"minTotal", 100}};
  FilterContext ctx;
  ctx.flow_settings = &flow;
  std::printf("sluice-bench-filter: %zu records (a pool of %zu, ~%zu bytes each as JSON)\n", total,
              pool.size(), json::serialize(pool[0]).size());
  if (report("status==open", kOpen, total, pool, ctx, hand_open)) return 1;
  if (report("5-rule and", kFiveRules, total, pool, ctx,
             [](const json::value& r) { return hand_five(r, 100); }))
    return 1;
  // For scale: what a record costs the flow anyway, parsed from and serialized to JSON text.
  std::vector<std::string> texts;
  for (const auto& r : pool) texts.push_back(json::serialize(r));
  size_t bytes = 0, parsed = 0;
  double parse_s = 1e300;
  for (int round = 0; round < 3; ++round) {
    parse_s = std::min(parse_s, one_round(
                                    total, pool,
                                    [&, i = size_t{0}](const json::value&) mutable {
                                      const json::value v = json::parse(texts[i++ % texts.size()]);
                                      bytes += json::serialize(v).size();
                                      return true;
                                    },
                                    parsed));
  }
  std::printf(
      "%-14s %10zu records  Boost.JSON parse+serialize of the same records %12.0f "
      "records/s (%zu bytes)\n",
      "for scale", parsed, parsed / parse_s, bytes / 3);
  return 0;
}
