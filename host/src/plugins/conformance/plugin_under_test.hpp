// Finding and loading the plugin `sluice plugin test` checks: a library file (.so), a bundle
// folder (manifest.json beside the library) or the id of an installed plugin. Every check of the
// loader (loader.hpp) applies; nothing is installed.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "plugins/loaded_plugin.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

// `target` is a path to a file or folder when one exists there, else an installed plugin's id
// under `home`. The refusal names what was looked for where.
Result<std::unique_ptr<LoadedPlugin>> load_plugin_under_test(const std::string& target,
                                                             const std::filesystem::path& home);

// The plugin's entry function (already checked by the loader), to call again with another host.
sluice_plugin_entry_fn entry_of(const LoadedPlugin& plugin);

}  // namespace sluice::host
