// A flow resolved against the store and the plugin registry: every export, import and
// connection it names, and the connector serving each, checked before a job starts.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "plugins/registry.hpp"
#include "resources/resource_schema.hpp"
#include "store/store.hpp"

namespace sluice::runtime {

struct StepConnection {
  std::string id;
  boost::json::object doc;  // secrets revealed: never print it
  const host::ConnectorHandle* connector = nullptr;
};

struct GeneratorStep {
  std::string export_id;
  std::string name;  // the export's name, or its id
  boost::json::object doc;
  StepConnection connection;
  size_t page_size = host::kDefaultPageSize;  // the export's pageSize
};

struct ProcessorStep {
  std::string import_id;
  std::string name;
  boost::json::object doc;
  StepConnection connection;
  bool proceed_on_failure = false;
};

struct FlowPlan {
  std::string flow_id;
  std::string name;
  std::vector<GeneratorStep> generators;
  std::vector<ProcessorStep> processors;
};

// Errors name the flow, the field (e.g. "pageProcessors[1]._importId") and what to do.
Result<FlowPlan> resolve_flow(host::Store& store, const host::PluginRegistry& registry,
                              std::string_view flow_id);

}  // namespace sluice::runtime
