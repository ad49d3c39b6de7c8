// Extracts a plugin bundle (.tar, .tar.gz/.tgz) into a folder, treating it as hostile input.
//
// Only regular files and folders are extracted; a hard link, symbolic link, device node, FIFO or
// socket entry refuses the whole bundle, and so do an absolute name, a ".." component and a name
// that appears twice. Every file is created through openat() under a descriptor of
// `destination` without following any symbolic link, so nothing is written outside it whatever
// the archive says. Modes are normalised (folders 0755, files 0755 when the owner may execute
// them, else 0644; no setuid, setgid or sticky bit); owners, times, ACLs and extended
// attributes are not restored. Total size and entry count are capped by `limits`, checked
// against the sizes the entries declare before anything of them is written and against the
// bytes actually read.
//
// `destination` must be an existing, empty folder that only this process writes. On failure
// it may hold part of the bundle: the caller removes it.
#pragma once

#include <cstdint>
#include <filesystem>

#include "sluice/result.hpp"

namespace sluice::host {

struct ExtractLimits {
  uint64_t max_total_bytes = uint64_t{256} << 20;  // 256 MiB: a bundle is a manifest and a library
  uint64_t max_entries = 1000;
};

Result<void> extract_archive(const std::filesystem::path& archive,
                             const std::filesystem::path& destination,
                             const ExtractLimits& limits = {});

}  // namespace sluice::host
