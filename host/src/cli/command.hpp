// What every `sluice` subcommand shares: the home folder, the store, the plugins, and the
// parsing of its own options (Boost.Program_options). Each subcommand is one function in its
// own file, returning the process exit status.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// The help line of the global --home option, shown by `sluice --help` and every command's.
constexpr const char* kHomeHelp =
    "where Sluice keeps its store and plugins (default $SLUICE_HOME, else ~/.sluice); accepted "
    "before or after the command name";

struct Env {
  std::filesystem::path home;  // $SLUICE_HOME, --home, or ~/.sluice

  // Prints the error (with what to do) to stderr and returns nullptr when the store can't open.
  std::unique_ptr<host::Store> open_store() const;
  // Loads installed plugins; prints a warning per plugin that failed to load unless quiet.
  host::PluginRegistry load_plugins(bool quiet = false) const;
};

using Args = std::vector<std::string>;

// Parses `args`: the named options in `options`, plus --help and --home (main() takes --home
// out of the arguments before a command sees them; it is listed here for --help), and the
// positional arguments, in order, into the options that `positional` names. Every positional
// option must be a po::value<std::string>() without a default; it is not accepted as a named
// option and is not listed by --help. A required positional that is missing is reported as
// "expected <its description>", so describe it as what the user must type ("a flow id (see
// `sluice get flows`)"); an argument beyond the last positional as "unexpected argument 'X'".
// Sets the --json error mode (see print_error) when `args` holds --json. On an error, prints it
// with the usage and the options to stderr and returns false with `exit_code` kExitUsage; on
// --help, prints the usage and the options to stdout and returns false with kExitOk.
bool parse_args(const Args& args, const std::string& usage, const po::options_description& options,
                const po::positional_options_description& positional, po::variables_map& vm,
                int& exit_code);

// In --json mode every error printed by print_error or usage_error also goes to stdout as one
// line, {"error":{"message":M,"status":S}}, where S is the Sluice status ("not_found",
// "auth_failed", ...), "usage" for a wrong command line, or "failed" when none is known. The
// text still goes to stderr, and the exit status is unchanged (non-zero).
void set_json_errors(bool on) noexcept;

// Prints "error: <message>" to stderr (and the JSON line in --json mode).
void print_error(const std::string& message, std::string_view status = "failed");
void print_error(const Error& error);
// A wrong command line: prints the error and `usage` to stderr (and the JSON line in --json
// mode); returns kExitUsage.
int usage_error(const std::string& message, const std::string& usage);

// Parses a --limit value: a whole number 1..kMaxLimit. On anything else (text, a sign, 0, too
// big) reports a usage_error naming the value and the range and returns nullopt.
constexpr size_t kMaxLimit = 100000;
std::optional<size_t> parse_limit(const std::string& text, const std::string& usage);

int cmd_plugin(const Env& env, const Args& args);
// `sluice plugin test ...`; `args` are the words after "test".
int cmd_plugin_test(const Env& env, const Args& args);
int cmd_apply(const Env& env, const Args& args);
int cmd_get(const Env& env, const Args& args);
int cmd_flow(const Env& env, const Args& args);
// `sluice flow test ...`; `args` are the words after "test".
int cmd_flow_test(const Env& env, const Args& args);
int cmd_errors(const Env& env, const Args& args);
int cmd_ping(const Env& env, const Args& args);
// `sluice connection SUBCOMMAND ...`, and its subcommands (`args`: the words after the name).
int cmd_connection(const Env& env, const Args& args);
int cmd_connection_authorize(const Env& env, const Args& args);
int cmd_connection_test(const Env& env, const Args& args);
int cmd_template(const Env& env, const Args& args);
int cmd_jobs(const Env& env, const Args& args);
// `sluice export preview ...` (cmd_export_preview.cpp).
int cmd_export(const Env& env, const Args& args);
// `sluice serve` (cmd_serve.cpp, host/src/serve/server_main.hpp).
int cmd_serve(const Env& env, const Args& args);
// `sluice token create|list|revoke` (cmd_token.cpp): the REST API's tokens.
int cmd_token(const Env& env, const Args& args);

}  // namespace sluice::cli
