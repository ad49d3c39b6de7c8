#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "resources/apply.hpp"

namespace sluice::cli {

int cmd_apply(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice apply PATH\n"
      "Validates the resources in PATH (a .json file, or a folder of them: connections, exports,\n"
      "imports and flows in integrator.io's shape) against the settings their plugins declare,\n"
      "then stores them all in one transaction. If anything is invalid, nothing is stored.";
  po::options_description options("options");
  options.add_options()("path", po::value<std::string>()->required(),
                        "a PATH: a resource file or a folder of them");
  po::positional_options_description positional;
  positional.add("path", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  auto store = env.open_store();
  if (!store) return kExitFailure;
  host::PluginRegistry registry = env.load_plugins();
  auto applied = host::apply_resources(vm["path"].as<std::string>(), *store, registry);
  if (!applied) {
    print_error(applied.error().message);
    return kExitFailure;
  }
  for (const auto& r : *applied) {
    std::string_view kind = host::to_string(r.kind);
    kind.remove_suffix(1);  // "connections" -> "connection"
    std::cout << fmt::format("applied {} {}  ({})\n", kind, r.id, r.file.string());
  }
  std::cout << fmt::format("{} resource{} applied\n", applied->size(),
                           applied->size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace sluice::cli
