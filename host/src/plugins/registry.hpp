// The plugins loaded into this process. Not thread-safe to modify; once built it is read-only
// and may be shared by any number of threads.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "plugins/loaded_plugin.hpp"
#include "sluice/result.hpp"

namespace sluice::host {

struct LoadProblem {
  std::filesystem::path file;
  std::string message;
};

class PluginRegistry {
 public:
  // Loads every plugin installed under `home`/plugins (one folder per plugin with a
  // manifest.json). A plugin that fails to load is recorded in problems() and skipped; the
  // others load regardless.
  static PluginRegistry load_installed(const std::filesystem::path& home);

  // Takes ownership; refuses a plugin whose id, or whose connector's (type, assistant), is
  // already provided, naming both files.
  Result<const LoadedPlugin*> add(std::unique_ptr<LoadedPlugin> plugin);

  const LoadedPlugin* find(std::string_view id) const noexcept;

  // The connector serving a connection document: by "assistant" when set, else by "type".
  Result<const ConnectorHandle*> connector_for(const boost::json::object& connection) const;

  const std::vector<std::unique_ptr<LoadedPlugin>>& plugins() const noexcept { return plugins_; }
  const std::vector<LoadProblem>& problems() const noexcept { return problems_; }
  void add_problem(LoadProblem problem) { problems_.push_back(std::move(problem)); }

 private:
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::vector<LoadProblem> problems_;
};

std::filesystem::path plugins_dir(const std::filesystem::path& home);

}  // namespace sluice::host
