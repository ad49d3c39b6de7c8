// What every `sluice` subcommand shares: the home folder, the store, the plugins, and the
// parsing of its own options (Boost.Program_options). Each subcommand is one function in its
// own file, returning the process exit status.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "plugins/registry.hpp"
#include "store/store.hpp"

namespace sluice::cli {

namespace po = boost::program_options;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the operation ran and failed (e.g. the job failed)
constexpr int kExitUsage = 2;    // wrong command line
constexpr int kExitCanceled = 130;

struct Env {
  std::filesystem::path home;  // $SLUICE_HOME, --home, or ~/.sluice

  // Prints the error (with what to do) to stderr and returns nullptr when the store can't open.
  std::unique_ptr<host::Store> open_store() const;
  // Loads installed plugins; prints a warning per plugin that failed to load unless quiet.
  host::PluginRegistry load_plugins(bool quiet = false) const;
};

using Args = std::vector<std::string>;

// Parses `args` against `options` (+ positional names); prints usage and returns false on error
// or --help (setting `exit_code`).
bool parse_args(const Args& args, const std::string& usage, const po::options_description& options,
                const po::positional_options_description& positional, po::variables_map& vm,
                int& exit_code);

void print_error(const std::string& message);

int cmd_plugin(const Env& env, const Args& args);
int cmd_apply(const Env& env, const Args& args);
int cmd_get(const Env& env, const Args& args);
int cmd_flow(const Env& env, const Args& args);
int cmd_errors(const Env& env, const Args& args);
int cmd_ping(const Env& env, const Args& args);

}  // namespace sluice::cli
