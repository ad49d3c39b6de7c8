#include "runtime/flow_plan.hpp"

#include <optional>

#include <fmt/format.h>

#include "plugins/settings_schema.hpp"
#include "resources/resource_schema.hpp"

namespace sluice::runtime {

namespace json = boost::json;
using host::ResourceKind;
using host::Secrets;

namespace {

std::string string_field(const json::object& doc, std::string_view key) {
  if (auto* v = doc.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

Error flow_error(std::string_view flow_id, std::string message) {
  return make_error(Status::kInvalidConfig, fmt::format("flow {}: {}", flow_id, message));
}

Result<StepConnection> resolve_connection(host::Store& store, const host::PluginRegistry& registry,
                                          std::string_view flow_id, std::string_view step_kind,
                                          std::string_view step_id, const json::object& step) {
  StepConnection c;
  c.id = string_field(step, "_connectionId");
  if (c.id.empty()) {
    return flow_error(
        flow_id,
        fmt::format("{} {} has no \"_connectionId\"; add the _id of the connection it uses",
                    step_kind, step_id));
  }
  auto doc = store.get_resource(ResourceKind::kConnection, c.id, Secrets::kRevealed);
  if (!doc) return doc.error();
  if (!*doc) {
    return flow_error(
        flow_id,
        fmt::format("{} {}: \"_connectionId\" names connection {}, which is not in the store; "
                    "apply it with `sluice apply`",
                    step_kind, step_id, c.id));
  }
  c.doc = std::move(**doc);
  auto connector = registry.connector_for(c.doc);
  if (!connector) return flow_error(flow_id, connector.error().message);
  c.connector = *connector;
  return c;
}

Result<json::object> load(host::Store& store, ResourceKind kind, std::string_view flow_id,
                          const std::string& field, const std::string& id) {
  if (id.empty()) {
    return flow_error(flow_id, fmt::format("{} is missing; it must name the _id of an {}", field,
                                           kind == ResourceKind::kExport ? "export" : "import"));
  }
  auto doc = store.get_resource(kind, id, Secrets::kRevealed);
  if (!doc) return doc.error();
  if (!*doc) {
    return flow_error(
        flow_id,
        fmt::format("{} names {} {}, which is not in the store; apply it with `sluice apply`",
                    field, kind == ResourceKind::kExport ? "export" : "import", id));
  }
  return std::move(**doc);
}

// An integer from kMinPageSize to kMaxPageSize, else nullopt (never a cast of anything else).
std::optional<size_t> page_size_of(const json::value& v) {
  if (!v.is_int64() || v.as_int64() < host::kMinPageSize || v.as_int64() > host::kMaxPageSize)
    return std::nullopt;
  return static_cast<size_t>(v.as_int64());
}

}  // namespace

Result<FlowPlan> resolve_flow(host::Store& store, const host::PluginRegistry& registry,
                              std::string_view flow_id) {
  auto flow_doc = store.get_resource(ResourceKind::kFlow, flow_id, Secrets::kMasked);
  if (!flow_doc) return flow_doc.error();
  if (!*flow_doc) {
    return make_error(Status::kNotFound,
                      fmt::format("no flow {} in the store; see `sluice get flows`", flow_id));
  }
  const json::object& flow = **flow_doc;
  FlowPlan plan;
  plan.flow_id = std::string(flow_id);
  plan.name = string_field(flow, "name");
  if (auto* d = flow.if_contains("disabled"); d && d->is_bool() && d->as_bool()) {
    return flow_error(flow_id,
                      "it is disabled; set \"disabled\": false and apply it again to run it");
  }
  if (flow.contains("routers")) {
    return flow_error(
        flow_id, "\"routers\" (branching) are not supported by this version; use pageProcessors");
  }
  const json::value* generators = flow.if_contains("pageGenerators");
  if (generators == nullptr || !generators->is_array() || generators->as_array().empty()) {
    return flow_error(
        flow_id,
        "expected \"pageGenerators\" with at least one source ({\"_exportId\": ...}), found none");
  }
  size_t index = 0;
  for (const auto& g : generators->as_array()) {
    const std::string field = fmt::format("pageGenerators[{}]._exportId", index++);
    if (!g.is_object()) return flow_error(flow_id, fmt::format("{}: expected an object", field));
    GeneratorStep step;
    step.export_id = string_field(g.as_object(), "_exportId");
    auto doc = load(store, ResourceKind::kExport, flow_id, field, step.export_id);
    if (!doc) return doc.error();
    step.doc = std::move(*doc);
    step.name = string_field(step.doc, "name");
    if (step.name.empty()) step.name = step.export_id;
    if (auto* ps = step.doc.if_contains("pageSize"); ps && !ps->is_null()) {
      // `sluice apply` has checked it; a document stored by an older version may still hold
      // anything, and a page size of 0 would never end the paging loop.
      auto size = page_size_of(*ps);
      if (!size) {
        return flow_error(flow_id,
                          fmt::format("export {}: pageSize must be an integer from {} to {}, "
                                      "found {}; fix it and apply the export again",
                                      step.export_id, host::kMinPageSize, host::kMaxPageSize,
                                      host::describe_json(ps)));
      }
      step.page_size = *size;
    }
    auto conn = resolve_connection(store, registry, flow_id, "export", step.export_id, step.doc);
    if (!conn) return conn.error();
    step.connection = std::move(*conn);
    plan.generators.push_back(std::move(step));
  }
  index = 0;
  if (const json::value* processors = flow.if_contains("pageProcessors");
      processors && processors->is_array()) {
    for (const auto& p : processors->as_array()) {
      const std::string where = fmt::format("pageProcessors[{}]", index++);
      if (!p.is_object()) return flow_error(flow_id, fmt::format("{}: expected an object", where));
      const json::object& entry = p.as_object();
      const std::string type = string_field(entry, "type");
      if (type == "export") {
        return flow_error(
            flow_id,
            fmt::format("{} is a lookup (type \"export\"), which this version does not run yet",
                        where));
      }
      if (type != "import") {
        return flow_error(
            flow_id,
            fmt::format("{}.type: expected \"import\" or \"export\", found \"{}\"", where, type));
      }
      ProcessorStep step;
      step.import_id = string_field(entry, "_importId");
      auto doc = load(store, ResourceKind::kImport, flow_id, where + "._importId", step.import_id);
      if (!doc) return doc.error();
      step.doc = std::move(*doc);
      step.name = string_field(step.doc, "name");
      if (step.name.empty()) step.name = step.import_id;
      if (auto* pof = entry.if_contains("proceedOnFailure"); pof && pof->is_bool())
        step.proceed_on_failure = pof->as_bool();
      auto conn = resolve_connection(store, registry, flow_id, "import", step.import_id, step.doc);
      if (!conn) return conn.error();
      step.connection = std::move(*conn);
      plan.processors.push_back(std::move(step));
    }
  }
  return plan;
}

}  // namespace sluice::runtime
