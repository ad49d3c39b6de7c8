// `sluice errors FLOW` lists open (or resolved) errors; `sluice errors resolve|retry|edit …`
// dispatch to their own files (cmd_errors_*.cpp).
#include "cli/cmd_errors.hpp"

#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/table.hpp"
#include "runtime/record_json.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {
constexpr size_t kDefaultLimit = 1000;
}  // namespace

void take_error_ids(Args& args, std::vector<std::string>& ids,
                    const std::vector<std::string>& valued) {
  Args kept;
  bool seen_flow = false;
  bool rest_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!rest_positional && word == "--") {
      rest_positional = true;
      kept.push_back(word);
      continue;
    }
    if (!rest_positional && word.size() > 1 && word[0] == '-') {
      kept.push_back(word);
      if (std::find(valued.begin(), valued.end(), word) != valued.end() && i + 1 < args.size())
        kept.push_back(args[++i]);
      continue;
    }
    if (!seen_flow) {
      seen_flow = true;
      kept.push_back(word);
    } else {
      ids.push_back(word);
    }
  }
  args = std::move(kept);
}

std::optional<ErrorSelection> select_errors(const Env& env, const Args& words, const char* usage,
                                            const char* json_help, const char* step_help,
                                            int& code) {
  ErrorSelection selection;
  Args args = words;
  take_error_ids(args, selection.ids, {"--step"});
  po::options_description options("options");
  options.add_options()("json", json_help)("step", po::value<std::string>()->value_name("STEP"),
                                           step_help)("flow", po::value<std::string>()->required(),
                                                      "a flow id (see `sluice get flows`)");
  po::positional_options_description positional;
  positional.add("flow", 1);
  po::variables_map vm;
  code = kExitOk;
  if (!parse_args(args, usage, options, positional, vm, code)) return std::nullopt;
  code = kExitFailure;
  selection.store = env.open_store();
  if (!selection.store) return std::nullopt;
  selection.flow = vm["flow"].as<std::string>();
  if (vm.count("step") != 0u) selection.step = vm["step"].as<std::string>();
  selection.json = vm.count("json") != 0u;
  if (!flow_exists(*selection.store, selection.flow)) return std::nullopt;
  code = kExitOk;
  return selection;
}

bool flow_exists(host::Store& store, const std::string& flow) {
  auto exists = store.get_resource(host::ResourceKind::kFlow, flow, host::Secrets::kMasked);
  if (!exists) {
    print_error(exists.error());
    return false;
  }
  if (!*exists) {
    print_error(fmt::format("no flow {}; see `sluice get flows`", flow), "not_found");
    return false;
  }
  return true;
}

std::string error_record(const host::JobError& error) {
  if (!error.trace_key.empty()) return error.trace_key;
  if (auto* o = error.retry_data.if_object()) {
    for (std::string_view key : {"_id", "id"}) {
      if (auto* id = o->if_contains(key))
        return id->is_string() ? std::string(id->as_string()) : json::serialize(*id);
    }
  }
  return "-";
}

int cmd_errors(const Env& env, const Args& args) {
  if (!args.empty()) {
    const Args rest(args.begin() + 1, args.end());
    if (args[0] == "resolve") return cmd_errors_resolve(env, rest);
    if (args[0] == "retry") return cmd_errors_retry(env, rest);
    if (args[0] == "edit") return cmd_errors_edit(env, rest);
    // `sluice errors list FLOW`: for a flow whose id is one of the words above (or "list").
    if (args[0] == "list") return cmd_errors_list(env, rest);
  }
  return cmd_errors_list(env, args);
}

int cmd_errors_list(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice errors FLOW [--step STEP] [--resolved] [--json] [--limit N]\n"
      "       sluice errors list FLOW [...]  (the same, for a flow named resolve, retry, edit or\n"
      "                                      list)\n"
      "       sluice errors resolve FLOW [--step STEP] [ERROR_ID...]\n"
      "       sluice errors retry FLOW [--step STEP] [ERROR_ID...]\n"
      "       sluice errors edit FLOW ERROR_ID [--data FILE]\n"
      "Lists the open errors of a flow (or of one step; --resolved: the resolved ones), oldest\n"
      "first: the id, step, classification, code, record (trace key) and message of each failed\n"
      "record; --json adds its retry data (the record as it entered the step) and the request and\n"
      "response where the plugin reported them. `sluice errors resolve|retry|edit --help` for\n"
      "the others.";
  po::options_description options("options");
  options.add_options()("json", "print JSON, including retry data")(
      "step", po::value<std::string>()->value_name("STEP"),
      "only the errors of this step (an export or import id)")(
      "resolved", "list resolved errors instead of open ones")(
      "limit", po::value<std::string>()->value_name("N"),
      fmt::format("at most N errors (1 to {}; default {})", kMaxLimit, kDefaultLimit).c_str())(
      "flow", po::value<std::string>()->required(), "a flow id (see `sluice get flows`)");
  po::positional_options_description positional;
  positional.add("flow", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  host::ErrorQuery query;
  query.limit = kDefaultLimit;
  if (vm.count("limit") != 0u) {
    auto parsed = parse_limit(vm["limit"].as<std::string>(), kUsage);
    if (!parsed) return kExitUsage;
    query.limit = *parsed;
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  query.flow_id = vm["flow"].as<std::string>();
  if (vm.count("step") != 0u) query.step_id = vm["step"].as<std::string>();
  query.resolved = vm.count("resolved") != 0u;
  const std::string& flow = query.flow_id;
  if (!flow_exists(*store, flow)) return kExitFailure;
  auto errors = store->find_errors(query);
  if (!errors) {
    print_error(errors.error());
    return kExitFailure;
  }
  if (vm.count("json") != 0u) {
    json::array out;
    for (const auto& e : *errors) out.push_back(e.to_json());
    std::cout << runtime::record_json(out) << '\n';  // 1.5, not Boost.JSON's 1.5E0
    return kExitOk;
  }
  const std::string which = query.resolved ? "resolved" : "open";
  const std::string where = query.step_id.empty() ? "" : " at step " + query.step_id;
  if (errors->empty()) {
    std::cout << fmt::format("flow {} has no {} errors{}\n", flow, which, where);
    return kExitOk;
  }
  Table table(query.resolved ? std::vector<std::string>{"ID", "STEP", "CLASS", "CODE", "RECORD",
                                                        "RESOLVED", "BY", "MESSAGE"}
                             : std::vector<std::string>{"ID", "STEP", "CLASS", "CODE", "RECORD",
                                                        "WHEN", "MESSAGE"});
  for (const auto& e : *errors) {
    std::string message = e.message;
    if (e.retry_data_edited) message = "(retry data edited) " + message;
    if (query.resolved) {
      table.add({e.id, e.step_id, e.classification, e.code, error_record(e), e.resolved_at,
                 e.resolved_by, message});
    } else {
      table.add(
          {e.id, e.step_id, e.classification, e.code, error_record(e), e.occurred_at, message});
    }
  }
  table.print(std::cout);
  const std::string count =
      fmt::format("{} {} error{}{}", errors->size(), which, errors->size() == 1 ? "" : "s", where);
  if (query.resolved) {
    std::cout << count << '\n';
  } else {
    std::cout << fmt::format(
        "{}; `sluice errors {} --json` shows each record's retry data; `sluice errors retry {}` "
        "runs them again, `sluice errors resolve {}` resolves them\n",
        count, errors_list_words(flow), flow, flow);
  }
  return kExitOk;
}

}  // namespace sluice::cli
