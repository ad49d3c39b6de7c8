#include "plugins/installer.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "plugins/folder_swap.hpp"
#include "plugins/loader.hpp"
#include "plugins/plugin_id.hpp"
#include "plugins/registry.hpp"

namespace sluice::host {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A private folder (0700) removed with everything in it when it goes out of scope.
class WorkDir {
 public:
  WorkDir() = default;
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  Result<void> create(const fs::path& parent) {
    std::string pattern = (parent / ".install-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return make_error(Status::kInternal,
                        fmt::format("cannot create a folder in {}: {} — check that $SLUICE_HOME "
                                    "is writable",
                                    parent.string(), std::strerror(errno)));
    }
    path_ = pattern;
    return {};
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string now_iso() {
  return fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

Error refuse(const fs::path& source, std::string what) {
  return make_error(Status::kInvalidConfig,
                    fmt::format("refusing plugin bundle {}: {}", source.string(), what));
}

bool is_inside(const fs::path& folder, const fs::path& file) {
  auto [f, _] = std::mismatch(folder.begin(), folder.end(), file.begin(), file.end());
  return f == folder.end();
}

struct Located {
  fs::path library;  // resolved: no symbolic link on its path
  std::optional<Manifest> manifest;
};

// Finds the library (and manifest, if any) inside a bundle folder.
Result<Located> locate_in_folder(const fs::path& folder, const fs::path& source) {
  fs::path dir = folder;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir / "manifest.json", ec))) {
    // A tarball usually holds one top-level folder.
    std::vector<fs::directory_entry> children;
    for (const auto& e : fs::directory_iterator(dir, ec)) children.push_back(e);
    if (children.size() == 1 && children[0].is_directory() && !children[0].is_symlink()) {
      dir = children[0].path();
    }
  }
  Located found;
  if (fs::exists(fs::symlink_status(dir / "manifest.json", ec))) {
    auto manifest = read_manifest(dir / "manifest.json");
    if (!manifest) return manifest.error();
    const fs::path base = fs::canonical(dir, ec);
    const fs::path named = dir / manifest->library;
    const fs::path real = ec ? fs::path() : fs::canonical(named, ec);
    if (ec) {
      return refuse(source, fmt::format("expected the library '{}' named by its manifest, found "
                                        "no such file ({}) — put the library in the bundle or fix "
                                        "\"library\" in manifest.json",
                                        manifest->library, ec.message()));
    }
    if (!is_inside(base, real)) {
      return refuse(source, fmt::format("expected the library '{}' named by its manifest inside "
                                        "the bundle folder, found it leads to {} outside it — put "
                                        "the library itself in the bundle",
                                        manifest->library, real.string()));
    }
    if (!fs::is_regular_file(fs::symlink_status(real, ec))) {
      return refuse(source, fmt::format("expected the library '{}' named by its manifest to be a "
                                        "regular file, found something else — put the library "
                                        "itself in the bundle",
                                        manifest->library));
    }
    found.library = real;
    found.manifest = std::move(*manifest);
    return found;
  }
  std::vector<fs::path> libraries;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && !e.is_symlink() && e.path().extension() == ".so") {
      libraries.push_back(e.path());
    }
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

// Copies `from` into a new file `to` (which must not exist), mode 0755.
Result<void> copy_library(const fs::path& from, const fs::path& to) {
  auto fail = [&](const char* what) {
    return make_error(Status::kInternal,
                      fmt::format("cannot copy {} into {}: {}: {}", from.string(),
                                  to.parent_path().string(), what, std::strerror(errno)));
  };
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (in < 0) return fail("cannot open it");
  struct stat info {};
  if (::fstat(in, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(in);
    errno = EINVAL;
    return fail("it is not a regular file");
  }
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    return fail("cannot create the copy");
  }
  std::vector<char> buffer(size_t{1} << 16);
  bool ok = true;
  while (ok) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    for (ssize_t done = 0; done < n && ok;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      ok = w > 0;
      if (ok) done += w;
    }
  }
  ok = ok && ::fchmod(out, 0755) == 0;
  const int saved = errno;
  ::close(in);
  const bool closed = ::close(out) == 0;
  errno = saved;
  if (!ok || !closed) return fail("cannot write the copy");
  return {};
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The steps of install_plugin(); paths in its errors may name the private folder.
Result<InstallOutcome> install_steps(const fs::path& source, const fs::path& root,
                                     const fs::path& work, const InstallOptions& options,
                                     std::vector<std::pair<std::string, std::string>>& renames) {
  std::error_code ec;
  const fs::path staged = work / "plugin";
  if (::mkdir(staged.c_str(), 0700) != 0) {
    return make_error(Status::kInternal,
                      fmt::format("cannot create {}: {}", staged.string(), std::strerror(errno)));
  }

  Located located;
  const std::string name = source.filename().string();
  if (fs::is_directory(source, ec)) {
    auto found = locate_in_folder(source, source);
    if (!found) return found.error();
    located = std::move(*found);
  } else if (ends_with(name, ".tar.gz") || ends_with(name, ".tgz") || ends_with(name, ".tar")) {
    const fs::path extracted = work / "bundle";
    if (::mkdir(extracted.c_str(), 0700) != 0) {
      return make_error(Status::kInternal, fmt::format("cannot create {}: {}", extracted.string(),
                                                       std::strerror(errno)));
    }
    renames.emplace_back(extracted.string() + "/", source.string() + ":");
    if (auto r = extract_archive(source, extracted, options.limits); !r) return r.error();
    auto found = locate_in_folder(extracted, source);
    if (!found) return found.error();
    located = std::move(*found);
  } else {
    located.library = source;
  }

  const std::string library_name = located.library.filename().string();
  if (library_name == "manifest.json") {
    return refuse(source,
                  "expected a library named like name.so, found it is named "
                  "manifest.json — rename the library in the bundle and its manifest");
  }
  const fs::path library = staged / library_name;
  std::string origin = located.library.string();
  for (const auto& [from, to] : renames) replace_all(origin, from, to);
  renames.insert(renames.begin(), {library.string(), origin});
  if (auto copied = copy_library(located.library, library); !copied) return copied.error();

  auto plugin = load_plugin(library, located.manifest);
  if (!plugin) return plugin.error();
  const LoadedPlugin& p = **plugin;
  if (auto id = check_plugin_id(p.id, fmt::format("refusing plugin {}", origin)); !id) {
    return id.error();
  }

  InstallOutcome outcome;
  outcome.connector_count = p.connectors.size();
  const fs::path target = root / p.id;
  if (auto old = read_manifest(target / "manifest.json")) outcome.replaced_version = old->version;

  Manifest& m = outcome.manifest;
  m.id = p.id;
  m.version = p.version;
  m.abi_version = fmt::format("{}.{}", p.abi_major, p.abi_minor);
  m.sdk_version = p.sdk_version;
  m.library = library_name;
  auto digest = sha256_file(library);
  if (!digest) return digest.error();
  m.sha256 = std::move(*digest);
  m.description = p.description;
  m.installed_at = now_iso();
  if (auto w = write_manifest(m, staged / "manifest.json"); !w) return w.error();
  fs::permissions(staged / "manifest.json", fs::perms(0644), ec);
  if (!ec) fs::permissions(staged, fs::perms(0755), ec);
  if (ec) {
    return make_error(Status::kInternal,
                      fmt::format("cannot set the modes in {}: {}", staged.string(), ec.message()));
  }

  if (options.before_replace) options.before_replace(staged, target);
  if (auto moved = swap_in_folder(staged, target); !moved) {
    return moved.error();
  }
  outcome.folder = target;
  return outcome;
}

}  // namespace

Result<InstallOutcome> install_plugin(const fs::path& source, const fs::path& home,
                                      const InstallOptions& options) {
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
  WorkDir work;
  if (auto created = work.create(root); !created) return created.error();
  std::vector<std::pair<std::string, std::string>> renames;
  auto outcome = install_steps(source, root, work.path(), options, renames);
  if (outcome) return outcome;
  // Name what the user gave, not the private folder that is about to disappear.
  Error e = outcome.error();
  for (const auto& [from, to] : renames) replace_all(e.message, from, to);
  if (e.message.find(source.string()) == std::string::npos) {
    e.message = fmt::format("cannot install {}: {}", source.string(), e.message);
  }
  return e;
}

Result<void> remove_plugin(std::string_view id, const fs::path& home) {
  const fs::path root = plugins_dir(home);
  auto not_installed = [&] {
    return make_error(Status::kNotFound,
                      fmt::format("no plugin {} is installed in {} — see `sluice plugin list`",
                                  quote_plugin_id(id), root.string()));
  };
  if (!is_valid_plugin_id(id)) return not_installed();
  const fs::path target = root / std::string(id);
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(target, ec)) ||
      !fs::exists(target / "manifest.json", ec)) {
    return not_installed();
  }
  fs::remove_all(target, ec);
  if (ec)
    return make_error(Status::kInternal,
                      fmt::format("cannot remove {}: {}", target.string(), ec.message()));
  return {};
}

}  // namespace sluice::host
