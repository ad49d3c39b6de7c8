#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {
constexpr size_t kDefaultLimit = 10000;
}  // namespace

int cmd_jobs(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice jobs log JOB [--json] [--limit N]\n"
      "Prints the log of a job (the id `sluice flow run` prints): every line its plugins logged,\n"
      "debug, info, warn and error, with the time and the step that logged it, oldest first.";
  po::options_description options("options");
  options.add_options()("json", "print the lines as a JSON array")(
      "limit", po::value<std::string>()->value_name("N"),
      fmt::format("at most N lines (1 to {}; default {})", kMaxLimit, kDefaultLimit).c_str())(
      "action", po::value<std::string>()->required(), "what to do: `sluice jobs log JOB`")(
      "job", po::value<std::string>(), "a job id");
  po::positional_options_description positional;
  positional.add("action", 1).add("job", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  if (vm["action"].as<std::string>() != "log" || vm.count("job") == 0u) {
    return usage_error("expected `sluice jobs log JOB`", kUsage);
  }
  size_t limit = kDefaultLimit;
  if (vm.count("limit") != 0u) {
    auto parsed = parse_limit(vm["limit"].as<std::string>(), kUsage);
    if (!parsed) return kExitUsage;
    limit = *parsed;
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  const std::string id = vm["job"].as<std::string>();
  auto job = store->get_job(id);
  if (!job) {
    print_error(job.error());
    return kExitFailure;
  }
  if (!*job) {
    print_error(fmt::format("no job {}; `sluice flow run FLOW --json` prints a job's id", id),
                "not_found");
    return kExitFailure;
  }
  auto lines = store->get_job_log(id, limit);
  if (!lines) {
    print_error(lines.error());
    return kExitFailure;
  }
  if (vm.count("json") != 0u) {
    json::array out;
    for (const auto& line : *lines) out.push_back(line.to_json());
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  if (lines->empty()) {
    std::cout << fmt::format("job {} logged nothing\n", id);
    return kExitOk;
  }
  for (const auto& line : *lines) {
    std::cout << fmt::format("{} {:<5} [{}] {}\n", line.at, line.level, line.step, line.message);
  }
  return kExitOk;
}

}  // namespace sluice::cli
