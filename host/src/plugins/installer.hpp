// Installs plugins into $SLUICE_HOME/plugins/<id>/ and removes them.
//
// A source is a shared library (.so), a bundle folder holding manifest.json and the library, or
// a .tar/.tar.gz/.tgz of such a folder (extracted as hostile input: see archive.hpp). Everything
// happens in a private folder $SLUICE_HOME/plugins/.install-XXXXXX (0700) that is removed
// whatever the outcome, in this order, so that no code of the plugin runs before its manifest and
// symbol table pass:
//   1. a bundle's manifest is read and checked (manifest.hpp); its "library" must lead, after
//      resolving symbolic links, to a regular file inside the bundle folder;
//   2. the library is copied into the private folder; from then on only that copy is used;
//   3. load_plugin() on the copy: the manifest's sha256 on the copy's bytes, the symbol table,
//      and only then dlopen, which reads the descriptor (id, version, ABI);
//   4. a fresh manifest (id, version, ABI version, sha256) is written beside the copy, the
//      folder made 0755 (files 0644, the library 0755);
//   5. the folder replaces $SLUICE_HOME/plugins/<id> in one step (folder_swap.hpp), so a
//      failed install leaves an installed version exactly as it was.
// The id becomes a path only after check_plugin_id() (plugin_id.hpp) accepts it.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "plugins/archive.hpp"
#include "plugins/manifest.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

struct InstallOutcome {
  Manifest manifest;
  std::filesystem::path folder;
  std::string replaced_version;  // non-empty when an older install was replaced
  size_t connector_count = 0;
};

struct InstallOptions {
  ExtractLimits limits;  // for tarballs
  // For tests: called with the staged folder and the target folder right before the one
  // replaces the other. Empty in production.
  std::function<void(const std::filesystem::path& staged, const std::filesystem::path& target)>
      before_replace;
};

Result<InstallOutcome> install_plugin(const std::filesystem::path& source,
                                      const std::filesystem::path& home,
                                      const InstallOptions& options = {});

// Refuses an id that check_plugin_id() refuses, or that is not installed.
Result<void> remove_plugin(std::string_view id, const std::filesystem::path& home);

}  // namespace sluice::host
