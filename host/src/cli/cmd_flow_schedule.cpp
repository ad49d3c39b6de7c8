// `sluice flow schedule ID`: the next run times of a flow's schedule and its schedule overrides,
// as `sluice serve` starts them (serve/schedule/cron.hpp, docs/serve.md "Schedules").
#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/cmd_flow.hpp"
#include "cli/command.hpp"
#include "serve/schedule/flow_schedule.hpp"

namespace sluice::cli {

namespace json = boost::json;
namespace schedule = serve::schedule;

namespace {

constexpr size_t kDefaultCount = 10;
constexpr size_t kMaxCount = 1000;

struct Run {
  schedule::Instant at;
  std::string source;  // "flow" or "pageGenerators[i]"
};

}  // namespace

int cmd_flow_schedule(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice flow schedule ID [--from TIME] [--count N] [--json]\n"
      "Prints the next N run times (default 10) of a flow's schedule, and of the schedule "
      "overrides of\nits sources (pageGenerators[].schedule), after TIME (ISO 8601, default now; "
      "without Z or an\noffset, a local time of the flow's zone), in the flow's timezone "
      "(default UTC) and in UTC.\n"
      "Daylight saving time: a local time that happens twice runs once, at its first "
      "occurrence; one\nthat does not exist runs at the first valid instant after it.";
  po::options_description options("options");
  options.add_options()("json", "print an array of {utc, local, source}")(
      "from", po::value<std::string>()->value_name("TIME"),
      "ISO 8601 time after which to list runs (default now)")(
      "count", po::value<std::string>()->value_name("N"),
      fmt::format("how many runs (1 to {}; default {})", kMaxCount, kDefaultCount).c_str())(
      "id", po::value<std::string>(), "a flow id (see `sluice get flows`)");
  po::positional_options_description positional;
  positional.add("id", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  if (vm.count("id") == 0u)
    return usage_error("expected a flow id (see `sluice get flows`)", kUsage);
  size_t count = kDefaultCount;
  if (vm.count("count") != 0u) {
    const std::string text = vm["count"].as<std::string>();
    size_t value = 0;
    const bool digits = !text.empty() && text.size() <= 4 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) value = std::stoul(text);
    if (!digits || value == 0 || value > kMaxCount) {
      return usage_error(fmt::format("--count: expected a whole number from 1 to {}, found \"{}\"",
                                     kMaxCount, text),
                         kUsage);
    }
    count = value;
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  const std::string id = vm["id"].as<std::string>();
  auto doc = store->get_resource(host::ResourceKind::kFlow, id, host::Secrets::kMasked);
  if (!doc) {
    print_error(doc.error());
    return kExitFailure;
  }
  if (!*doc) {
    print_error(fmt::format("no flow {} in the store; see `sluice get flows`", id), "not_found");
    return kExitFailure;
  }
  std::vector<std::string> problems;
  const schedule::FlowSchedule flow = schedule::read_flow_schedule(id, **doc, problems);
  if (!problems.empty()) {
    print_error(
        fmt::format("flow {}: {}; fix the flow and `sluice apply` it again", id, problems.front()),
        "invalid_config");
    return kExitFailure;
  }
  if (!flow.scheduled()) {
    print_error(fmt::format("flow {} has no schedule; give it one, e.g. \"schedule\": "
                            "\"? 0 2 ? * *\" (02:00 every day), and `sluice apply` it",
                            id),
                "invalid_config");
    return kExitFailure;
  }
  auto from = std::chrono::system_clock::now();
  if (vm.count("from") != 0u) {
    auto parsed = schedule::parse_instant(vm["from"].as<std::string>(), *flow.zone);
    if (!parsed) return usage_error("--from: " + parsed.error().message, kUsage);
    from = *parsed;
  }
  // The next `count` runs of each schedule, merged in time order; a run of the flow and one of
  // an override at the same instant are both listed (they are separate runs).
  std::vector<Run> runs;
  const auto add = [&](const schedule::CronSchedule& cron, const std::string& source) -> bool {
    auto after = from;
    for (size_t i = 0; i < count; ++i) {
      auto next = schedule::next_run(cron, *flow.zone, after);
      if (!next) {
        print_error(fmt::format("flow {}: {}", id, next.error().message), "invalid_config");
        return false;
      }
      runs.push_back({*next, source});
      after = *next;
    }
    return true;
  };
  if (flow.schedule && !add(*flow.schedule, "flow")) return kExitFailure;
  for (const auto& [index, cron] : flow.overrides) {
    if (!add(cron, fmt::format("pageGenerators[{}]", index))) return kExitFailure;
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& a, const Run& b) { return a.at < b.at; });
  runs.resize(std::min(runs.size(), count));
  if (flow.disabled) {
    std::cerr << fmt::format("note: flow {} is disabled: `sluice serve` does not run it\n", id);
  }
  if (vm.count("json") != 0u) {
    json::array out;
    for (const Run& run : runs) {
      out.push_back(json::object{{"utc", schedule::format_utc(run.at)},
                                 {"local", schedule::format_local(run.at, *flow.zone)},
                                 {"timezone", flow.zone_name},
                                 {"source", run.source}});
    }
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  if (flow.schedule) {
    std::cout << fmt::format("flow {}: schedule \"{}\" in {}\n", id, flow.schedule->text,
                             flow.zone_name);
  }
  for (const auto& [index, cron] : flow.overrides) {
    std::cout << fmt::format("pageGenerators[{}]: schedule override \"{}\" in {}\n", index,
                             cron.text, flow.zone_name);
  }
  const std::string local_head = fmt::format("LOCAL ({})", flow.zone_name);
  const size_t width = std::max<size_t>(local_head.size(), 25);
  std::cout << fmt::format("{:<{}}  {:<20}  {}\n", local_head, width, "UTC", "RUNS");
  for (const Run& run : runs) {
    std::cout << fmt::format("{:<{}}  {:<20}  {}\n", schedule::format_local(run.at, *flow.zone),
                             width, schedule::format_utc(run.at), run.source);
  }
  return kExitOk;
}

}  // namespace sluice::cli
