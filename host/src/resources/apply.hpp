// `sluice apply`: reads resource documents (connections, exports, imports, flows in
// integrator.io's shape) from a file or a folder of *.json files, validates each against the
// settings schema its plugin declares and the references between them, and stores them all in
// one transaction. If any document is invalid nothing is stored.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plugins/registry.hpp"
#include "store/store.hpp"

namespace sluice::host {

struct AppliedResource {
  ResourceKind kind;
  std::string id;
  std::filesystem::path file;
};

// On failure the Error's message lists every problem, one per line, each naming the file, the
// resource, the JSON path, what was expected and what was found.
Result<std::vector<AppliedResource>> apply_resources(const std::filesystem::path& path,
                                                     Store& store, const PluginRegistry& registry);

}  // namespace sluice::host
