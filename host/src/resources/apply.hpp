// `sluice apply`: reads resource documents (connections, exports, imports, flows in
// integrator.io's shape) from a file, a folder of *.json files or a stream, validates each
// against the host's schema of its kind merged with the settings schema its plugin declares
// (closed: an unknown field is refused), checks the references between them, and stores them
// all in one transaction. If any document is invalid nothing is stored. docs/resources.md
// describes the fields, the limits and the messages.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/registry.hpp"
#include "resources/resource_reader.hpp"
#include "store/store.hpp"

namespace sluice::host {

struct AppliedResource {
  ResourceKind kind;
  std::string id;
  std::filesystem::path file;
};

struct SkippedFile {
  std::filesystem::path file;
  std::string reason;  // e.g. "not a .json file", "hidden"
};

struct ApplyOptions {
  ReadLimits limits;
  // When set, every document must be of this kind (the REST API's /api/v1/KIND): one of another
  // kind is a problem naming both.
  std::optional<ResourceKind> only_kind;
};

struct ApplyReport {
  std::vector<AppliedResource> applied;  // empty unless ok()
  // Things that are valid but probably not meant, e.g. a flow with no pageProcessors; each
  // names the file and the resource. Reported whether or not anything was applied.
  std::vector<std::string> warnings;
  std::vector<SkippedFile> skipped;  // files in a folder that were not read
  // Every problem, each naming the file (line and column for JSON errors), the resource, the
  // JSON path, what was expected and what was found. Non-empty means nothing was stored.
  std::vector<std::string> problems;

  bool ok() const noexcept { return problems.empty(); }
  // "nothing was applied: N problems found\n  <problem>\n  ..."
  std::string message() const;
};

// Reads `path`: a .json file (whatever its name) or a folder, whose *.json files are read in
// path order, recursively; hidden files and folders (".name"), other files and links to
// folders (not followed) are skipped and listed in `skipped`. Uses the store only to look up
// references not in this apply, each referenced id at most once.
ApplyReport apply_resources(const std::filesystem::path& path, Store& store,
                            const PluginRegistry& registry, const ApplyOptions& options = {});

// The same for one document or array of documents read from `in` (e.g. standard input), named
// `name` in messages; at most options.limits.max_file_bytes are read.
ApplyReport apply_resource_stream(std::istream& in, std::string_view name, Store& store,
                                  const PluginRegistry& registry, const ApplyOptions& options = {});

// `^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`: integrator.io's 24-hex ids and names like
// "demo-orders" pass; control characters, spaces and slashes never do.
bool is_valid_resource_id(std::string_view id) noexcept;

}  // namespace sluice::host
