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

// A branch of a router (integrator.io's routers[].branches[]).
struct FlowBranchRef {
  std::string path;                 // "$.routers[0].branches[1]"
  std::string name;                 // its name, or "branch N" (from 1) when it has none
  boost::json::value input_filter;  // its inputFilter as given; null if absent
  std::vector<size_t> processors;   // its pageProcessors, as indices in FlowDocument::processors
  int next_router = -1;             // the router its nextRouterId names (index), -1: none
};

// A router (integrator.io's routers[]): where records go after the sources (routers[0]) or
// after a branch whose nextRouterId names it.
struct FlowRouterRef {
  std::string path;           // "$.routers[0]"
  std::string id;             // its id (or _id), may be empty
  std::string name;           // its name, else its id, else "router N" (from 1)
  bool all_matching = false;  // routeRecordsTo: "all_matching_branches"
  bool by_script = false;     // routeRecordsUsing: "script"
  boost::json::value script;  // its script {_scriptId, function} when by_script
  std::vector<FlowBranchRef> branches;
};

struct FlowDocument {
  std::string name;
  bool disabled = false;
  bool has_routers = false;
  boost::json::object settings;  // {} when absent
  std::vector<FlowSourceRef> sources;
  // Every processor of the flow: its pageProcessors, or — a flow with routers — those of every
  // branch of every router, in document order (each branch lists its own by index).
  std::vector<FlowProcessorRef> processors;
  std::vector<FlowRouterRef> routers;  // empty: a linear flow
};

// Reads `doc` (flow `flow_id`). Each entry of pageGenerators and pageProcessors is listed, even
// a malformed one; every problem is appended to `problems` as
// "flow ID: $.path: expected ..., found ..." — a missing or empty pageGenerators, an entry that
// is not an object, an _exportId or _importId that is not a string, a processor type other than
// "import" or "export"; and, for routers: both pageProcessors and routers, an empty routers
// or branches, a routeRecordsTo/routeRecordsUsing value it does not know, a script router
// without {_scriptId, function}, two routers with one id, a nextRouterId that names no router,
// and routers whose nextRouterIds make a cycle.
FlowDocument read_flow_document(std::string_view flow_id, const boost::json::object& doc,
                                std::vector<std::string>& problems);

}  // namespace sluice::runtime
