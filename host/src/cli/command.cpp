#include "cli/command.hpp"

#include <iostream>

#include <fmt/format.h>

#include "secrets/redactor.hpp"

namespace sluice::cli {

std::unique_ptr<host::Store> Env::open_store() const {
  auto store = host::open_sqlite_store(home.string());
  if (!store) {
    print_error(store.error().message);
    return nullptr;
  }
  return std::move(*store);
}

host::PluginRegistry Env::load_plugins(bool quiet) const {
  host::PluginRegistry registry = host::PluginRegistry::load_installed(home);
  if (!quiet) {
    for (const auto& problem : registry.problems()) {
      std::cerr << "warning: " << problem.message
                << "\n  (skipped; the other plugins are available)\n";
    }
  }
  return registry;
}

bool parse_args(const Args& args, const std::string& usage, const po::options_description& options,
                const po::positional_options_description& positional, po::variables_map& vm,
                int& exit_code) {
  po::options_description all = options;
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help") != 0u) {
      std::cout << usage << "\n\n" << all << '\n';
      exit_code = kExitOk;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "error: " << e.what() << "\n\n" << usage << "\n\n" << all << '\n';
    exit_code = kExitUsage;
    return false;
  }
  return true;
}

void print_error(const std::string& message) {
  std::cerr << "error: " << host::redact_secrets(message) << '\n';
}

}  // namespace sluice::cli
