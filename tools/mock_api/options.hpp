#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::tools::mock_api {

// Everything the command line can set. Defaults are the documented ones.
struct Options {
  std::string host = "127.0.0.1";    // loopback only: 127.x.x.x or ::1
  std::uint16_t port = 0;            // 0 = a free port chosen by the OS
  std::int64_t orders = 1000;        // size of the generated data set
  std::string token = "demo-token";  // the only accepted API token
  std::vector<std::string> reject;   // order ids the sink answers with 422
  std::int64_t fail_page = 0;        // GET orders page that answers 500; 0 = none
  bool sink_count_only = false;      // keep counts and byte totals only
  bool echo_credentials = false;     // errors echo the request's credentials (echo.hpp)
  std::string port_file;             // written with the port once listening; empty = none
  // An HTTPS listener besides the plain one (tls_listener.hpp) when tls_cert is set: PEM files
  // of the server's certificate and key, and of the CA whose client certificates it requires.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;  // empty: no client certificate asked for
  std::uint16_t tls_port = 0;
};

// The outcome of reading argv: run with options, print help, or fail with a message.
struct CommandLine {
  enum class Action { kRun, kHelp, kError };
  Action action = Action::kRun;
  Options options;
  std::string text;  // the help text for kHelp, the error message for kError
};

// Parses argv (Unix style: --name VALUE or --name=VALUE). Never throws: every
// problem (unknown option, missing or malformed value, non-loopback host) comes
// back as kError with a message that names the option and what is expected.
CommandLine parse_command_line(int argc, char** argv);

}  // namespace sluice::tools::mock_api
