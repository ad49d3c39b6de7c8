// A flow resolved against the store and the plugin registry: every export, import and
// connection it names, and the connector serving each, checked before a job starts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "plugins/registry.hpp"
#include "resources/resource_schema.hpp"
#include "runtime/flow_document.hpp"
#include "runtime/native_hook.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

// The lastExportDateTime of a delta export's first run when it sets no delta.startDate: the
// beginning of time, so the first run exports everything (integrator.io's default).
inline constexpr const char kDeltaDefaultStartDate[] = "1970-01-01T00:00:00.000Z";

struct StepConnection {
  std::string id;
  boost::json::object doc;  // secrets revealed: never print it
  const host::ConnectorHandle* connector = nullptr;
};

// The export's "type" (docs/runtime.md): which records a run asks for.
enum class ExportType { kAll, kDelta, kOnce, kTest };
std::string_view to_string(ExportType type) noexcept;  // "all", "delta", "once", "test"
// "all"/"delta"/"once"/"test" (a missing type is "all"); nullopt for anything else.
std::optional<ExportType> export_type_from(std::string_view text) noexcept;

struct GeneratorStep {
  std::string export_id;
  std::string name;  // the export's name, or its id
  boost::json::object doc;
  StepConnection connection;
  size_t page_size = host::kDefaultPageSize;  // the export's pageSize
  ExportType type = ExportType::kAll;
  int64_t delta_lag_offset_ms = 0;  // delta.lagOffset
  std::string delta_start_date;     // delta.startDate (ISO 8601), or kDeltaDefaultStartDate
  int64_t test_limit = 1;           // test.limit (type test)
  // The export-step slots (export_steps.hpp) as the export document holds them; null if absent.
  boost::json::value transform, filter, pre_save_page;
  boost::json::object settings;  // the export's "settings", {} if none
  // The Script documents its slots reference ({_scriptId, function}), by id, as stored.
  std::map<std::string, boost::json::object> scripts;
  // The native hook hooks.preSavePage references ({_pluginId, function}), resolved.
  NativeHooks native_hooks;
  // A file source (file_source.hpp): the data loader (adaptorType SimpleExport: no connection,
  // `connection` empty; the file is RunOptions::data_file), or an export whose connector
  // transfers files (SLUICE_CAP_FILE_TRANSFER) and which has a `file` object.
  bool simple = false;
  bool files = false;
  // A webhook listener (adaptorType WebhookExport: no connection, `connection` empty): its pages
  // come from the store's intake queue (intake_source.hpp).
  bool webhook = false;
  boost::json::object file;  // the export's "file" settings, {} if none
};

struct ProcessorStep {
  // A lookup (type "export", an export with isLookup: true: lookup_step.hpp): import_id is then
  // the export's id, doc the export, and only input_filter, response_mapping, settings and the
  // filter's script are read.
  bool is_lookup = false;
  std::string import_id;
  std::string name;
  boost::json::object doc;
  StepConnection connection;
  bool proceed_on_failure = false;
  // The flow entry's responseMapping (mapper/response_mapping.hpp) as given; null if absent.
  boost::json::value response_mapping;
  boost::json::value post_response_map;  // the flow entry's hooks.postResponseMap; null if none
  std::string entry_where;  // "flow F: $.pageProcessors[N]", for messages about the entry
  // The import's processor slots (import_steps.hpp) as its document holds them; null if absent.
  boost::json::value input_filter, mappings, mapping, lookups, pre_map, post_map,
      post_submit;                    // mapping: Mapper 1.0
  bool send_post_mapped_data = true;  // http.sendPostMappedData (integrator.io's name)
  boost::json::object settings;       // the import's "settings", {} if none
  // The Script documents its slots reference, by id, as stored.
  std::map<std::string, boost::json::object> scripts;
  // The native hooks its hook slots and the entry's hooks.postResponseMap reference
  // ({_pluginId, function}), resolved (each of its slot's kind).
  NativeHooks native_hooks;
};

struct FlowPlan {
  std::string flow_id;
  std::string name;
  boost::json::object settings;  // the flow's "settings", {} if none
  std::vector<GeneratorStep> generators;
  // Every processor: the pageProcessors of a linear flow, else those of every branch of every
  // router, in document order; routers[].branches[].processors index into it.
  std::vector<ProcessorStep> processors;
  // A flow with routers (router_step.hpp): routers[0] takes the records after the export steps.
  std::vector<FlowRouterRef> routers;
  // The Script documents the routers' scripts name, by id, as stored.
  std::map<std::string, boost::json::object> router_scripts;
};

// Errors name the flow, the field (e.g. "pageProcessors[1]._importId") and what to do.
Result<FlowPlan> resolve_flow(host::Store& store, const host::PluginRegistry& registry,
                              std::string_view flow_id);

}  // namespace sluice::runtime
