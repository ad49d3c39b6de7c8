#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/stored_connection.hpp"
#include "plugins/connector_client.hpp"
#include "store/connection_state.hpp"

namespace sluice::cli {

namespace json = boost::json;

int cmd_ping(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice ping CONNECTION [--json]\n"
      "Tests a stored connection: opens it through its plugin and asks the application whether\n"
      "it is reachable and the credentials work (integrator.io's \"Test connection\").\n"
      "With --json prints {\"connection\":ID,\"ok\":true,\"milliseconds\":N}.";
  po::options_description options("options");
  options.add_options()("json", "print the result as JSON")(
      "connection", po::value<std::string>()->required(),
      "a connection id (see `sluice get connections`)");
  po::positional_options_description positional;
  positional.add("connection", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const std::string id = vm["connection"].as<std::string>();
  auto loaded = load_stored_connection(env, id);
  if (!loaded) return kExitFailure;
  const auto started = std::chrono::steady_clock::now();
  auto connection = host::RemoteConnection::open(*loaded->connector, json::serialize(loaded->doc),
                                                 "connection " + id, nullptr, {},
                                                 host::connection_state_access(*loaded->store, id));
  Result<std::string> pinged =
      connection ? (*connection)->ping() : Result<std::string>(connection.error());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  if (!pinged) {
    print_error(fmt::format("connection {} failed its test ({}): {}\n  fix connection {} in its "
                            "resource file, `sluice apply` it, then `sluice ping {}` again",
                            id, to_string(pinged.error().status), pinged.error().message, id, id),
                to_string(pinged.error().status));
    return kExitFailure;
  }
  if (vm.count("json") != 0u) {
    std::cout << json::serialize(
                     json::object{{"connection", id}, {"ok", true}, {"milliseconds", ms}})
              << '\n';
    return kExitOk;
  }
  std::cout << fmt::format("connection {}: ok ({} ms)\n", id, ms);
  return kExitOk;
}

}  // namespace sluice::cli
