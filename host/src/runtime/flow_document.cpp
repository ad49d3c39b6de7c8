#include "runtime/flow_document.hpp"

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
  if (processors == nullptr || processors->is_null()) return flow;
  if (!processors->is_array()) {
    problems.push_back(fmt::format("flow {}: $.pageProcessors: expected an array, found {}",
                                   flow_id, found(processors)));
    return flow;
  }
  size_t index = 0;
  for (const auto& p : processors->get_array()) {
    FlowProcessorRef processor;
    processor.path = fmt::format("$.pageProcessors[{}]", index++);
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
  return flow;
}

}  // namespace sluice::runtime
