// Resources of the memory test plugin for the limits tests and their child process.
#pragma once

#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "store/store.hpp"

namespace sluice::limits_test {

namespace json = boost::json;

// Writes a flow `f`: export `e` (memory.* settings `exp`) -> import `i` (memory.* `imp`).
inline Result<void> put_memory_flow(host::Store& store, json::object exp, json::object imp) {
  using host::ResourceKind;
  std::vector<host::Resource> resources;
  resources.push_back({ResourceKind::kConnection, "mem", {{"_id", "mem"}, {"type", "memory"}}, {}});
  resources.push_back({ResourceKind::kExport,
                       "e",
                       {{"_id", "e"},
                        {"adaptorType", "MemoryExport"},
                        {"_connectionId", "mem"},
                        {"memory", std::move(exp)}},
                       {}});
  resources.push_back({ResourceKind::kImport,
                       "i",
                       {{"_id", "i"},
                        {"adaptorType", "MemoryImport"},
                        {"_connectionId", "mem"},
                        {"memory", std::move(imp)}},
                       {}});
  resources.push_back(
      {ResourceKind::kFlow,
       "f",
       {{"_id", "f"},
        {"pageGenerators", json::array{json::object{{"_exportId", "e"}}}},
        {"pageProcessors", json::array{json::object{{"type", "import"}, {"_importId", "i"}}}}},
       {}});
  return store.put_resources(resources);
}

}  // namespace sluice::limits_test
