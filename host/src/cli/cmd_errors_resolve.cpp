// `sluice errors resolve FLOW [--step STEP] [ERROR_ID...]`: marks errors resolved by the operator.
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/cmd_errors.hpp"

namespace sluice::cli {

namespace json = boost::json;

int cmd_errors_resolve(const Env& env, const Args& words) {
  constexpr const char* kUsage =
      "usage: sluice errors resolve FLOW [--step STEP] [ERROR_ID...] [--json]\n"
      "Resolves the named open errors of a flow or, without ids, every open error of the flow\n"
      "(of one step with --step), and prints how many. Resolved errors are listed by\n"
      "`sluice errors FLOW --resolved`; they are no longer retried.";
  int code = kExitOk;
  auto selection = select_errors(env, words, kUsage, "print {\"resolved\": N} as JSON",
                                 "only the errors of this step (an export or import id)", code);
  if (!selection) return code;
  host::Store* store = selection->store.get();
  const std::string& flow = selection->flow;
  const std::string& step = selection->step;
  const std::vector<std::string>& ids = selection->ids;
  for (const std::string& id : ids) {
    auto found = store->get_error(flow, id);
    if (!found) {
      print_error(found.error());
      return kExitFailure;
    }
    if (!*found || (!step.empty() && (*found)->step_id != step)) {
      print_error(
          fmt::format("no error {} in flow {}{}; nothing was resolved — see `sluice "
                      "errors {}`",
                      id, flow, step.empty() ? "" : " at step " + step, errors_list_words(flow)),
          "not_found");
      return kExitFailure;
    }
  }
  auto resolved = store->resolve_errors(flow, step, ids, "operator");
  if (!resolved) {
    print_error(resolved.error());
    return kExitFailure;
  }
  if (selection->json) {
    std::cout << json::serialize(json::object{{"resolved", *resolved}}) << '\n';
    return kExitOk;
  }
  std::cout << fmt::format("resolved {} error{} of flow {}{}", *resolved, *resolved == 1 ? "" : "s",
                           flow, step.empty() ? "" : " at step " + step);
  if (!ids.empty() && *resolved < ids.size()) {
    std::cout << fmt::format(" ({} of the {} named were resolved already)", ids.size() - *resolved,
                             ids.size());
  }
  std::cout << '\n';
  return kExitOk;
}

}  // namespace sluice::cli
