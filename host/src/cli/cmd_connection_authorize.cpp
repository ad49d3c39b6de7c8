// `sluice connection authorize ID`: the OAuth 2.0 authorization code grant (with PKCE) through a
// one-time redirect listener on 127.0.0.1. The plugin builds the URL and exchanges the code
// (plugin.h's connection_authorize_start/finish); this command only listens, prints and waits.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>
#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/stored_connection.hpp"
#include "plugins/connector_client.hpp"
#include "store/connection_state.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

constexpr const char* kCallbackPath = "/callback";
constexpr int kDefaultTimeoutSeconds = 300;
constexpr int kMaxTimeoutSeconds = 3600;
// Requests to other paths (a browser's /favicon.ico) answered 404 before giving up.
constexpr int kMaxStrayRequests = 20;

// What the listener saw: the callback's raw query, once. Thread-safe.
class Redirect {
 public:
  explicit Redirect(std::string expected_state) : expected_state_(std::move(expected_state)) {}

  // The page the browser shows, and whether the request was the awaited callback.
  bool offer(const std::string& path, const std::string& query) {
    std::lock_guard lock(mutex_);
    if (path != kCallbackPath || done_) {
      ++stray_;
      changed_.notify_all();
      return false;
    }
    std::string state;
    for (const auto& [name, value] : Poco::URI("/?" + query).getQueryParameters()) {
      if (name == "state") state = value;
    }
    if (state != expected_state_) {
      ++stray_;
      ++wrong_state_;
      changed_.notify_all();
      return false;
    }
    query_ = query;
    done_ = true;
    changed_.notify_all();
    return true;
  }

  // The callback's query, or nullopt after `timeout` or too many stray requests.
  std::optional<std::string> wait(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return done_ || stray_ >= kMaxStrayRequests; });
    if (!done_) return std::nullopt;
    return query_;
  }

  int wrong_state() {
    std::lock_guard lock(mutex_);
    return wrong_state_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string expected_state_;
  std::string query_;
  bool done_ = false;
  int stray_ = 0;
  int wrong_state_ = 0;
};

class CallbackHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  CallbackHandler(Redirect& redirect, std::string id) : redirect_(redirect), id_(std::move(id)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    const Poco::URI uri(request.getURI());
    const bool ours =
        request.getMethod() == "GET" && redirect_.offer(uri.getPath(), uri.getRawQuery());
    response.setContentType("text/html; charset=utf-8");
    response.set("Cache-Control", "no-store");
    std::string page;
    if (ours) {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      page = fmt::format(
          "<!doctype html><title>Sluice</title><p>Sluice received the authorization for "
          "connection {}. You can close this window and return to the terminal.</p>",
          id_);
    } else if (uri.getPath() == kCallbackPath) {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
      page =
          "<!doctype html><title>Sluice</title><p>This redirect does not answer the "
          "authorization Sluice is waiting for (its state differs).</p>";
    } else {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      page = "<!doctype html><title>Sluice</title><p>Not found.</p>";
    }
    response.sendBuffer(page.data(), page.size());
  }

 private:
  Redirect& redirect_;
  std::string id_;
};

class CallbackFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  CallbackFactory(Redirect& redirect, std::string id) : redirect_(redirect), id_(std::move(id)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new CallbackHandler(redirect_, id_);
  }

 private:
  Redirect& redirect_;
  std::string id_;
};

std::optional<int> parse_number(const std::string& text, int low, int high) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < low || value > high) return std::nullopt;
  return value;
}

}  // namespace

int cmd_connection_authorize(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice connection authorize CONNECTION [--timeout SECONDS] [--port PORT] [--json]\n"
      "Authorizes an OAuth 2.0 authorization code connection (http.auth.oauth.grantType\n"
      "authorizecode): listens once on http://127.0.0.1:PORT/callback, prints the URL to open in\n"
      "a browser, waits for the authorization server to redirect there, checks its state and\n"
      "exchanges the code (with the PKCE verifier) for tokens, which are kept encrypted in the\n"
      "store and used by every later run. Register the printed redirect URI with the OAuth\n"
      "application (most servers accept any port on 127.0.0.1; else fix one with --port).\n"
      "It opens no browser itself. A success also brings an offline connection back online.\n"
      "With --json prints {\"connection\":ID,\"ok\":true,\"message\":M}.";
  po::options_description options("options");
  options.add_options()("json", "print the result as JSON")(
      "timeout", po::value<std::string>()->value_name("SECONDS"),
      fmt::format("how long to wait for the redirect (1 to {}; default {})", kMaxTimeoutSeconds,
                  kDefaultTimeoutSeconds)
          .c_str())("port", po::value<std::string>()->value_name("PORT"),
                    "the loopback port to listen on (default: a free one)")(
      "connection", po::value<std::string>()->required(),
      "a connection id (see `sluice get connections`)");
  po::positional_options_description positional;
  positional.add("connection", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const std::string id = vm["connection"].as<std::string>();
  int timeout_seconds = kDefaultTimeoutSeconds;
  if (vm.count("timeout") != 0u) {
    auto parsed = parse_number(vm["timeout"].as<std::string>(), 1, kMaxTimeoutSeconds);
    if (!parsed) {
      return usage_error(fmt::format("--timeout '{}' is not a number of seconds from 1 to {}",
                                     vm["timeout"].as<std::string>(), kMaxTimeoutSeconds),
                         kUsage);
    }
    timeout_seconds = *parsed;
  }
  int port = 0;
  if (vm.count("port") != 0u) {
    auto parsed = parse_number(vm["port"].as<std::string>(), 1, 65535);
    if (!parsed) {
      return usage_error(fmt::format("--port '{}' is not a port number from 1 to 65535",
                                     vm["port"].as<std::string>()),
                         kUsage);
    }
    port = *parsed;
  }
  const bool as_json = vm.count("json") != 0u;

  auto loaded = load_stored_connection(env, id);
  if (!loaded) return kExitFailure;
  auto connection = host::RemoteConnection::open(*loaded->connector, json::serialize(loaded->doc),
                                                 "connection " + id, nullptr, {},
                                                 host::connection_state_access(*loaded->store, id));
  if (!connection) {
    print_error(fmt::format("cannot authorize connection {}: {}", id, connection.error().message),
                to_string(connection.error().status));
    return kExitFailure;
  }

  std::optional<Poco::Net::ServerSocket> socket;
  try {
    socket.emplace(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  } catch (const Poco::Exception& e) {
    print_error(fmt::format("cannot listen on 127.0.0.1:{} for the authorization redirect: {}{}",
                            port, e.displayText(),
                            port != 0 ? " — choose another --port, or leave it out to use a free "
                                        "one"
                                      : ""));
    return kExitFailure;
  }
  const std::string redirect_uri =
      fmt::format("http://127.0.0.1:{}{}", socket->address().port(), kCallbackPath);
  auto started = (*connection)->authorize_start(redirect_uri);
  if (!started) {
    print_error(fmt::format("cannot authorize connection {}: {}", id, started.error().message),
                to_string(started.error().status));
    return kExitFailure;
  }

  Redirect redirect(started->state);
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams());
  params->setMaxThreads(1);
  params->setMaxQueued(4);
  params->setKeepAlive(false);
  Poco::Net::HTTPServer server(new CallbackFactory(redirect, id), *socket, params);
  server.start();
  // stderr: the prompt is for the user, stdout keeps the result (and --json) clean. The URL is
  // on a line of its own.
  std::cerr << fmt::format(
                   "To authorize connection {}, open this URL in a browser and allow the "
                   "access:\n{}\nWaiting up to {} s for the redirect to {} ...\n",
                   id, started->url, timeout_seconds, redirect_uri)
            << std::flush;
  std::optional<std::string> query = redirect.wait(std::chrono::seconds(timeout_seconds));
  server.stopAll(true);
  if (!query) {
    const int wrong = redirect.wrong_state();
    print_error(
        wrong > 0
            ? fmt::format("connection {} was not authorized: {} redirect{} to {} carried another "
                          "state than the one sent (not this authorization); run `sluice "
                          "connection authorize {}` again",
                          id, wrong, wrong == 1 ? "" : "s", redirect_uri, id)
            : fmt::format("connection {} was not authorized: no redirect reached {} within {} s; "
                          "open the printed URL sooner, or give more time with --timeout SECONDS",
                          id, redirect_uri, timeout_seconds),
        "failed");
    return kExitFailure;
  }
  auto finished = (*connection)->authorize_finish(redirect_uri, *query);
  if (!finished) {
    print_error(fmt::format("connection {} was not authorized: {}", id, finished.error().message),
                to_string(finished.error().status));
    return kExitFailure;
  }
  if (as_json) {
    std::cout << json::serialize(
                     json::object{{"connection", id}, {"ok", true}, {"message", *finished}})
              << '\n';
    return kExitOk;
  }
  std::cout << fmt::format("connection {} authorized: obtained {}\n", id, *finished);
  return kExitOk;
}

}  // namespace sluice::cli
