#include "runtime/flow_document.hpp"

#include <functional>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

namespace sluice::runtime {

namespace json = boost::json;

namespace {

std::string found(const json::value* v) {
  if (v == nullptr) return "nothing";
  if (v->is_string()) return fmt::format("the string \"{}\"", std::string_view(v->get_string()));
  if (v->is_object()) return "an object";
  if (v->is_array()) return "an array";
  return json::serialize(*v);
}

std::string id_at(std::string_view flow_id, const json::object& entry, std::string_view key,
                  const std::string& path, std::string_view what,
                  std::vector<std::string>& problems) {
  const json::value* v = entry.if_contains(key);
  if (v != nullptr && v->is_string() && !v->get_string().empty())
    return std::string(v->get_string());
  problems.push_back(fmt::format("flow {}: {}.{}: expected the _id of {}, found {}", flow_id, path,
                                 key, what, found(v)));
  return {};
}

// Reads one pageProcessors array at `path` into flow.processors; returns their indices.
std::vector<size_t> read_processors(std::string_view flow_id, const json::value& processors,
                                    const std::string& path, FlowDocument& flow,
                                    std::vector<std::string>& problems) {
  std::vector<size_t> indices;
  if (!processors.is_array()) {
    problems.push_back(
        fmt::format("flow {}: {}: expected an array, found {}", flow_id, path, found(&processors)));
    return indices;
  }
  size_t index = 0;
  for (const auto& p : processors.get_array()) {
    FlowProcessorRef processor;
    processor.path = fmt::format("{}[{}]", path, index++);
    indices.push_back(flow.processors.size());
    if (!p.is_object()) {
      problems.push_back(
          fmt::format("flow {}: {}: expected an object ({{\"type\": \"import\", "
                      "\"_importId\": ...}}), found {}",
                      flow_id, processor.path, found(&p)));
      flow.processors.push_back(std::move(processor));
      continue;
    }
    const json::object& entry = p.get_object();
    const json::value* type = entry.if_contains("type");
    if (type != nullptr && type->is_string()) processor.type = type->get_string();
    if (processor.type == "import") {
      processor.id = id_at(flow_id, entry, "_importId", processor.path, "an import", problems);
    } else if (processor.type == "export") {
      processor.id = id_at(flow_id, entry, "_exportId", processor.path, "an export", problems);
    } else {
      problems.push_back(
          fmt::format("flow {}: {}.type: expected \"import\" or \"export\", found {}", flow_id,
                      processor.path, found(type)));
    }
    if (auto* pof = entry.if_contains("proceedOnFailure"); pof && pof->is_bool())
      processor.proceed_on_failure = pof->get_bool();
    if (auto* rm = entry.if_contains("responseMapping")) processor.response_mapping = *rm;
    if (auto* hooks = entry.if_contains("hooks"); hooks && hooks->is_object()) {
      if (auto* h = hooks->get_object().if_contains("postResponseMap"))
        processor.post_response_map = *h;
    }
    flow.processors.push_back(std::move(processor));
  }
  return indices;
}

std::string string_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// One router's fields; nextRouterIds are left in `next_ids` (by branch) for the caller.
void read_router(std::string_view flow_id, const json::object& r, FlowRouterRef& router,
                 FlowDocument& flow, std::vector<std::vector<std::string>>& next_ids,
                 std::vector<std::string>& problems) {
  const std::string& at = router.path;
  if (const json::value* to = r.if_contains("routeRecordsTo"); to != nullptr && !to->is_null()) {
    if (to->is_string() && to->get_string() == "all_matching_branches") {
      router.all_matching = true;
    } else if (!to->is_string() || to->get_string() != "first_matching_branch") {
      problems.push_back(
          fmt::format("flow {}: {}.routeRecordsTo: expected "
                      "\"first_matching_branch\" or \"all_matching_branches\", "
                      "found {}",
                      flow_id, at, found(to)));
    }
  }
  if (const json::value* by = r.if_contains("routeRecordsUsing"); by != nullptr && !by->is_null()) {
    if (by->is_string() && by->get_string() == "script") {
      router.by_script = true;
    } else if (!by->is_string() || by->get_string() != "input_filters") {
      problems.push_back(
          fmt::format("flow {}: {}.routeRecordsUsing: expected \"input_filters\" "
                      "or \"script\", found {}",
                      flow_id, at, found(by)));
    }
  }
  if (router.by_script) {
    const json::value* script = r.if_contains("script");
    const json::object* o = script != nullptr ? script->if_object() : nullptr;
    if (o == nullptr || string_of(*o, "_scriptId").empty() || string_of(*o, "function").empty()) {
      problems.push_back(
          fmt::format("flow {}: {}.script: expected {{\"_scriptId\": ..., "
                      "\"function\": ...}} (routeRecordsUsing is \"script\"), "
                      "found {}",
                      flow_id, at, found(script)));
    } else {
      router.script = *script;
    }
  }
  const std::string router_next = string_of(r, "nextRouterId");
  const json::value* branches = r.if_contains("branches");
  if (branches == nullptr || !branches->is_array() || branches->get_array().empty()) {
    problems.push_back(
        fmt::format("flow {}: {}.branches: expected at least one branch ({{\"name\": ..., "
                    "\"pageProcessors\": [...]}}), found {}",
                    flow_id, at,
                    branches != nullptr && branches->is_array() ? std::string("an empty array")
                                                                : found(branches)));
    return;
  }
  size_t index = 0;
  for (const auto& b : branches->get_array()) {
    FlowBranchRef branch;
    branch.path = fmt::format("{}.branches[{}]", at, index++);
    branch.name = fmt::format("branch {}", index);
    std::string next = router_next;
    if (!b.is_object()) {
      problems.push_back(
          fmt::format("flow {}: {}: expected an object ({{\"name\": ..., "
                      "\"pageProcessors\": [...]}}), found {}",
                      flow_id, branch.path, found(&b)));
    } else {
      const json::object& o = b.get_object();
      if (std::string name = string_of(o, "name"); !name.empty()) branch.name = std::move(name);
      if (const json::value* f = o.if_contains("inputFilter"); f != nullptr && !f->is_null())
        branch.input_filter = *f;
      if (const json::value* p = o.if_contains("pageProcessors"); p != nullptr && !p->is_null())
        branch.processors =
            read_processors(flow_id, *p, branch.path + ".pageProcessors", flow, problems);
      if (o.contains("nextRouterId")) next = string_of(o, "nextRouterId");
    }
    next_ids.back().push_back(std::move(next));
    router.branches.push_back(std::move(branch));
  }
}

void read_routers(std::string_view flow_id, const json::value& routers, FlowDocument& flow,
                  std::vector<std::string>& problems) {
  if (!routers.is_array() || routers.get_array().empty()) {
    problems.push_back(fmt::format(
        "flow {}: $.routers: expected at least one router ({{\"branches\": [...]}}), found {}",
        flow_id, routers.is_array() ? std::string("an empty array") : found(&routers)));
    return;
  }
  std::vector<std::vector<std::string>> next_ids;  // by router, by branch
  size_t index = 0;
  for (const auto& r : routers.get_array()) {
    FlowRouterRef router;
    router.path = fmt::format("$.routers[{}]", index++);
    router.name = fmt::format("router {}", index);
    next_ids.emplace_back();
    if (!r.is_object()) {
      problems.push_back(
          fmt::format("flow {}: {}: expected an object ({{\"branches\": [...]}}), "
                      "found {}",
                      flow_id, router.path, found(&r)));
    } else {
      const json::object& o = r.get_object();
      router.id = string_of(o, "id");
      if (router.id.empty()) router.id = string_of(o, "_id");
      if (std::string name = string_of(o, "name"); !name.empty()) {
        router.name = std::move(name);
      } else if (!router.id.empty()) {
        router.name = router.id;
      }
      read_router(flow_id, o, router, flow, next_ids, problems);
    }
    for (const FlowRouterRef& before : flow.routers) {
      if (!router.id.empty() && before.id == router.id) {
        problems.push_back(
            fmt::format("flow {}: {}.id: \"{}\" is the id of {} too; give each "
                        "router its own id",
                        flow_id, router.path, router.id, before.path));
      }
    }
    flow.routers.push_back(std::move(router));
  }
  for (size_t r = 0; r < flow.routers.size(); ++r) {
    for (size_t b = 0; b < flow.routers[r].branches.size(); ++b) {
      const std::string& next = next_ids[r][b];
      if (next.empty()) continue;
      for (size_t n = 0; n < flow.routers.size(); ++n) {
        if (flow.routers[n].id != next) continue;
        flow.routers[r].branches[b].next_router = static_cast<int>(n);  // the first of that id
        break;
      }
      if (flow.routers[r].branches[b].next_router < 0) {
        problems.push_back(
            fmt::format("flow {}: {}.nextRouterId: no router of the flow has the id "
                        "\"{}\"; name the id of one of its routers, or remove it "
                        "to end the flow after this branch",
                        flow_id, flow.routers[r].branches[b].path, next));
      }
    }
  }
  // Cycles: a depth-first walk from each router; a router met again on the current path closes
  // one. Bounded: each router is finished once.
  std::vector<int> mark(flow.routers.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<size_t> path;
  std::function<bool(size_t)> walk = [&](size_t r) {
    mark[r] = 1;
    path.push_back(r);
    for (const FlowBranchRef& branch : flow.routers[r].branches) {
      if (branch.next_router < 0) continue;
      const auto n = static_cast<size_t>(branch.next_router);
      if (mark[n] == 1) {
        std::string loop;
        bool in = false;
        for (size_t p : path) {
          in = in || p == n;
          if (in) loop += flow.routers[p].path + " -> ";
        }
        problems.push_back(
            fmt::format("flow {}: {}.nextRouterId: \"{}\" makes a cycle ({}{}); "
                        "records would never leave it — end one of these branches "
                        "or point it to a later router",
                        flow_id, branch.path, flow.routers[n].id, loop, flow.routers[n].path));
        return true;
      }
      if (mark[n] == 0 && walk(n)) return true;
    }
    mark[r] = 2;
    path.pop_back();
    return false;
  };
  for (size_t r = 0; r < flow.routers.size(); ++r) {
    if (mark[r] == 0 && walk(r)) break;
  }
}

}  // namespace

FlowDocument read_flow_document(std::string_view flow_id, const json::object& doc,
                                std::vector<std::string>& problems) {
  FlowDocument flow;
  if (auto* v = doc.if_contains("name"); v && v->is_string()) flow.name = v->get_string();
  if (auto* v = doc.if_contains("disabled"); v && v->is_bool()) flow.disabled = v->get_bool();
  flow.has_routers = doc.contains("routers");
  if (auto* v = doc.if_contains("settings"); v && v->is_object()) flow.settings = v->get_object();
  const json::value* generators = doc.if_contains("pageGenerators");
  if (generators == nullptr || !generators->is_array() || generators->get_array().empty()) {
    problems.push_back(
        fmt::format("flow {}: $.pageGenerators: expected at least one source "
                    "({{\"_exportId\": ...}}), found {}",
                    flow_id,
                    generators != nullptr && generators->is_array() ? std::string("an empty array")
                                                                    : found(generators)));
  } else {
    size_t index = 0;
    for (const auto& g : generators->get_array()) {
      FlowSourceRef source;
      source.path = fmt::format("$.pageGenerators[{}]", index++);
      if (!g.is_object()) {
        problems.push_back(
            fmt::format("flow {}: {}: expected an object ({{\"_exportId\": ...}}), "
                        "found {}",
                        flow_id, source.path, found(&g)));
      } else {
        source.export_id =
            id_at(flow_id, g.get_object(), "_exportId", source.path, "an export", problems);
      }
      flow.sources.push_back(std::move(source));
    }
  }
  const json::value* processors = doc.if_contains("pageProcessors");
  const json::value* routers = doc.if_contains("routers");
  if (routers != nullptr && !routers->is_null()) {
    if (processors != nullptr && !processors->is_null() &&
        !(processors->is_array() && processors->get_array().empty())) {
      problems.push_back(fmt::format(
          "flow {}: $.pageProcessors: a flow has pageProcessors (linear) or routers (branching), "
          "not both; move these steps into a branch of routers[0]",
          flow_id));
    }
    read_routers(flow_id, *routers, flow, problems);
    return flow;
  }
  if (processors == nullptr || processors->is_null()) return flow;
  read_processors(flow_id, *processors, "$.pageProcessors", flow, problems);
  return flow;
}

}  // namespace sluice::runtime
