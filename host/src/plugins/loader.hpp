// Loads one plugin library, checking it before and after dlopen. Each refusal is an Error whose
// message names the file, what was expected and what was found.
//
// Order of checks: the manifest's sha256 (when a manifest is given), the file is a native shared
// library, it exports SLUICE_ENTRY_SYMBOL (read from its symbol table without loading it), then
// dlopen, the entry's descriptor: non-null, struct_size, ABI major equal and minor not newer than
// the host's, a non-empty id matching the manifest's, and well-formed connectors.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "plugins/loaded_plugin.hpp"
#include "plugins/manifest.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

Result<std::unique_ptr<LoadedPlugin>> load_plugin(const std::filesystem::path& library,
                                                  const std::optional<Manifest>& manifest);

}  // namespace sluice::host
