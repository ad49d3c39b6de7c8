// The reference benchmark (DESIGN.md §9, issues 8 and 9): the job peers are measured on, run by
// the real runtime and HTTP plugin against the mock API on loopback:
//   HTTP export of N orders (~450 bytes) in pages of 1000
//   -> output filter status == "open" (a third)
//   -> transformation to {id, email, total: number(total_price), customer: first + " " + last}
//   -> HTTP import in batches of 100,
// in two forms: (a) "rules": the filter as integrator.io filter rules and the transformation as
// Mapper 2.0 rules; (b) "hook": both done in one preSavePage JavaScript hook (a Script resource).
// integrator.io runs the transformation before the output filter, so in (a) the mapping also
// generates `status` for the filter to read (the records the import gets carry it; the hook's do
// not).
//
// Each (form, N) runs in a child process of its own, so that its peak RSS is its own, and prints
// records/s beside two baselines measured in the same process on the same pages: Boost.JSON
// parse+serialize, and SpiderMonkey's JSON.parse+JSON.stringify; --rounds=R children (default
// 3) per (form, N), and the median of their ratios. Each child also prints the CPU time the flow
// used and the CPU time the mock API used meanwhile (a process of its own on the same cores: part
// of the flow's wall time, none of the baselines', which time pages already fetched), and the
// load average of the machine as the flow started. Before the big run each child
// runs the flow over a small mock (2500 orders, every record kept by the sink) and compares every
// record the sink received with what it computes itself from the exported orders; after it, it
// checks that the sink got exactly the ids of the open orders.
//
// The form --mapping (issue 9) measures what a Mapper 2.0 import mapping of 10 fields
// (bench_flow_mapping.hpp) costs: the export's filter rules, no transformation, and the import
// with the mapping ("mapping"), beside the same flow whose import has no mapping and sends the
// open orders as they are ("unmapped"). The two run in pairs of children, one after the other,
// with the same N and mock options, each content-checked as above; the pairs alternate
// --rounds=R times (default 3), and the parent prints the cost from the best of each side and
// per round.
//
// usage: sluice-bench [--rules|--hook|--mapping] [--rounds=R] [N ...]
//        (default: every form, 100000 1000000)
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "bench_flow_setup.hpp"
#include "mock_api_server.hpp"
#include "script/script_engine.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using sluice::bench::Bench;
using sluice::bench::Form;
using sluice::bench::name_of;
using sluice::bench::seconds_since;

// CPU seconds (user + system) the mock API processes started by this one have used so far: the
// mock runs in a process of its own on the same cores, so its cost is part of the flow's wall time
// and none of the baselines' (they time parsing and serializing pages already fetched).
double mock_cpu_seconds() {
  double total = 0;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::FILE* f = std::fopen((entry.path() / "stat").c_str(), "r");
    if (f == nullptr) continue;
    char line[1024];
    const size_t n = std::fread(line, 1, sizeof line - 1, f);
    std::fclose(f);
    line[n] = '\0';
    // pid (comm) state ppid ... utime(14) stime(15); comm may hold spaces: parse after ')'.
    const char* close = std::strrchr(line, ')');
    if (close == nullptr || std::strstr(line, "(sluice-mock-api)") == nullptr) continue;
    long ppid = 0;
    unsigned long utime = 0, stime = 0;
    if (std::sscanf(close + 2, "%*c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ppid, &utime,
                    &stime) == 3 &&
        ppid == ::getpid()) {
      total += static_cast<double>(utime + stime) / ticks;
    }
  }
  return total;
}

// The load average of the last minute (/proc/loadavg), to say how busy the shared machine was
// when a figure was taken; -1 when it cannot be read.
double load_average() {
  double load = -1;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = -1;
    std::fclose(f);
  }
  return load;
}

struct Baselines {
  double boost_seconds = 0;
  double spider_seconds = 0;
  std::vector<std::string> open_ids;
};

// The ids of the open orders of the same pages the flow read and, with `timed`, Boost.JSON
// parse+serialize and SpiderMonkey JSON.parse+JSON.stringify of those pages (fetched once each,
// timed apart from the fetch).
bool measure_baselines(const sluice::testing::MockApiServer& api, long records, bool timed,
                       Baselines& out) {
  auto engine = sluice::script::ScriptEngine::load(
      {.name = "bench", .file_name = "bench.js", .content = sluice::bench::kHookScript},
      {.call_time_limit_ms = 60000});
  if (!engine) {
    std::cerr << engine.error().message << '\n';
    return false;
  }
  size_t checksum = 0;
  bool ok = true;
  sluice::bench::for_each_page(api, records, [&](const std::string& page) {
    if (timed) {
      auto start = Clock::now();
      {
        json::monotonic_resource arena;
        json::value doc = json::parse(page, &arena);
        checksum += json::serialize(doc.at("orders")).size();
      }
      out.boost_seconds += seconds_since(start);
      start = Clock::now();
      auto round_trip = (*engine)->call("identity", page);
      out.spider_seconds += seconds_since(start);
      if (!round_trip) {
        std::cerr << round_trip.error().message << '\n';
        ok = false;
        return;
      }
      checksum += round_trip->size();
    }
    const json::value doc = json::parse(page);
    for (const json::value& order : doc.at("orders").as_array()) {
      if (order.at("status") == "open") out.open_ids.emplace_back(order.at("id").as_string());
    }
  });
  if (timed && checksum == 0) std::cerr << "the baselines saw no data\n";
  return ok;
}

int run_one(Form form, long records) {
  const fs::path home =
      fs::temp_directory_path() / fmt::format("sluice-bench-{}-{}", name_of(form), ::getpid());
  if (!sluice::bench::check_content(form, home)) return 1;

  sluice::testing::MockApiServer api(
      {.orders = static_cast<int>(records), .sink_count_only = true});
  Bench bench(form);
  if (!bench.setup(api, home)) return 1;
  const double load = load_average();
  const double cpu_start = sluice::bench::cpu_seconds();
  const double mock_start = mock_cpu_seconds();
  const auto start = Clock::now();
  if (!bench.run()) return 1;
  const double seconds = seconds_since(start);
  const double cpu = sluice::bench::cpu_seconds() - cpu_start;
  const double mock_cpu = mock_cpu_seconds() - mock_start;
  const double rss = sluice::bench::peak_rss_mb();  // the flow's: the baselines run after it
  // The JSON baselines are issue 8's (forms (a) and (b)); --mapping compares two flows instead.
  const bool timed = form == Form::kRules || form == Form::kHook;
  Baselines baselines;
  // The baselines, and the ids the sink must have got, from the same pages the flow read.
  if (!measure_baselines(api, records, timed, baselines)) return 1;
  const long open = static_cast<long>(baselines.open_ids.size());
  if (!bench.check(records, open)) return 1;

  const json::value ids = api.get_json("/_mock/sink/ids");
  std::vector<std::string> got;
  for (const json::value& id : ids.at("ids").as_array()) got.emplace_back(id.as_string());
  std::sort(got.begin(), got.end());
  std::sort(baselines.open_ids.begin(), baselines.open_ids.end());
  if (got != baselines.open_ids) {
    std::cerr << name_of(form) << ": the sink got " << got.size()
              << " records, not exactly the ids of the " << open << " open orders\n";
    return 1;
  }
  fs::remove_all(home);
  const double n = static_cast<double>(records);
  const double flow = n / seconds;
  if (!timed) {
    std::printf(
        "%-8s %8ld  flow %8.0f records/s (%6.2f s, CPU %6.3f s)  peak RSS %6.1f MB  |  "
        "sink got the %ld open orders, content checked\n",
        name_of(form), records, flow, seconds, cpu, rss, open);
    std::fflush(stdout);
    return 0;
  }
  const double boost = n / baselines.boost_seconds;
  const double spider = n / baselines.spider_seconds;
  std::printf(
      "%-5s %8ld  flow %8.0f records/s (%6.2f s; CPU: flow %.3f s, mock %.3f s; load %.1f)  "
      "peak RSS %6.1f MB  |  Boost.JSON %8.0f records/s (%.2fx)  |  SpiderMonkey JSON %8.0f "
      "records/s (%.2fx)  |  sink got the %ld open orders, content checked\n",
      name_of(form), records, flow, seconds, cpu, mock_cpu, load, rss, boost, flow / boost, spider,
      flow / spider, open);
  std::fflush(stdout);
  return 0;
}

// What a child printed: its flow's records/s, peak RSS and (--mapping) CPU seconds.
struct ChildFigures {
  double records_per_second = 0;
  double peak_rss_mb = 0;
  double cpu_seconds = 0;
  double boost_ratio = 0;  // --rules, --hook: the flow's records/s over each baseline's
  double spider_ratio = 0;
};

// The ratio printed as "(0.42x)" after `label` in `line`, or 0.
double ratio_after(const char* line, const char* label) {
  const char* at = std::strstr(line, label);
  const char* open = at != nullptr ? std::strchr(at, '(') : nullptr;
  return open != nullptr ? std::atof(open + 1) : 0.0;
}

// Runs `sluice-bench --child --FORM N`, copying its output; nullopt when it fails or prints no
// figures.
std::optional<ChildFigures> run_child(Form form, long records) {
  const std::string command =
      fmt::format("/proc/{}/exe --child --{} {}", ::getpid(), name_of(form), records);
  FILE* child_out = ::popen(command.c_str(), "r");
  if (child_out == nullptr) return std::nullopt;
  std::optional<ChildFigures> figures;
  char line[2048];
  while (std::fgets(line, sizeof line, child_out) != nullptr) {
    std::fputs(line, stdout);
    std::fflush(stdout);
    const char* flow = std::strstr(line, " flow ");
    const char* rss = std::strstr(line, "peak RSS");
    const char* cpu = std::strstr(line, "CPU ");
    if (flow != nullptr && rss != nullptr) {
      figures = {std::atof(flow + 6), std::atof(rss + 8), cpu ? std::atof(cpu + 4) : 0.0,
                 ratio_after(line, "Boost.JSON"), ratio_after(line, "SpiderMonkey JSON")};
    }
  }
  if (::pclose(child_out) != 0) return std::nullopt;
  return figures;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n == 0 ? 0.0 : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string per_round_text(const std::vector<double>& ratios) {
  std::string text;
  for (double r : ratios) text += fmt::format("{}{:.2f}x", text.empty() ? "" : ", ", r);
  return text;
}

// --mapping at `records`: `rounds` alternating pairs of children (unmapped, then mapped), and the
// cost of the mapping from the best records/s of each side (the machine is shared: the best is
// the run least disturbed), and from the least CPU time each flow's process used (which other
// processes on the machine disturb less than the wall clock). Returns the mapped flow's highest
// peak RSS; nullopt when a child fails.
std::optional<double> compare_mapping(long records, int rounds) {
  ChildFigures unmapped_best, mapped_best;
  unmapped_best.cpu_seconds = mapped_best.cpu_seconds = 1e300;
  std::string per_round;
  for (int round = 0; round < rounds; ++round) {
    const auto unmapped = run_child(Form::kUnmapped, records);
    const auto mapped = run_child(Form::kMapped, records);
    if (!unmapped || !mapped || unmapped->records_per_second <= 0) return std::nullopt;
    unmapped_best.records_per_second =
        std::max(unmapped_best.records_per_second, unmapped->records_per_second);
    mapped_best.records_per_second =
        std::max(mapped_best.records_per_second, mapped->records_per_second);
    mapped_best.peak_rss_mb = std::max(mapped_best.peak_rss_mb, mapped->peak_rss_mb);
    unmapped_best.cpu_seconds = std::min(unmapped_best.cpu_seconds, unmapped->cpu_seconds);
    mapped_best.cpu_seconds = std::min(mapped_best.cpu_seconds, mapped->cpu_seconds);
    per_round +=
        fmt::format("{}{:.1f}%", round == 0 ? "" : ", ",
                    100.0 * (1.0 - mapped->records_per_second / unmapped->records_per_second));
  }
  std::printf(
      "mapping  %8ld  mapping costs %.1f%% of the flow's throughput (target: at most 30%%): "
      "best of %d rounds %.0f -> %.0f records/s; per round %s; by the flow's least CPU time "
      "%.3f -> %.3f s, %.1f%%\n",
      records, 100.0 * (1.0 - mapped_best.records_per_second / unmapped_best.records_per_second),
      rounds, unmapped_best.records_per_second, mapped_best.records_per_second, per_round.c_str(),
      unmapped_best.cpu_seconds, mapped_best.cpu_seconds,
      mapped_best.cpu_seconds > 0
          ? 100.0 * (1.0 - unmapped_best.cpu_seconds / mapped_best.cpu_seconds)
          : 0.0);
  std::fflush(stdout);
  return mapped_best.peak_rss_mb;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes;
  std::vector<Form> forms;
  bool child = false;
  int rounds = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout
          << "usage: sluice-bench [--rules] [--hook] [--mapping] [--rounds=R] [N ...]\n"
             "       (default: every form, 100000 1000000)\n"
             "Runs the reference flow against the mock API on loopback: HTTP export in pages of\n"
             "1000 -> output filter status == \"open\" -> transformation to {id, email, total,\n"
             "customer} -> HTTP import in batches of 100; --rules with filter rules and a Mapper\n"
             "2.0 transformation, --hook with both in one preSavePage JavaScript hook. Each form\n"
             "and N runs in its own process; prints records/s and peak RSS beside Boost.JSON\n"
             "parse+serialize and SpiderMonkey JSON.parse+JSON.stringify of the same pages, and\n"
             "checks what the sink received (every record of a 2500-order run, and the ids of\n"
             "the big run); each child also prints the CPU time of the flow and of the mock API\n"
             "(which runs on the same cores) and the load average. --rounds=R children per form\n"
             "and N (default 3), and the median of their ratios to the baselines.\n"
             "--mapping: the export's filter rules without the transformation, and the import\n"
             "with a Mapper 2.0 mapping of 10 fields (extracts, a number conversion, a template,\n"
             "a static lookup, a nested object, a date conversion, a default), beside the same\n"
             "flow whose import has no mapping (--unmapped alone), in paired processes with the\n"
             "same N, in --rounds=R alternating pairs (default 3); prints both records/s and what\n"
             "share of the flow's throughput the mapping costs (target: at most 30%) from the "
             "best\n"
             "of each side and per round, and from the least CPU time of each flow's process,\n"
             "content-checked as above.\n"
             "Exit status 1 when a check fails.\n";
      return 0;
    }
    if (arg == "--child") {
      child = true;
    } else if (arg == "--rules") {
      forms.push_back(Form::kRules);
    } else if (arg == "--hook") {
      forms.push_back(Form::kHook);
    } else if (arg == "--mapping") {
      forms.push_back(Form::kMapped);
    } else if (arg == "--unmapped") {
      forms.push_back(Form::kUnmapped);
    } else if (arg.rfind("--rounds=", 0) == 0) {
      rounds = std::atoi(arg.c_str() + 9);
      if (rounds < 1 || rounds > 20) {
        std::cerr << "sluice-bench: " << arg << ": the rounds are 1 to 20; see --help\n";
        return 2;
      }
    } else {
      char* end = nullptr;
      const long n = std::strtol(arg.c_str(), &end, 10);
      if (end == arg.c_str() || *end != '\0' || n < 1 || n > 100'000'000) {
        std::cerr << "sluice-bench: " << arg
                  << " is not a record count (1 to 100000000) or an option; see --help\n";
        return 2;
      }
      sizes.push_back(n);
    }
  }
  if (sizes.empty()) sizes = {100000, 1000000};
  if (forms.empty()) forms = {Form::kRules, Form::kHook, Form::kMapped};
  if (child) {
    // An exception must not skip the destructors: they stop the mock servers.
    try {
      return run_one(forms.at(0), sizes.at(0));
    } catch (const std::exception& e) {
      std::cerr << "sluice-bench: " << e.what() << '\n';
      return 1;
    }
  }
  std::printf(
      "form   records  throughput, memory and the baselines of the same pages "
      "(one process per form and N)\n");
  std::fflush(stdout);
  int status = 0;
  for (Form form : forms) {
    std::vector<double> rss;
    for (long n : sizes) {
      if (form != Form::kMapped) {
        // `rounds` children; the machine is shared, so the median of the in-run ratios is what
        // is quoted (each child measures its baselines in the same run as its flow).
        std::vector<double> flows, boosts, spiders;
        double peak = 0;
        for (int round = 0; round < rounds; ++round) {
          const auto figures = run_child(form, n);
          if (!figures) {
            status = 1;
            continue;
          }
          peak = std::max(peak, figures->peak_rss_mb);
          flows.push_back(figures->records_per_second);
          boosts.push_back(figures->boost_ratio);
          spiders.push_back(figures->spider_ratio);
        }
        if (flows.empty()) continue;
        rss.push_back(peak);
        if (flows.size() > 1) {
          std::printf(
              "%-5s %8ld  median of %zu rounds: flow %.0f records/s, %.2fx Boost.JSON "
              "(target: at least 0.5x), %.2fx SpiderMonkey JSON; per round %s\n",
              name_of(form), n, flows.size(), median(flows), median(boosts), median(spiders),
              per_round_text(boosts).c_str());
          std::fflush(stdout);
        }
        continue;
      }
      const auto mapped_rss = compare_mapping(n, rounds);
      if (!mapped_rss) status = 1;
      if (mapped_rss) rss.push_back(*mapped_rss);
    }
    if (rss.size() >= 2 && rss.front() > 0) {
      std::printf(
          "%-5s peak RSS at %ld records is %.2fx the peak at %ld records (flat memory: at most "
          "1.5x)\n",
          name_of(form), sizes.back(), rss.back() / rss.front(), sizes.front());
    }
  }
  return status;
}
