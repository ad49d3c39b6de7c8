// The mapper benchmark: two Mapper 2.0 transforms over N ~400-byte order records (default
// 1,000,000), each beside a hand-written C++ function that builds the same output with Boost.JSON
// in the same run (best of three alternating rounds):
//   issue — issue 8's {id, email, total: number(total_price as string),
//           customer: first_name + " " + last_name} (the customer is a handlebars extract);
//   ten   — ten fields: JSON paths, number and boolean conversion, a static lookup, a nested
//           object, a string array from a wildcard, a date conversion and a template (the
//           hand-written side converts the date with Howard Hinnant's date library), and the
//           same with the date copied instead of converted;
//   v1    — the same ten fields as a Mapper 1.0 import mapping (mapping.fields[], issue 9),
//           with and without the date conversion, beside the same hand-written functions.
// Records are mapped page by page (1000) into a page arena, as the transform step does; the
// arena's first megabyte is reused from page to page.
// usage: sluice-bench-mapper [RECORDS]
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>

#include <date/date.h>
#include <boost/json.hpp>

#include "mapper/mapper.hpp"

namespace json = boost::json;
using sluice::mapper::MapContext;
using sluice::mapper::Mapper;

namespace {

constexpr std::size_t kPage = 1000;

constexpr const char* kIssueTransform = R"({"type":"expression","expression":{"version":"2",
  "rulesTwoDotZero":{"mode":"create","mappings":[
    {"generate":"id","dataType":"string","extract":"$.id"},
    {"generate":"email","dataType":"string","extract":"$.email"},
    {"generate":"total","dataType":"number","extract":"$.total_price"},
    {"generate":"customer","dataType":"string","extract":"{{record.first_name}} {{record.last_name}}"}],
  "lookups":[]}}})";

constexpr const char* kTenTransform = R"({"type":"expression","expression":{"version":"2",
  "rulesTwoDotZero":{"mode":"create","mappings":[
    {"generate":"id","dataType":"string","extract":"$.id"},
    {"generate":"email","dataType":"string","extract":"$.email"},
    {"generate":"total","dataType":"number","extract":"$.total_price"},
    {"generate":"quantity","dataType":"number","extract":"$.line_items[0].quantity"},
    {"generate":"paid","dataType":"boolean","extract":"$.paid"},
    {"generate":"status","dataType":"string","extract":"$.status","lookupName":"statuses"},
    {"generate":"skus","dataType":"stringarray","extract":"$.line_items[*].sku"},
    {"generate":"created","dataType":"string","extract":"$.created_at","generateDateFormat":"YYYY-MM-DD"},
    {"generate":"shipping","dataType":"object","mappings":[
      {"generate":"city","dataType":"string","extract":"$.shipping_address.city"},
      {"generate":"country","dataType":"string","extract":"$.shipping_address.country_code"}]},
    {"generate":"customer","dataType":"string","extract":"{{record.first_name}} {{record.last_name}}"}],
  "lookups":[{"name":"statuses","map":{"open":"OPEN","closed":"CLOSED","cancelled":"CANCELLED"}}]}}})";

// The ten fields of kTenTransform as a Mapper 1.0 import mapping.
constexpr const char* kTenMappingV1 = R"({"fields":[
    {"extract":"id","generate":"id","dataType":"string"},
    {"extract":"email","generate":"email"},
    {"extract":"total_price","generate":"total","dataType":"number"},
    {"extract":"line_items[0].quantity","generate":"quantity"},
    {"extract":"paid","generate":"paid","dataType":"boolean"},
    {"extract":"status","generate":"status","lookupName":"statuses"},
    {"extract":"line_items[*].sku","generate":"skus"},
    {"extract":"created_at","generate":"created","generateDateFormat":"YYYY-MM-DD"},
    {"extract":"shipping_address.city","generate":"shipping.city"},
    {"extract":"shipping_address.country_code","generate":"shipping.country"},
    {"extract":"{{record.first_name}} {{record.last_name}}","generate":"customer"}]})";
constexpr const char* kLookupsV1 =
    R"([{"name":"statuses","map":{"open":"OPEN","closed":"CLOSED","cancelled":"CANCELLED"}}])";

// `text` with the date copied as it is: the figure without the moment.js date code.
std::string without_date(std::string text) {
  const std::string format = R"(,"generateDateFormat":"YYYY-MM-DD")";
  text.erase(text.find(format), format.size());
  return text;
}

json::array make_records(std::size_t n) {
  static const char* statuses[] = {"open", "closed", "cancelled"};
  json::array records;
  for (std::size_t i = 0; i < n; ++i) {
    json::array lines;
    for (std::size_t l = 0; l < 1 + i % 2; ++l)
      lines.push_back(json::object{{"sku", "SKU-" + std::to_string((i + l) % 977)},
                                   {"quantity", static_cast<std::int64_t>(1 + (i + l) % 5)},
                                   {"price", "19.90"}});
    records.push_back(json::object{
        {"id", static_cast<std::int64_t>(4500000 + i)},
        {"email", "customer" + std::to_string(i) + "@example.com"},
        {"first_name", "First" + std::to_string(i % 1000)},
        {"last_name", "Last" + std::to_string(i % 777)},
        {"total_price", std::to_string(10 + i % 90) + "." + std::to_string(10 + i % 89)},
        {"currency", "EUR"},
        {"status", statuses[i % 3]},
        {"paid", i % 2 == 0 ? "true" : "false"},
        {"created_at", "2024-03-" + std::to_string(10 + i % 18) + "T10:15:30Z"},
        {"shipping_address",
         json::object{{"city", "Berlin"}, {"zip", "10115"}, {"country_code", "DE"}}},
        {"line_items", std::move(lines)},
        {"note", "leave at the door"}});
  }
  return records;
}

json::value issue_by_hand(const json::value& record, json::storage_ptr sp) {
  const json::object& in = record.get_object();
  json::object out(sp);
  out.reserve(4);
  out.emplace("id", std::to_string(in.at("id").get_int64()));
  out.emplace("email", in.at("email"));
  const json::string& total = in.at("total_price").get_string();
  out.emplace("total", std::strtod(total.c_str(), nullptr));
  std::string customer(in.at("first_name").get_string());
  customer.append(" ").append(in.at("last_name").get_string());
  out.emplace("customer", customer);
  return out;
}

json::value ten_by_hand(const json::value& record, json::storage_ptr sp, bool convert_date) {
  const json::object& in = record.get_object();
  json::object out(sp);
  out.reserve(10);
  out.emplace("id", std::to_string(in.at("id").get_int64()));
  out.emplace("email", in.at("email"));
  out.emplace("total", std::strtod(in.at("total_price").get_string().c_str(), nullptr));
  const json::array& lines = in.at("line_items").get_array();
  out.emplace("quantity", lines[0].at("quantity"));
  out.emplace("paid", in.at("paid").get_string() == "true");
  const std::string_view status = in.at("status").get_string();
  out.emplace("status", status == "open" ? "OPEN" : status == "closed" ? "CLOSED" : "CANCELLED");
  json::array skus(sp);
  for (const json::value& line : lines) skus.push_back(line.at("sku"));
  out.emplace("skus", std::move(skus));
  if (!convert_date) {
    out.emplace("created", in.at("created_at"));
  } else {
    // The date as a hand-written converter would read and write it: Howard Hinnant's date
    // library.
    std::istringstream created_in(std::string(in.at("created_at").get_string()));
    date::sys_seconds created;
    created_in >> date::parse("%FT%TZ", created);
    if (created_in.fail()) return nullptr;
    out.emplace("created", date::format("%F", created));
  }
  const json::object& address = in.at("shipping_address").get_object();
  out.emplace(
      "shipping",
      json::object({{"city", address.at("city")}, {"country", address.at("country_code")}}, sp));
  std::string customer(in.at("first_name").get_string());
  customer.append(" ").append(in.at("last_name").get_string());
  out.emplace("customer", customer);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Maps `total` records page by page into a page arena; returns the seconds taken, or -1 when a
// record fails.
double run(std::size_t total, const json::array& pool,
           const std::function<bool(const json::value&, json::storage_ptr)>& map_one) {
  // One page arena's first block, reused page after page (as a step's page arena would be).
  static std::array<unsigned char, 1 << 20> block;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t done = 0; done < total;) {
    json::monotonic_resource arena(block.data(), block.size());
    json::storage_ptr sp(&arena);
    for (std::size_t i = 0; i < kPage && done < total; ++i, ++done)
      if (!map_one(pool[done % pool.size()], sp)) return -1;
  }
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const json::array pool = make_records(kPage);
  std::size_t bytes = 0;
  for (const json::value& record : pool) bytes += json::serialize(record).size();

  struct Case {
    const char* name;
    std::string transform;  // a transform, or a Mapper 1.0 mapping when v1
    std::function<json::value(const json::value&, json::storage_ptr)> by_hand;
    bool v1 = false;
  };
  const auto ten_converted = [](const json::value& r, json::storage_ptr sp) {
    return ten_by_hand(r, std::move(sp), true);
  };
  const auto ten_copied = [](const json::value& r, json::storage_ptr sp) {
    return ten_by_hand(r, std::move(sp), false);
  };
  const std::array<Case, 5> cases{{
      {"issue (4 fields)", kIssueTransform, issue_by_hand},
      {"ten (10 fields)", kTenTransform, ten_converted},
      {"ten, date copied", without_date(kTenTransform), ten_copied},
      {"v1 ten (10 fields)", kTenMappingV1, ten_converted, true},
      {"v1 ten, date copied", without_date(kTenMappingV1), ten_copied, true},
  }};
  const json::value lookups_v1 = json::parse(kLookupsV1);
  std::printf("records: %zu per case, %zu-record pages, %.0f bytes per record on average\n", total,
              kPage, static_cast<double>(bytes) / static_cast<double>(pool.size()));
  const MapContext context;
  for (const Case& c : cases) {
    auto mapper = c.v1
                      ? Mapper::compile_mapping_v1(json::parse(c.transform), &lookups_v1, "mapping")
                      : Mapper::compile(json::parse(c.transform), "transform");
    if (!mapper) {
      std::fprintf(stderr, "%s\n", mapper.error().message.c_str());
      return 1;
    }
    // The mapper and the hand-written function must agree (checked outside the timing).
    for (const json::value& record : pool) {
      auto mapped = mapper->apply(record, context);
      if (!mapped || *mapped != c.by_hand(record, {})) {
        std::fprintf(stderr, "%s: the mapper and the hand-written function differ on %s: %s\n",
                     c.name, json::serialize(record).c_str(),
                     mapped ? json::serialize(*mapped).c_str() : mapped.error().message.c_str());
        return 1;
      }
    }
    double mapper_s = 1e300, hand_s = 1e300;
    for (int round = 0; round < 3; ++round) {
      const double m = run(total, pool, [&](const json::value& record, json::storage_ptr sp) {
        return mapper->apply(record, context, std::move(sp)).has_value();
      });
      if (m < 0) return 1;
      mapper_s = std::min(mapper_s, m);
      hand_s =
          std::min(hand_s, run(total, pool, [&](const json::value& record, json::storage_ptr sp) {
                     return !c.by_hand(record, std::move(sp)).is_null();
                   }));
    }
    const double mapper_rate = static_cast<double>(total) / mapper_s;
    const double hand_rate = static_cast<double>(total) / hand_s;
    std::printf(
        "%-19s mapper %10.0f records/s  |  hand-written Boost.JSON %10.0f records/s  |  "
        "ratio %.2fx\n",
        c.name, mapper_rate, hand_rate, mapper_rate / hand_rate);
  }
  std::printf("peak RSS: %.1f MB\n", peak_rss_mb());
  return 0;
}
