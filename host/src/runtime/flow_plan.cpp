#include "runtime/flow_plan.hpp"

#include <initializer_list>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "plugins/hook_reference.hpp"
#include "plugins/settings_schema.hpp"
#include "resources/resource_schema.hpp"
#include "runtime/clock.hpp"
#include "runtime/flow_document.hpp"

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

const json::object& object_or_empty(const json::object& doc, std::string_view key) {
  static const json::object kEmpty;
  const json::value* v = doc.if_contains(key);
  return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

// type, delta.*, test.*: checked by `sluice apply`; a document stored by an older version is
// checked again here, so that nothing is silently run as something else.
Result<void> read_export_type(std::string_view flow_id, GeneratorStep& step) {
  const json::value* type = step.doc.if_contains("type");
  std::optional<ExportType> parsed = ExportType::kAll;
  if (type != nullptr && !type->is_null()) {
    parsed = type->is_string() ? export_type_from(type->get_string()) : std::nullopt;
  }
  if (!parsed) {
    return flow_error(flow_id, fmt::format("export {}: $.type: expected \"all\", \"delta\", "
                                           "\"once\" or \"test\", found {}; fix it and apply "
                                           "the export again",
                                           step.export_id, host::describe_json(type)));
  }
  step.type = *parsed;
  const json::object& delta = object_or_empty(step.doc, "delta");
  if (auto* lag = delta.if_contains("lagOffset"); lag && !lag->is_null()) {
    if (!lag->is_int64() || lag->as_int64() < 0) {
      return flow_error(flow_id, fmt::format("export {}: $.delta.lagOffset: expected a whole "
                                             "number of milliseconds, found {}",
                                             step.export_id, host::describe_json(lag)));
    }
    step.delta_lag_offset_ms = lag->as_int64();
  }
  // Without delta.startDate a delta's first run starts at the beginning of time, as integrator.io's
  // does (a full export): {{lastExportDateTime}} in a request is never empty.
  step.delta_start_date = kDeltaDefaultStartDate;
  if (auto* start = delta.if_contains("startDate"); start && !start->is_null()) {
    if (!start->is_string() || !ms_from_iso8601(start->get_string())) {
      return flow_error(flow_id, fmt::format("export {}: $.delta.startDate: expected an ISO 8601 "
                                             "date-time such as \"2026-01-31T00:00:00Z\", "
                                             "found {}",
                                             step.export_id, host::describe_json(start)));
    }
    step.delta_start_date = std::string(start->get_string());
  }
  const json::object& test = object_or_empty(step.doc, "test");
  if (auto* limit = test.if_contains("limit"); limit && !limit->is_null()) {
    if (!limit->is_int64() || limit->as_int64() < 1 || limit->as_int64() > 100) {
      return flow_error(flow_id, fmt::format("export {}: $.test.limit: expected a whole number "
                                             "from 1 to 100, found {}",
                                             step.export_id, host::describe_json(limit)));
    }
    step.test_limit = limit->as_int64();
  }
  if (auto* v = step.doc.if_contains("transform")) step.transform = *v;
  if (auto* v = step.doc.if_contains("filter")) step.filter = *v;
  if (auto* hooks = step.doc.if_contains("hooks"); hooks && hooks->is_object()) {
    if (auto* v = hooks->get_object().if_contains("preSavePage")) step.pre_save_page = *v;
  }
  step.settings = object_or_empty(step.doc, "settings");
  return {};
}

// The native hook a hook slot references ({_pluginId, function} at `path` of `step`, which may be
// empty when the path says it all, in a slot of kind `kind`), into `hooks`; nothing for a script's
// reference or none. The plugin must still be installed and export a hook of that name and kind, as
// `sluice apply` checked.
Result<void> resolve_native_hook(const host::PluginRegistry& registry, std::string_view flow_id,
                                 std::string_view step, const json::value& reference,
                                 std::string_view path, std::string_view kind, NativeHooks& hooks) {
  if (!host::is_native_hook_reference(&reference)) return {};
  auto hook = host::find_native_hook(registry, reference, path, kind);
  if (!hook) {
    return flow_error(flow_id, fmt::format("{}{}{}; fix the reference and apply it again, or "
                                           "install the plugin",
                                           step, step.empty() ? "" : ": ", hook.error().message));
  }
  hooks[{(*hook)->plugin->id, (*hook)->name}] = *hook;
  return {};
}

// The scripts the export's slots name: filter.script, transform.script, hooks.preSavePage.
Result<void> load_scripts(host::Store& store, std::string_view flow_id, GeneratorStep& step) {
  const std::pair<const json::value*, const char*> references[] = {
      {step.filter.is_object() ? step.filter.get_object().if_contains("script") : nullptr,
       "$.filter.script._scriptId"},
      {step.transform.is_object() ? step.transform.get_object().if_contains("script") : nullptr,
       "$.transform.script._scriptId"},
      {&step.pre_save_page, "$.hooks.preSavePage._scriptId"}};
  for (const auto& [reference, path] : references) {
    if (reference == nullptr || !reference->is_object()) continue;
    const json::value* id = reference->get_object().if_contains("_scriptId");
    if (id == nullptr || !id->is_string()) continue;
    const std::string script_id(id->get_string());
    if (step.scripts.count(script_id) != 0) continue;
    auto doc = store.get_resource(ResourceKind::kScript, script_id, Secrets::kMasked);
    if (!doc) return doc.error();
    if (!*doc) {
      return flow_error(flow_id,
                        fmt::format("export {}: {}: no script {} in the store; apply it (see "
                                    "docs/scripts.md), then run the flow again",
                                    step.export_id, path, script_id));
    }
    step.scripts.emplace(script_id, std::move(**doc));
  }
  return {};
}

// The script of each reference in `references` ({_scriptId, function} or nullptr), into `scripts`.
Result<void> load_referenced_scripts(
    host::Store& store, std::string_view flow_id, std::string_view step,
    std::initializer_list<std::pair<const json::value*, const char*>> references,
    std::map<std::string, json::object>& scripts) {
  for (const auto& [reference, path] : references) {
    if (reference == nullptr || !reference->is_object()) continue;
    const json::value* id = reference->get_object().if_contains("_scriptId");
    if (id == nullptr || !id->is_string()) continue;
    const std::string script_id(id->get_string());
    if (scripts.count(script_id) != 0) continue;
    auto doc = store.get_resource(ResourceKind::kScript, script_id, Secrets::kMasked);
    if (!doc) return doc.error();
    if (!*doc) {
      // `step` is empty for the flow's own slots: flow_error names the flow already.
      return flow_error(flow_id, fmt::format("{}{}{}: no script {} in the store; apply it (see "
                                             "docs/scripts.md), then run the flow again",
                                             step, step.empty() ? "" : ": ", path, script_id));
    }
    scripts.emplace(script_id, std::move(**doc));
  }
  return {};
}

// The import's processor slots (import_steps.hpp) and the scripts they name.
Result<void> read_import_slots(host::Store& store, const host::PluginRegistry& registry,
                               std::string_view flow_id, ProcessorStep& step) {
  if (auto* v = step.doc.if_contains("inputFilter")) step.input_filter = *v;
  if (auto* v = step.doc.if_contains("mappings")) step.mappings = *v;
  if (auto* v = step.doc.if_contains("mapping")) step.mapping = *v;
  if (auto* v = step.doc.if_contains("lookups")) step.lookups = *v;
  const json::object& hooks = object_or_empty(step.doc, "hooks");
  if (auto* v = hooks.if_contains("preMap")) step.pre_map = *v;
  if (auto* v = hooks.if_contains("postMap")) step.post_map = *v;
  if (auto* v = hooks.if_contains("postSubmit")) step.post_submit = *v;
  if (auto* v = object_or_empty(step.doc, "http").if_contains("sendPostMappedData");
      v && v->is_bool()) {
    step.send_post_mapped_data = v->get_bool();
  }
  step.settings = object_or_empty(step.doc, "settings");
  const json::value* filter_script = step.input_filter.is_object()
                                         ? step.input_filter.get_object().if_contains("script")
                                         : nullptr;
  const std::string what = fmt::format("import {}", step.import_id);
  for (const auto& [reference, path, kind] :
       {std::tuple{&step.pre_map, "$.hooks.preMap", SLUICE_HOOK_PRE_MAP},
        std::tuple{&step.post_map, "$.hooks.postMap", SLUICE_HOOK_POST_MAP},
        std::tuple{&step.post_submit, "$.hooks.postSubmit", SLUICE_HOOK_POST_SUBMIT}}) {
    if (auto r =
            resolve_native_hook(registry, flow_id, what, *reference, path, kind, step.native_hooks);
        !r) {
      return r;
    }
  }
  return load_referenced_scripts(store, flow_id, what,
                                 {{filter_script, "$.inputFilter.script._scriptId"},
                                  {&step.pre_map, "$.hooks.preMap._scriptId"},
                                  {&step.post_map, "$.hooks.postMap._scriptId"},
                                  {&step.post_submit, "$.hooks.postSubmit._scriptId"}},
                                 step.scripts);
}

// The flow entry's hooks.postResponseMap: its script into step.scripts, or its native hook into
// step.native_hooks.
Result<void> load_post_response_map(host::Store& store, const host::PluginRegistry& registry,
                                    std::string_view flow_id, const FlowProcessorRef& processor,
                                    ProcessorStep& step) {
  if (auto r = resolve_native_hook(registry, flow_id, "", step.post_response_map,
                                   processor.path + ".hooks.postResponseMap",
                                   SLUICE_HOOK_POST_RESPONSE_MAP, step.native_hooks);
      !r) {
    return r;
  }
  const std::string hook_path = processor.path + ".hooks.postResponseMap._scriptId";
  return load_referenced_scripts(store, flow_id, "", {{&step.post_response_map, hook_path.c_str()}},
                                 step.scripts);
}

// A lookup processor: the export it names, which must have isLookup: true.
Result<ProcessorStep> resolve_lookup(host::Store& store, const host::PluginRegistry& registry,
                                     std::string_view flow_id, const FlowProcessorRef& processor) {
  ProcessorStep step;
  step.is_lookup = true;
  step.import_id = processor.id;
  auto doc =
      load(store, ResourceKind::kExport, flow_id, processor.path + "._exportId", step.import_id);
  if (!doc) return doc.error();
  step.doc = std::move(*doc);
  const json::value* is_lookup = step.doc.if_contains("isLookup");
  if (is_lookup == nullptr || !is_lookup->is_bool() || !is_lookup->get_bool()) {
    return flow_error(flow_id, fmt::format("{}._exportId: export {} is not a lookup; set "
                                           "\"isLookup\": true on it, or use it as a source",
                                           processor.path, step.import_id));
  }
  step.name = string_field(step.doc, "name");
  if (step.name.empty()) step.name = step.import_id;
  step.proceed_on_failure = processor.proceed_on_failure;
  step.response_mapping = processor.response_mapping;
  step.entry_where = fmt::format("flow {}: {}", flow_id, processor.path);
  if (auto* v = step.doc.if_contains("inputFilter")) step.input_filter = *v;
  step.settings = object_or_empty(step.doc, "settings");
  const json::value* filter_script = step.input_filter.is_object()
                                         ? step.input_filter.get_object().if_contains("script")
                                         : nullptr;
  step.post_response_map = processor.post_response_map;
  if (auto r = load_referenced_scripts(store, flow_id, fmt::format("lookup {}", step.import_id),
                                       {{filter_script, "$.inputFilter.script._scriptId"}},
                                       step.scripts);
      !r) {
    return r.error();
  }
  if (auto r = load_post_response_map(store, registry, flow_id, processor, step); !r) {
    return r.error();
  }
  auto conn = resolve_connection(store, registry, flow_id, "export", step.import_id, step.doc);
  if (!conn) return conn.error();
  step.connection = std::move(*conn);
  return step;
}

}  // namespace

std::string_view to_string(ExportType type) noexcept {
  switch (type) {
    case ExportType::kAll:
      return "all";
    case ExportType::kDelta:
      return "delta";
    case ExportType::kOnce:
      return "once";
    case ExportType::kTest:
      return "test";
  }
  return "all";
}

std::optional<ExportType> export_type_from(std::string_view text) noexcept {
  for (ExportType t : {ExportType::kAll, ExportType::kDelta, ExportType::kOnce, ExportType::kTest})
    if (text == to_string(t)) return t;
  return std::nullopt;
}

Result<FlowPlan> resolve_flow(host::Store& store, const host::PluginRegistry& registry,
                              std::string_view flow_id) {
  auto flow_doc = store.get_resource(ResourceKind::kFlow, flow_id, Secrets::kMasked);
  if (!flow_doc) return flow_doc.error();
  if (!*flow_doc) {
    return make_error(Status::kNotFound,
                      fmt::format("no flow {} in the store; see `sluice get flows`", flow_id));
  }
  const json::object& flow = **flow_doc;
  std::vector<std::string> problems;
  const FlowDocument shape = read_flow_document(flow_id, flow, problems);
  FlowPlan plan;
  plan.flow_id = std::string(flow_id);
  plan.name = shape.name;
  plan.settings = shape.settings;
  if (shape.disabled) {
    return flow_error(flow_id,
                      "it is disabled; set \"disabled\": false and apply it again to run it");
  }
  if (!problems.empty()) {
    return make_error(Status::kInvalidConfig,
                      problems.front() + "; fix it and apply the flow again");
  }
  for (const FlowSourceRef& source : shape.sources) {
    GeneratorStep step;
    step.export_id = source.export_id;
    auto doc =
        load(store, ResourceKind::kExport, flow_id, source.path + "._exportId", step.export_id);
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
    if (auto r = read_export_type(flow_id, step); !r) return r.error();
    if (auto r = load_scripts(store, flow_id, step); !r) return r.error();
    if (auto r = resolve_native_hook(registry, flow_id, fmt::format("export {}", step.export_id),
                                     step.pre_save_page, "$.hooks.preSavePage",
                                     SLUICE_HOOK_PRE_SAVE_PAGE, step.native_hooks);
        !r) {
      return r.error();
    }
    step.file = object_or_empty(step.doc, "file");
    if (string_field(step.doc, "adaptorType") == host::kWebhookExportAdaptor) {
      step.webhook = true;  // a listener: no connection
      plan.generators.push_back(std::move(step));
      continue;
    }
    if (string_field(step.doc, "adaptorType") == host::kSimpleExportAdaptor) {
      step.simple = step.files = true;  // the data loader: no connection
      plan.generators.push_back(std::move(step));
      continue;
    }
    auto conn = resolve_connection(store, registry, flow_id, "export", step.export_id, step.doc);
    if (!conn) return conn.error();
    step.connection = std::move(*conn);
    step.files = step.connection.connector->can(SLUICE_CAP_FILE_TRANSFER) &&
                 step.doc.contains("file") && step.doc.at("file").is_object();
    plan.generators.push_back(std::move(step));
  }
  for (const FlowProcessorRef& processor : shape.processors) {
    if (processor.type == "export") {
      auto lookup = resolve_lookup(store, registry, flow_id, processor);
      if (!lookup) return lookup.error();
      plan.processors.push_back(std::move(*lookup));
      continue;
    }
    ProcessorStep step;
    step.import_id = processor.id;
    auto doc =
        load(store, ResourceKind::kImport, flow_id, processor.path + "._importId", step.import_id);
    if (!doc) return doc.error();
    step.doc = std::move(*doc);
    step.name = string_field(step.doc, "name");
    if (step.name.empty()) step.name = step.import_id;
    step.proceed_on_failure = processor.proceed_on_failure;
    step.response_mapping = processor.response_mapping;
    step.entry_where = fmt::format("flow {}: {}", flow_id, processor.path);
    step.post_response_map = processor.post_response_map;
    if (auto r = read_import_slots(store, registry, flow_id, step); !r) return r.error();
    if (auto r = load_post_response_map(store, registry, flow_id, processor, step); !r) {
      return r.error();
    }
    auto conn = resolve_connection(store, registry, flow_id, "import", step.import_id, step.doc);
    if (!conn) return conn.error();
    step.connection = std::move(*conn);
    plan.processors.push_back(std::move(step));
  }
  plan.routers = shape.routers;
  for (const FlowRouterRef& router : plan.routers) {
    if (!router.by_script) continue;
    const std::string path = router.path + ".script._scriptId";
    if (auto r = load_referenced_scripts(store, flow_id, fmt::format("flow {}", flow_id),
                                         {{&router.script, path.c_str()}}, plan.router_scripts);
        !r) {
      return r.error();
    }
  }
  return plan;
}

}  // namespace sluice::runtime
