// Loads one plugin library, checking it before and after dlopen. Each refusal is an Error whose
// message names the file, what was expected and what was found.
//
// Order of checks: the file is opened once (O_NOFOLLOW: not through a symbolic link) and is a
// regular file; then, all read through that one descriptor and before any of its code runs: the
// manifest's sha256 and ABI major (when a manifest is given), the file is a native shared
// library, it exports SLUICE_ENTRY_SYMBOL (read from its symbol table); then dlopen of that same
// open file, the entry's descriptor: non-null, struct_size, ABI major equal and minor not newer
// than the host's, an id valid as a path component (plugin_id.hpp) and matching the manifest's,
// and well-formed connectors.
//
// Because dlopen maps the descriptor that was hashed (/proc/self/fd/N), a file swapped in at the
// path after the hash is never loaded. Needs /proc (Linux).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "plugins/loaded_plugin.hpp"
#include "plugins/manifest.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

// A library file opened once and checked without running any of its code. Move-only; closes
// its descriptor when destroyed unless load_library() handed it to the dynamic loader.
class LibraryFile {
 public:
  LibraryFile(LibraryFile&& other) noexcept;
  LibraryFile& operator=(LibraryFile&&) = delete;
  LibraryFile(const LibraryFile&) = delete;
  ~LibraryFile();

  const std::filesystem::path& path() const noexcept { return path_; }
  const std::string& sha256() const noexcept { return sha256_; }

 private:
  friend Result<LibraryFile> open_library(const std::filesystem::path&,
                                          const std::optional<Manifest>&);
  friend Result<std::unique_ptr<LoadedPlugin>> load_library(LibraryFile,
                                                            const std::optional<Manifest>&);
  LibraryFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string fd_path() const;

  std::filesystem::path path_;
  int fd_ = -1;
  std::string sha256_;
};

// Every check before dlopen (see above).
Result<LibraryFile> open_library(const std::filesystem::path& library,
                                 const std::optional<Manifest>& manifest);

// dlopen of the checked file, then every check of its descriptor. `manifest` as given to
// open_library().
Result<std::unique_ptr<LoadedPlugin>> load_library(LibraryFile file,
                                                   const std::optional<Manifest>& manifest);

// open_library() then load_library().
Result<std::unique_ptr<LoadedPlugin>> load_plugin(const std::filesystem::path& library,
                                                  const std::optional<Manifest>& manifest);

}  // namespace sluice::host
