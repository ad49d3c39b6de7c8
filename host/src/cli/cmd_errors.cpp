#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/table.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {
constexpr size_t kDefaultLimit = 1000;
}  // namespace

int cmd_errors(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice errors FLOW [--json] [--limit N]\n"
      "Lists the open errors of a flow: the step, code and message of each failed record, and the\n"
      "record as it was at that step (its retry data, with --json).";
  po::options_description options("options");
  options.add_options()("json", "print JSON, including retry data")(
      "limit", po::value<std::string>()->value_name("N"),
      fmt::format("at most N errors (1 to {}; default {})", kMaxLimit, kDefaultLimit).c_str())(
      "flow", po::value<std::string>()->required(), "a flow id (see `sluice get flows`)");
  po::positional_options_description positional;
  positional.add("flow", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  size_t limit = kDefaultLimit;
  if (vm.count("limit") != 0u) {
    auto parsed = parse_limit(vm["limit"].as<std::string>(), kUsage);
    if (!parsed) return kExitUsage;
    limit = *parsed;
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  const std::string flow = vm["flow"].as<std::string>();
  auto exists = store->get_resource(host::ResourceKind::kFlow, flow, host::Secrets::kMasked);
  if (exists && !*exists) {
    print_error(fmt::format("no flow {}; see `sluice get flows`", flow), "not_found");
    return kExitFailure;
  }
  auto errors = store->list_errors(flow, limit);
  if (!errors) {
    print_error(errors.error());
    return kExitFailure;
  }
  if (vm.count("json") != 0u) {
    json::array out;
    for (const auto& e : *errors) out.push_back(e.to_json());
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  if (errors->empty()) {
    std::cout << fmt::format("flow {} has no open errors\n", flow);
    return kExitOk;
  }
  Table table({"STEP", "CODE", "RECORD", "WHEN", "MESSAGE"});
  for (const auto& e : *errors) {
    std::string record = "-";
    if (auto* o = e.retry_data.if_object()) {
      if (auto* id = o->if_contains("id"))
        record = id->is_string() ? std::string(id->as_string()) : json::serialize(*id);
    }
    table.add({e.step_id, e.code, record, e.occurred_at, e.message});
  }
  table.print(std::cout);
  std::cout << fmt::format(
      "{} open error{}; `sluice errors {} --json` shows each record's retry data\n", errors->size(),
      errors->size() == 1 ? "" : "s", flow);
  return kExitOk;
}

}  // namespace sluice::cli
