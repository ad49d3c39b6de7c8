// `sluice connection SUBCOMMAND ...`: what is done to one stored connection. Each subcommand is a
// function in its own file, registered here with one line.
#include <iostream>
#include <map>

#include "cli/command.hpp"

namespace sluice::cli {

int cmd_connection(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice connection test CONNECTION [--json]\n"
      "       sluice connection authorize CONNECTION [--timeout SECONDS] [--port PORT]\n"
      "test       open the connection through its plugin and test it (integrator.io's \"Test\n"
      "           connection\"): the request made, with secrets masked, the response's status\n"
      "           and start, and why the test passed or failed\n"
      "authorize  let a user authorize an OAuth 2.0 authorization code connection in a browser\n"
      "`sluice connection SUBCOMMAND --help` for a subcommand's own options.";
  const std::map<std::string, int (*)(const Env&, const Args&)> subcommands = {
      {"test", cmd_connection_test},
      {"authorize", cmd_connection_authorize},
  };
  if (args.empty()) {
    return usage_error("expected `sluice connection test ID` or `sluice connection authorize ID`",
                       kUsage);
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage << "\n\noptions:\n  --home DIR   " << kHomeHelp << '\n';
    return kExitOk;
  }
  auto found = subcommands.find(args[0]);
  if (found == subcommands.end()) {
    return usage_error("unknown connection command '" + args[0] +
                           "'; expected `sluice connection test ID` or `sluice connection "
                           "authorize ID`",
                       kUsage);
  }
  return found->second(env, Args(args.begin() + 1, args.end()));
}

}  // namespace sluice::cli
