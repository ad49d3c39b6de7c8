// `sluice connection test ID`: opens a stored connection through its plugin, pings it, and
// prints what the plugin reported doing — the request (secrets masked), the response's status
// and start, and why the test passed or failed — from the lines the plugin logs during the
// call (plugins/http/connection.hpp lists the HTTP connector's).
#include <chrono>
#include <iostream>
#include <mutex>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/stored_connection.hpp"
#include "plugins/connector_client.hpp"
#include "plugins/host_api.hpp"
#include "sluice/abi/plugin.h"
#include "store/connection_state.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

// The debug lines a plugin logs about a connection test, printed as they are (any other debug
// line is left out; info, warn and error lines are printed with their level).
constexpr std::string_view kReportPrefixes[] = {
    "request: ", "request header: ", "request body: ", "response: ", "response body: ", "ping: "};

bool is_report_line(std::string_view message) {
  for (std::string_view prefix : kReportPrefixes) {
    if (message.starts_with(prefix)) return true;
  }
  return false;
}

std::string_view level_name(int32_t level) {
  switch (level) {
    case SLUICE_LOG_INFO:
      return "info";
    case SLUICE_LOG_WARN:
      return "warn";
    case SLUICE_LOG_ERROR:
      return "error";
    default:
      return "debug";
  }
}

// Collects the lines plugins log while it lives (it is the host's log sink meanwhile).
class ReportCapture {
 public:
  ReportCapture() {
    previous_ =
        host::set_log_sink([this](int32_t level, const std::string&, std::string_view message) {
          if (level == SLUICE_LOG_DEBUG && !is_report_line(message)) return;
          std::lock_guard lock(mutex_);
          lines_.push_back(level == SLUICE_LOG_DEBUG
                               ? std::string(message)
                               : fmt::format("{}: {}", level_name(level), message));
        });
  }
  ~ReportCapture() { host::set_log_sink(std::move(previous_)); }
  ReportCapture(const ReportCapture&) = delete;
  ReportCapture& operator=(const ReportCapture&) = delete;

  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  host::LogSink previous_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace

int cmd_connection_test(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice connection test ID [--json]\n"
      "Tests a stored connection: opens it through its plugin and asks the application whether\n"
      "it is reachable and the credentials work (integrator.io's \"Test connection\"), printing\n"
      "what the plugin did — for HTTP connections the request (method, URL, headers, body;\n"
      "secrets masked), the response's status and body start, and why the test passed or failed\n"
      "(http.ping's successPath, failPath, errorPath) — then \"connection ID: ok (N ms)\".\n"
      "Exit status 0 when the test passed, 1 when it failed (the reason on stderr).\n"
      "With --json prints "
      "{\"connection\":ID,\"ok\":true|false,\"milliseconds\":N,\"lines\":[...]}.\n"
      "`sluice ping ID` runs the same test and prints only its outcome.";
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
  const bool as_json = vm.count("json") != 0u;
  auto loaded = load_stored_connection(env, id);
  if (!loaded) return kExitFailure;
  std::vector<std::string> lines;
  Result<std::string> pinged = std::string();
  const auto started = std::chrono::steady_clock::now();
  {
    ReportCapture capture;
    // With the connection's state (stored credentials, the offline mark): a test that passes
    // brings an offline connection back online, as a ping does.
    auto connection = host::RemoteConnection::open(
        *loaded->connector, json::serialize(loaded->doc), "connection " + id, nullptr, {},
        host::connection_state_access(*loaded->store, id));
    pinged = connection ? (*connection)->ping() : Result<std::string>(connection.error());
    lines = capture.lines();
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  if (as_json) {
    json::array out;
    for (const std::string& line : lines) out.emplace_back(line);
    std::cout << json::serialize(json::object{{"connection", id},
                                              {"ok", static_cast<bool>(pinged)},
                                              {"milliseconds", ms},
                                              {"lines", std::move(out)}})
              << '\n';
  } else {
    for (const std::string& line : lines) std::cout << line << '\n';
  }
  if (!pinged) {
    print_error(fmt::format("connection {} failed its test ({}): {}\n  fix connection {} in its "
                            "resource file, `sluice apply` it, then `sluice connection test {}` "
                            "again",
                            id, to_string(pinged.error().status), pinged.error().message, id, id),
                to_string(pinged.error().status));
    return kExitFailure;
  }
  if (!as_json) std::cout << fmt::format("connection {}: ok ({} ms)\n", id, ms);
  return kExitOk;
}

}  // namespace sluice::cli
