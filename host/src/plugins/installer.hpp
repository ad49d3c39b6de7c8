// Installs plugins into $SLUICE_HOME/plugins/<id>/ and removes them.
//
// A source is a shared library (.so), a bundle folder holding manifest.json and the library, or
// a .tar.gz/.tgz of such a folder. A bundle's manifest sha256 is checked before the library is
// loaded; the library is then loaded once to read its descriptor, and copied with a fresh
// manifest (id, version, ABI version, sha256). Installing an id that is already installed
// replaces it.
#pragma once

#include <filesystem>
#include <string>

#include "plugins/manifest.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

struct InstallOutcome {
  Manifest manifest;
  std::filesystem::path folder;
  std::string replaced_version;  // non-empty when an older install was replaced
  size_t connector_count = 0;
};

Result<InstallOutcome> install_plugin(const std::filesystem::path& source,
                                      const std::filesystem::path& home);

Result<void> remove_plugin(std::string_view id, const std::filesystem::path& home);

}  // namespace sluice::host
