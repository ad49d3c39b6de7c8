// The structure of a flow document — its sources, processors, name, settings — read one way for
// `sluice apply` (resources/apply.cpp), `sluice get` (cli/cmd_get.cpp) and `sluice flow run`
// (flow_plan.cpp), so that the three agree on what a flow holds and word its problems alike.
// Pure: no store, no plugins (the references are resolved by the caller).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sluice::runtime {

struct FlowSourceRef {
  std::string path;       // "$.pageGenerators[0]"
  std::string export_id;  // empty when the entry names none (a problem says so)
};

struct FlowProcessorRef {
  std::string path;  // "$.pageProcessors[0]"
  std::string type;  // "import" or "export" (a lookup)
  std::string id;    // its _importId (or _exportId for a lookup); empty when missing
  bool proceed_on_failure = false;
  // Its responseMapping ({fields, lists}: mapper/response_mapping.hpp) as given; null if absent.
  boost::json::value response_mapping;
  boost::json::value post_response_map;  // its hooks.postResponseMap as given; null if absent
};

struct FlowDocument {
  std::string name;
  bool disabled = false;
  bool has_routers = false;
  boost::json::object settings;  // {} when absent
  std::vector<FlowSourceRef> sources;
  std::vector<FlowProcessorRef> processors;
};

// Reads `doc` (flow `flow_id`). Each entry of pageGenerators and pageProcessors is listed, even
// a malformed one; every problem is appended to `problems` as
// "flow ID: $.path: expected ..., found ..." — a missing or empty pageGenerators, an entry that
// is not an object, an _exportId or _importId that is not a string, a processor type other than
// "import" or "export".
FlowDocument read_flow_document(std::string_view flow_id, const boost::json::object& doc,
                                std::vector<std::string>& problems);

}  // namespace sluice::runtime
