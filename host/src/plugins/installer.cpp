#include "plugins/installer.hpp"

#include <chrono>
#include <optional>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "plugins/archive.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"

namespace sluice::host {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Removes a folder when it goes out of scope.
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

fs::path fresh_temp(const fs::path& parent, std::string_view stem) {
  std::random_device rd;
  return parent / fmt::format(".{}-{:08x}", stem, rd());
}

std::string now_iso() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

struct Located {
  fs::path library;
  std::optional<Manifest> manifest;
};

// Finds the library (and manifest, if any) inside a bundle folder.
Result<Located> locate_in_folder(const fs::path& folder, const fs::path& source) {
  fs::path dir = folder;
  std::error_code ec;
  if (!fs::exists(dir / "manifest.json")) {
    // A tarball usually holds one top-level folder.
    std::vector<fs::path> children;
    for (const auto& e : fs::directory_iterator(dir, ec)) children.push_back(e.path());
    if (children.size() == 1 && fs::is_directory(children[0])) dir = children[0];
  }
  Located found;
  if (fs::exists(dir / "manifest.json")) {
    auto manifest = read_manifest(dir / "manifest.json");
    if (!manifest) return manifest.error();
    found.library = dir / manifest->library;
    found.manifest = std::move(*manifest);
    return found;
  }
  std::vector<fs::path> libraries;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".so") libraries.push_back(e.path());
  }
  if (libraries.size() != 1) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("cannot install {}: expected a bundle with a manifest.json or exactly one "
                    ".so file, found {} .so files and no manifest.json",
                    source.string(), libraries.size()));
  }
  found.library = libraries[0];
  return found;
}

}  // namespace

Result<InstallOutcome> install_plugin(const fs::path& source, const fs::path& home) {
  std::error_code ec;
  const fs::path root = plugins_dir(home);
  fs::create_directories(root, ec);
  if (ec) {
    return make_error(Status::kInternal,
                      fmt::format("cannot create {}: {} — check that $SLUICE_HOME is writable",
                                  root.string(), ec.message()));
  }
  if (!fs::exists(source, ec)) {
    return make_error(Status::kNotFound,
                      fmt::format("cannot install {}: no such file or folder", source.string()));
  }
  TempDir extracted;
  Located located;
  const std::string name = source.filename().string();
  if (fs::is_directory(source, ec)) {
    auto found = locate_in_folder(source, source);
    if (!found) return found.error();
    located = std::move(*found);
  } else if (ends_with(name, ".tar.gz") || ends_with(name, ".tgz") || ends_with(name, ".tar")) {
    extracted.path = fresh_temp(root, "extract");
    fs::create_directories(extracted.path, ec);
    if (auto r = extract_archive(source, extracted.path); !r) return r.error();
    auto found = locate_in_folder(extracted.path, source);
    if (!found) return found.error();
    located = std::move(*found);
  } else {
    located.library = source;
  }

  auto plugin = load_plugin(located.library, located.manifest);
  if (!plugin) return plugin.error();
  const LoadedPlugin& p = **plugin;

  InstallOutcome outcome;
  outcome.connector_count = p.connectors.size();
  const fs::path target = root / p.id;
  if (auto old = read_manifest(target / "manifest.json")) outcome.replaced_version = old->version;

  TempDir staging{fresh_temp(root, "staging-" + p.id)};
  fs::create_directories(staging.path, ec);
  const std::string library_name = located.library.filename().string();
  fs::copy_file(located.library, staging.path / library_name, fs::copy_options::overwrite_existing,
                ec);
  if (ec) {
    return make_error(Status::kInternal,
                      fmt::format("cannot copy {} into {}: {}", located.library.string(),
                                  staging.path.string(), ec.message()));
  }
  auto digest = sha256_file(staging.path / library_name);
  if (!digest) return digest.error();
  Manifest& m = outcome.manifest;
  m.id = p.id;
  m.version = p.version;
  m.abi_version = fmt::format("{}.{}", p.abi_major, p.abi_minor);
  m.sdk_version = p.sdk_version;
  m.library = library_name;
  m.sha256 = *digest;
  m.description = p.description;
  m.installed_at = now_iso();
  if (auto w = write_manifest(m, staging.path / "manifest.json"); !w) return w.error();

  fs::remove_all(target, ec);
  fs::rename(staging.path, target, ec);
  if (ec) {
    return make_error(Status::kInternal, fmt::format("cannot move the plugin into {}: {}",
                                                     target.string(), ec.message()));
  }
  staging.path.clear();
  outcome.folder = target;
  return outcome;
}

Result<void> remove_plugin(std::string_view id, const fs::path& home) {
  const fs::path target = plugins_dir(home) / std::string(id);
  std::error_code ec;
  if (id.empty() || id.find('/') != std::string_view::npos || id.front() == '.' ||
      !fs::exists(target / "manifest.json", ec)) {
    return make_error(Status::kNotFound,
                      fmt::format("no plugin '{}' is installed in {} — see `sluice plugin list`",
                                  id, plugins_dir(home).string()));
  }
  fs::remove_all(target, ec);
  if (ec)
    return make_error(Status::kInternal,
                      fmt::format("cannot remove {}: {}", target.string(), ec.message()));
  return {};
}

}  // namespace sluice::host
