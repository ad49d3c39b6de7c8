#include "plugins/conformance/plugin_under_test.hpp"

#include <system_error>

#include <fmt/format.h>

#include "plugins/loader.hpp"
#include "plugins/manifest.hpp"
#include "plugins/plugin_id.hpp"
#include "plugins/registry.hpp"

namespace sluice::host {

namespace fs = std::filesystem;

namespace {

Result<std::unique_ptr<LoadedPlugin>> load_bundle(const fs::path& folder) {
  const fs::path manifest_file = folder / "manifest.json";
  auto manifest = read_manifest(manifest_file);
  if (!manifest) return manifest.error();
  return load_plugin(folder / manifest->library, *manifest);
}

}  // namespace

Result<std::unique_ptr<LoadedPlugin>> load_plugin_under_test(const std::string& target,
                                                             const fs::path& home) {
  std::error_code ec;
  const fs::path path(target);
  if (fs::is_directory(path, ec)) {
    if (!fs::exists(path / "manifest.json", ec)) {
      return make_error(Status::kNotFound,
                        fmt::format("{} is a folder without a manifest.json; pass the plugin's "
                                    ".so, a bundle folder or an installed plugin's id",
                                    target));
    }
    return load_bundle(path);
  }
  if (fs::exists(path, ec)) return load_plugin(path, std::nullopt);
  if (!is_valid_plugin_id(target)) {
    return make_error(Status::kNotFound,
                      fmt::format("no file or folder {} and it is not a plugin id; pass the "
                                  "plugin's .so, a bundle folder or an installed plugin's id",
                                  target));
  }
  const fs::path installed = plugins_dir(home) / target;
  if (!fs::is_directory(installed, ec)) {
    return make_error(Status::kNotFound,
                      fmt::format("no file {} and no plugin '{}' installed in {}; pass the "
                                  "plugin's .so or a bundle folder to test it without installing",
                                  target, target, plugins_dir(home).string()));
  }
  return load_bundle(installed);
}

sluice_plugin_entry_fn entry_of(const LoadedPlugin& plugin) {
  return plugin.library.get<const sluice_plugin_descriptor*(const sluice_host_api*)>(
      SLUICE_ENTRY_SYMBOL);
}

}  // namespace sluice::host
