// The `sluice` command: global options, then one subcommand.
#include <cstdlib>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "sluice/abi/plugin.h"
#include "sluice/version.hpp"

namespace {

constexpr const char* kHelp =
    R"(sluice — a self-hosted integration platform: connector plugins, flows, jobs.

usage: sluice [--home DIR] COMMAND [ARGS...] [--home DIR]

commands:
  plugin install PATH        install a connector plugin (.so, bundle folder, .tar.gz)
  plugin list | info ID | remove ID [--force]
  apply PATH                 validate and store connections, exports, imports, flows (JSON)
  get KIND [ID]              list or show connections, exports, imports, flows, jobs
  flow run ID                run a flow now, with live progress and a job summary
  flow test ID [--records N] run its first page through every step, sending nothing
  flow schedule ID [--count N]   the next run times of its schedule, local and UTC
  errors FLOW                the open errors of a flow, with each record's retry data
  errors resolve|retry|edit FLOW ...   resolve errors, run their records again, edit retry data
  jobs log JOB               what a job's plugins logged (debug, info, warn, error), by step
  export preview ID [--pages N]   an export's first pages: requests, responses, paging, records
  connection test ID         test a stored connection, showing the request made and why it passed
  ping CONNECTION            test a stored connection (reachable, credentials accepted): the outcome
  connection authorize ID    authorize an OAuth 2.0 authorization code connection in a browser
  token create NAME | list | revoke NAME   tokens of the REST API of `sluice serve`
  template render FILE --context CONTEXT.json [--as uri|json|xml|html|raw]   try a template
  serve [--listen HOST:PORT]  run the server: schedules, webhooks, REST API, /healthz, /metrics

global options (before or after the command name):
  --home DIR     where Sluice keeps its store and plugins (default $SLUICE_HOME, else ~/.sluice)
  --version      print the version
  -h, --help     this help; `sluice COMMAND --help` for a command's own

Every command that reports a result takes --json: the result is printed as JSON on stdout, and
an error, besides its text on stderr, as one line {"error":{"message":"...","status":"..."}}.
Exit status: 0 ok, 1 the operation failed, 2 wrong command line, 130 canceled.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace sluice::cli;
  Env env;
  if (const char* h = std::getenv("SLUICE_HOME"); h != nullptr && *h != '\0') {
    env.home = h;
  } else if (const char* home = std::getenv("HOME"); home != nullptr) {
    env.home = std::filesystem::path(home) / ".sluice";
  } else {
    env.home = ".sluice";
  }
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--home") {
      if (i + 1 >= argc) {
        print_error("--home needs a folder: --home DIR");
        return kExitUsage;
      }
      env.home = argv[++i];
    } else if (arg.rfind("--home=", 0) == 0) {
      env.home = arg.substr(7);
    } else if (arg == "--help" || arg == "-h" || arg == "help") {
      std::cout << kHelp;
      return kExitOk;
    } else if (arg == "--version") {
      std::cout << fmt::format("sluice {} (plugin ABI {}.{})\n", SLUICE_SDK_VERSION,
                               SLUICE_ABI_VERSION_MAJOR, SLUICE_ABI_VERSION_MINOR);
      return kExitOk;
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::cerr << kHelp;
    return kExitUsage;
  }
  const std::map<std::string, int (*)(const Env&, const Args&)> commands = {
      {"plugin", cmd_plugin},     {"apply", cmd_apply},   {"get", cmd_get},
      {"flow", cmd_flow},         {"errors", cmd_errors}, {"ping", cmd_ping},
      {"template", cmd_template}, {"jobs", cmd_jobs},     {"export", cmd_export},
      {"connection", cmd_connection}, {"serve", cmd_serve},
      {"token", cmd_token}};
  const std::string name = argv[i];
  auto command = commands.find(name);
  if (command == commands.end()) {
    if (name.starts_with("-")) {
      std::cerr << "error: unknown global option '" << name
                << "'; a command's own options go after its name (`sluice get jobs --json`)\n\n"
                << kHelp;
      return kExitUsage;
    }
    std::cerr << "error: unknown command '" << name << "'\n\n" << kHelp;
    return kExitUsage;
  }
  // --home is global: taken out wherever it appears before a "--".
  Args args;
  for (int j = i + 1; j < argc; ++j) {
    const std::string arg = argv[j];
    if (arg == "--") {
      args.insert(args.end(), argv + j, argv + argc);
      break;
    }
    if (arg == "--home") {
      if (j + 1 >= argc) {
        print_error("--home needs a folder: --home DIR");
        return kExitUsage;
      }
      env.home = argv[++j];
    } else if (arg.rfind("--home=", 0) == 0) {
      env.home = arg.substr(7);
    } else {
      args.push_back(arg);
    }
  }
  if (env.home.empty()) {
    print_error("--home needs a folder: --home DIR");
    return kExitUsage;
  }
  try {
    return command->second(env, args);
  } catch (const std::exception& e) {
    print_error(fmt::format("{} (unexpected; please report it)", e.what()));
    return kExitFailure;
  }
}
