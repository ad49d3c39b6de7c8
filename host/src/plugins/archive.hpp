// Extracts .tar.gz plugin bundles with libarchive, refusing absolute paths, ".." and symlinks
// that escape the destination.
#pragma once

#include <filesystem>

#include "sluice/result.hpp"

namespace sluice::host {

Result<void> extract_archive(const std::filesystem::path& archive,
                             const std::filesystem::path& destination);

}  // namespace sluice::host
