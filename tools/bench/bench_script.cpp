// The script benchmark (issue 8, benchmark (b), engine side): pages of 1000 ~400-byte order
// records through
//   (1) SpiderMonkey's own JSON.parse + JSON.stringify of the same pages (the baseline), and
//   (2) a preSavePage hook run by the script engine that keeps status == "open" (about a third)
//       and maps each kept order to {id, email, total: Number(total_price), customer:
//       first_name + " " + last_name}: options built from the page's parsed records (Boost.JSON
//       serialize), the call (SpiderMonkey parse, the hook, stringify) and the result decoded
//       (Boost.JSON parse, shape checked), i.e. everything the runtime's hook step will do;
// beside (0) Boost.JSON parse + serialize of the same pages, and (3) a filter script called once
// per record (status == "open"), as filter.type "script" will be. Records/s (best of three
// alternating rounds) and peak RSS for each N, each N in a process of its own.
//
// usage: sluice-bench-script [N ...]   (default: 100000 1000000)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "script/pre_save_page.hpp"
#include "script/record_script.hpp"
#include "script/script_engine.hpp"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using sluice::script::ScriptEngine;

constexpr size_t kPageSize = 1000;
constexpr size_t kDistinctPages = 8;  // the pages cycle, so memory does not grow with N

constexpr const char* kHook = R"(
function preSavePage(options) {
  const data = [];
  for (const r of options.data) {
    if (r.status !== "open") continue;
    data.push({id: r.id, email: r.email, total: Number(r.total_price),
               customer: r.first_name + " " + r.last_name});
  }
  return {data, errors: options.errors, abort: false, newErrorsAndRetryData: []};
}
function identity(options) { return options; }
function isOpen(options) { return options.record.status === "open"; }
)";

// A Shopify-like order of about 400 bytes; one in three is "open".
json::object make_order(size_t n) {
  static const char* kStatuses[] = {"open", "closed", "cancelled"};
  static const char* kFirst[] = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald"};
  static const char* kLast[] = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth"};
  const size_t h = n * 2654435761u;
  return json::object{
      {"id", static_cast<int64_t>(1000000 + n)},
      {"name", fmt::format("#{}", 1000 + n)},
      {"email", fmt::format("customer{}@example.com", h % 100000)},
      {"status", kStatuses[n % 3]},
      {"created_at", "2026-11-30T10:15:00-05:00"},
      {"currency", "EUR"},
      {"total_price", fmt::format("{}.{:02}", 10 + h % 990, h % 100)},
      {"first_name", kFirst[h % 6]},
      {"last_name", kLast[(h / 7) % 6]},
      {"tags", "wholesale, priority"},
      {"line_items", json::array{json::object{{"sku", fmt::format("SKU-{:04}", h % 9973)},
                                              {"quantity", static_cast<int64_t>(1 + h % 5)},
                                              {"price", "19.99"}},
                                 json::object{{"sku", fmt::format("SKU-{:04}", (h / 3) % 9973)},
                                              {"quantity", 1},
                                              {"price", "5.00"}}}},
      {"shipping_address", json::object{{"address1", fmt::format("{} Main Street", h % 200)},
                                        {"city", "Springfield"},
                                        {"zip", fmt::format("{:05}", h % 99999)},
                                        {"country_code", "DE"}}}};
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int run_one(long records) {
  std::vector<json::array> pages(kDistinctPages);
  std::vector<std::string> page_texts(kDistinctPages);    // {"data":[...]} for (1)
  std::vector<std::string> record_texts(kDistinctPages);  // [...] for (0)
  size_t bytes = 0;
  for (size_t p = 0; p < kDistinctPages; ++p) {
    for (size_t i = 0; i < kPageSize; ++i) pages[p].push_back(make_order(p * kPageSize + i));
    record_texts[p] = json::serialize(pages[p]);
    page_texts[p] = R"({"data":)" + record_texts[p] + "}";
    bytes += record_texts[p].size();
  }
  auto engine = ScriptEngine::load({.name = "bench", .file_name = "bench.js", .content = kHook},
                                   {.call_time_limit_ms = 60000});
  if (!engine) {
    std::fprintf(stderr, "%s\n", engine.error().message.c_str());
    return 1;
  }
  const size_t page_count = (static_cast<size_t>(records) + kPageSize - 1) / kPageSize;
  const sluice::script::PreSavePageContext context{.export_id = "orders", .flow_id = "bench"};

  // Per-record filter scripts: one call per record, the record already serialized.
  std::vector<std::vector<std::string>> single_records(kDistinctPages);
  for (size_t p = 0; p < kDistinctPages; ++p) {
    for (const auto& r : pages[p]) single_records[p].push_back(json::serialize(r));
  }
  sluice::script::RecordScript filter(**engine, "isOpen", json::object{});
  double boost_s = 1e300, spider_s = 1e300, hook_s = 1e300, filter_s = 1e300;
  size_t kept = 0, filter_kept = 0, checksum = 0;
  for (int round = 0; round < 3; ++round) {
    auto start = Clock::now();
    for (size_t p = 0; p < page_count; ++p) {
      checksum += json::serialize(json::parse(record_texts[p % kDistinctPages])).size();
    }
    boost_s = std::min(boost_s, seconds_since(start));

    start = Clock::now();
    for (size_t p = 0; p < page_count; ++p) {
      auto out = (*engine)->call("identity", page_texts[p % kDistinctPages]);
      if (!out) {
        std::fprintf(stderr, "%s\n", out.error().message.c_str());
        return 1;
      }
      checksum += out->size();
    }
    spider_s = std::min(spider_s, seconds_since(start));

    kept = 0;
    start = Clock::now();
    for (size_t p = 0; p < page_count; ++p) {
      auto out = sluice::script::call_pre_save_page(**engine, "preSavePage",
                                                    pages[p % kDistinctPages], {}, context);
      if (!out) {
        std::fprintf(stderr, "%s\n", out.error().message.c_str());
        return 1;
      }
      kept += out->data.size();
    }
    hook_s = std::min(hook_s, seconds_since(start));

    filter_kept = 0;
    start = Clock::now();
    for (size_t p = 0; p < page_count; ++p) {
      for (const std::string& record : single_records[p % kDistinctPages]) {
        auto keep = filter.filter_json(record);
        if (!keep) {
          std::fprintf(stderr, "%s\n", keep.error().message.c_str());
          return 1;
        }
        filter_kept += *keep ? 1 : 0;
      }
    }
    filter_s = std::min(filter_s, seconds_since(start));
  }
  const double n = static_cast<double>(page_count * kPageSize);
  std::printf(
      "%-8ld  SpiderMonkey JSON.parse+stringify %9.0f records/s | preSavePage hook (filter+map, "
      "%zu kept) %9.0f records/s = %.2fx the SpiderMonkey baseline | Boost.JSON "
      "parse+serialize %9.0f records/s | filter script, one call per record (%zu kept) %9.0f "
      "records/s | %.0f bytes/record | peak RSS %7.1f MB (checksum %zu)\n",
      records, n / spider_s, kept, n / hook_s, spider_s / hook_s, n / boost_s, filter_kept,
      n / filter_s, static_cast<double>(bytes) / (kDistinctPages * kPageSize), peak_rss_mb(),
      checksum % 1000);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes;
  bool child = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << "usage: sluice-bench-script [N ...]   (default: 100000 1000000)\n"
                   "Runs pages of 1000 ~400-byte orders through SpiderMonkey's JSON.parse + "
                   "JSON.stringify\n(the baseline) and through a preSavePage hook that filters "
                   "and maps them, beside\nBoost.JSON parse + serialize; records/s and peak RSS "
                   "per N, one process per N.\n";
      return 0;
    }
    if (arg == "--child") {
      child = true;
      continue;
    }
    sizes.push_back(std::stol(arg));
  }
  if (sizes.empty()) sizes = {100000, 1000000};
  if (child) return run_one(sizes.at(0));
  std::vector<double> rss;
  for (long n : sizes) {
    const std::string command = fmt::format("/proc/{}/exe --child {}", ::getpid(), n);
    FILE* child_out = ::popen(command.c_str(), "r");
    if (child_out == nullptr) return 1;
    char line[2048];
    while (std::fgets(line, sizeof line, child_out) != nullptr) {
      std::fputs(line, stdout);
      std::fflush(stdout);
      if (const char* at = std::strstr(line, "peak RSS")) rss.push_back(std::atof(at + 8));
    }
    if (::pclose(child_out) != 0) return 1;
  }
  if (rss.size() >= 2 && rss.front() > 0) {
    std::printf(
        "peak RSS at %ld records is %.2fx the peak at %ld records (flat memory: at most 1.5x)\n",
        sizes.back(), rss.back() / rss.front(), sizes.front());
  }
  return 0;
}
