// The template benchmark: a per-record JSON body of 10 fields with two of integrator.io's helpers
// (uppercase, toFixed) and the built-ins {{#if}} and lookup, rendered with JSON escaping for N records (default 1,000,000), beside Boost.JSON
// serialization of the same records in the same run (best of three alternating rounds).
// usage: sluice-bench-template [RECORDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/json.hpp>

#include "sluice/support/template.hpp"

namespace json = boost::json;

namespace {

constexpr const char* kBody =
    R"({"id":"{{record.id}}","name":"{{uppercase record.name}}","email":"{{record.email}}",)"
    R"("qty":{{record.qty}},"price":{{toFixed record.price 2}},)"
    R"("active":{{#if record.active}}true{{else}}false{{/if}},)"
    R"("country":"{{lookup record.address 'country'}}","city":"{{record.address.city}}",)"
    R"("sku":"{{record.sku}}","note":"{{record.note}}"})";

json::array make_records(size_t n) {
  json::array records;
  for (size_t i = 0; i < n; ++i) {
    records.push_back(json::object{
        {"record",
         json::object{{"id", "ORD-" + std::to_string(100000 + i)},
                      {"name", "Customer " + std::to_string(i)},
                      {"email", "c" + std::to_string(i) + "@example.com"},
                      {"qty", static_cast<int64_t>(i % 17)},
                      {"price", 1.25 * static_cast<double>(i % 101)},
                      {"active", i % 3 != 0},
                      {"address", json::object{{"country", "DE"}, {"city", "Köln \"Nord\""}}},
                      {"sku", "SKU-" + std::to_string(i % 977)},
                      {"note", i % 5 == 0 ? "fragile\nhandle with care" : ""},
                      {"tags", json::array{"a", "b"}}}}});
  }
  return records;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const json::array pool = make_records(1000);
  auto body = sluice::support::Template::parse(kBody, "bench.body");
  if (!body) {
    std::fprintf(stderr, "%s\n", body.error().message.c_str());
    return 1;
  }
  sluice::support::RenderOptions options;
  options.escape = sluice::support::Escape::kJson;

  // Three rounds, alternating, so that both sides see the same machine; the best round of each
  // is reported (the machine is shared, so a slow round says more about it than about the code).
  size_t bytes = 0, json_bytes = 0;
  double render_s = 1e300, serialize_s = 1e300;
  std::string out;
  for (int round = 0; round < 3; ++round) {
    bytes = 0;
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < total; ++i) {
      out.clear();
      if (!body->evaluate_to(out, pool[i % pool.size()], options)) return 1;
      bytes += out.size();
    }
    render_s = std::min(render_s, seconds_since(start));
    json_bytes = 0;
    start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < total; ++i) {
      json_bytes += json::serialize(pool[i % pool.size()].at("record")).size();
    }
    serialize_s = std::min(serialize_s, seconds_since(start));
  }

  // The rendered body must be valid JSON (checked once, outside the timing).
  out.clear();
  (void)body->evaluate_to(out, pool[5], options);
  boost::system::error_code ec;
  (void)json::parse(out, ec);
  if (ec) {
    std::fprintf(stderr, "rendered body is not JSON: %s\n", out.c_str());
    return 1;
  }

  const double render_rate = static_cast<double>(total) / render_s;
  const double serialize_rate = static_cast<double>(total) / serialize_s;
  std::printf(
      "records:                 %zu (template: 10 fields; uppercase, toFixed, #if, lookup; JSON)\n",
      total);
  std::printf("template render:         %.0f records/s (%.1f MB/s)\n", render_rate,
              static_cast<double>(bytes) / render_s / 1e6);
  std::printf("Boost.JSON serialize:    %.0f records/s (%.1f MB/s)\n", serialize_rate,
              static_cast<double>(json_bytes) / serialize_s / 1e6);
  std::printf("ratio render/serialize:  %.2fx (target >= 0.5x)\n", render_rate / serialize_rate);
  return 0;
}
