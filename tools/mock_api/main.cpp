// sluice-mock-api: an HTTP server imitating a platform API for tests, the demo and
// benchmarks. See `sluice-mock-api --help` for options and endpoints.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <fmt/format.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "handlers.hpp"
#include "options.hpp"
#include "tls_listener.hpp"

namespace sluice::tools::mock_api {
namespace {

constexpr int kMaxConnections = 64;  // one thread per open (kept-alive) connection
constexpr int kBacklog = 256;

// Writes the port to `path` atomically (temporary file + rename), so a reader never sees
// a partial number.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("cannot write {}", temporary));
  }
  std::filesystem::rename(temporary, path);
}

// Set by POST /_mock/shutdown before it raises SIGTERM.
std::atomic<bool> g_answered_shutdown{false};

int run(const Options& options, const sigset_t& stop_signals) {
  const Poco::Net::IPAddress address(options.host);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, options.port), kBacklog);
  const std::uint16_t port = socket.address().port();
  const std::string host = address.family() == Poco::Net::AddressFamily::IPv6
                               ? fmt::format("[{}]", options.host)
                               : options.host;

  ServerContext context{options, fmt::format("http://{}:{}", host, port),
                        Sink(options.sink_count_only, options.reject),
                        // Stop signals are blocked in every thread, so this one stays
                        // pending until main's sigwait takes it.
                        [] {
                          g_answered_shutdown = true;
                          ::kill(::getpid(), SIGTERM);
                        }};

  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxThreads(kMaxConnections);
  params->setMaxQueued(kBacklog);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(100'000);
  params->setKeepAliveTimeout(Poco::Timespan(30, 0));
  params->setTimeout(Poco::Timespan(60, 0));
  params->setServerName("sluice-mock-api");

  Poco::ThreadPool threads("mock-api", 2, kMaxConnections);
  const auto factory = Poco::makeShared<RequestHandlerFactory>(context);
  Poco::Net::HTTPServer server(factory, threads, socket, params);
  server.start();
  std::unique_ptr<TlsListener> tls;
  if (!options.tls_cert.empty()) tls = std::make_unique<TlsListener>(options, factory);
  if (!options.port_file.empty()) write_port_file(options.port_file, port);
  fmt::print("listening on {}\n", context.base_url);
  if (tls) fmt::print("listening on https://{}:{}\n", host, tls->port());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  // Poco's accept loop polls the listening socket with a 250 ms timeout before it looks at
  // its stop flag; shutting the socket down wakes that poll at once, so stopping takes a
  // few milliseconds instead of up to 250 (tests start and stop many servers).
  ::shutdown(socket.impl()->sockfd(), SHUT_RDWR);
  if (g_answered_shutdown) {
    // Stopped by POST /_mock/shutdown: let its connection (closed after the answer) end first,
    // for at most a second, or the client may see a reset instead of the answer.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (server.currentConnections() > 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  server.stopAll(true);  // also closes idle kept-alive connections
  if (tls) tls->stop();
  return 0;
}

}  // namespace
}  // namespace sluice::tools::mock_api

int main(int argc, char** argv) {
  using namespace sluice::tools::mock_api;
  // Block the stop signals before any thread starts so that every thread inherits the mask
  // and only sigwait in run() receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up is an error value, not a crash

  const CommandLine command_line = parse_command_line(argc, argv);
  switch (command_line.action) {
    case CommandLine::Action::kHelp:
      fmt::print("{}", command_line.text);
      return 0;
    case CommandLine::Action::kError:
      fmt::print(stderr, "sluice-mock-api: {}\nRun 'sluice-mock-api --help' for usage.\n",
                 command_line.text);
      return 2;
    case CommandLine::Action::kRun:
      break;
  }
  const Options& options = command_line.options;
  try {
    return run(options, stop_signals);
  } catch (const Poco::Exception& e) {
    fmt::print(stderr, "sluice-mock-api: cannot serve on {} port {}: {}\n", options.host,
               options.port, e.displayText());
  } catch (const std::exception& e) {
    fmt::print(stderr, "sluice-mock-api: {}\n", e.what());
  }
  return 1;
}
