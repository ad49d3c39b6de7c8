// The client against a scripted loopback server (Poco HTTPServer) that answers each request with
// the next scripted response and records what it received — enough to drive retries, status
// classification and keep-alive, which the platform mock API does not fault-inject.
#include "sluice/support/http/client.hpp"

#include <sys/resource.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace sluice::support::http {
namespace {

using namespace std::chrono_literals;

struct Scripted {
  int status = 200;
  std::string body;
  Headers headers;
  bool chunked = false;
};

struct Received {
  std::string method, uri, body, authorization, content_type;
  uint16_t client_port = 0;
};

class ScriptedServer {
 public:
  // `keep_alive` is how long the server keeps an idle persistent connection open.
  explicit ScriptedServer(std::chrono::milliseconds keep_alive = std::chrono::seconds(15))
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(keep_alive.count() * 1000));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
    server_->start();
  }
  ~ScriptedServer() { server_->stopAll(true); }

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + std::string(path);
  }
  void script(Scripted response) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(response));
  }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    script_.clear();
    received_.clear();
  }

 private:
  struct Handler : Poco::Net::HTTPRequestHandler {
    explicit Handler(ScriptedServer& s) : server(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Received r{request.getMethod(),
                 request.getURI(),
                 {},
                 request.get("Authorization", ""),
                 request.get("Content-Type", ""),
                 request.clientAddress().port()};
      Poco::StreamCopier::copyToString(request.stream(), r.body);
      Scripted next;
      {
        std::lock_guard lock(server.mutex_);
        server.received_.push_back(std::move(r));
        if (!server.script_.empty()) {
          next = std::move(server.script_.front());
          server.script_.pop_front();
        }
      }
      response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(next.status));
      for (const Header& h : next.headers) response.set(h.name, h.value);
      if (next.chunked) {
        response.setChunkedTransferEncoding(true);
      } else {
        response.setContentLength64(static_cast<Poco::Int64>(next.body.size()));
      }
      response.setContentType("application/json");
      response.send() << next.body;
    }
    ScriptedServer& server;
  };
  struct Factory : Poco::Net::HTTPRequestHandlerFactory {
    explicit Factory(ScriptedServer& s) : server(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(server);
    }
    ScriptedServer& server;
  };

  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::mutex mutex_;
  std::deque<Scripted> script_;
  std::vector<Received> received_;
};

// A server below HTTP: answers every connection with `reply` verbatim once the request head has
// arrived, so a test can send what a well-behaved server would not (a Content-Length its body
// does not have). With `close_after`, it then closes the connection; otherwise it waits for the
// client to close it (at most 10 s).
class RawServer {
 public:
  explicit RawServer(std::string reply, bool close_after = false)
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        reply_(std::move(reply)),
        close_after_(close_after),
        thread_([this] { serve(); }) {}
  ~RawServer() {
    stop_ = true;
    thread_.join();
  }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + std::string(path);
  }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stop_) {
      if (!socket_.poll(Poco::Timespan(0, 50'000), Poco::Net::Socket::SELECT_READ)) continue;
      try {
        Poco::Net::StreamSocket connection = socket_.acceptConnection();
        ++connections_;
        connection.setReceiveTimeout(Poco::Timespan(10, 0));
        std::string head;
        char buffer[4096];
        while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
          const int n = connection.receiveBytes(buffer, sizeof buffer);
          if (n <= 0) break;
          head.append(buffer, static_cast<size_t>(n));
        }
        connection.sendBytes(reply_.data(), static_cast<int>(reply_.size()));
        if (close_after_) {
          connection.shutdownSend();
        } else {
          while (connection.receiveBytes(buffer, sizeof buffer) > 0) {
          }
        }
      } catch (const Poco::Exception&) {
      }
    }
  }

  Poco::Net::ServerSocket socket_;
  std::string reply_;
  bool close_after_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

long max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// One server for the whole suite (stopping a Poco server takes a quarter of a second), cleared
// for each test.
ScriptedServer& fresh_server() {
  static ScriptedServer server;
  server.clear();
  return server;
}

ClientOptions fast_options(ClientOptions options = {}) {
  options.initial_backoff = 1ms;
  options.max_backoff = 20ms;
  return options;
}

Context no_host() { return Context(nullptr, nullptr); }

TEST(Client, SendsBodyAndHeadersAndReadsTheResponse) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 201, .body = R"({"id":1})"});
  Client client(fast_options({.base_uri = server.url("/api/"), .headers = {{"X-Tenant", "t1"}}}));
  Context context = no_host();
  const std::string body = R"([{"a":1},{"a":2}])";
  auto response = client.send(context, {.method = "POST", .url = "/sink?x=1", .body = body});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"id":1})");
  EXPECT_EQ(response->attempts, 1);
  EXPECT_EQ(response->url, server.url("/api/sink?x=1"));
  auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].uri, "/api/sink?x=1");
  EXPECT_EQ(received[0].body, body);
  EXPECT_EQ(received[0].content_type, "application/json");
}

TEST(Client, ReadsChunkedResponses) {
  ScriptedServer& server = fresh_server();
  const std::string big(100'000, 'x');
  server.script({.body = big, .chunked = true});
  Client client(fast_options());
  Context context = no_host();
  auto response = client.send(context, {.url = server.url("/big")});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, big);
}

TEST(Client, ReusesOneKeepAliveConnectionPerHost) {
  ScriptedServer& server = fresh_server();
  Client client(fast_options({.base_uri = server.url("")}));
  Context context = no_host();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.send(context, {.url = "/ping"}));
  std::set<uint16_t> ports;
  for (const auto& r : server.received()) ports.insert(r.client_port);
  EXPECT_EQ(server.received().size(), 5u);
  EXPECT_EQ(ports.size(), 1u);
}

TEST(Client, ReconnectsAtOnceWhenTheServerClosedAnIdleConnection) {
  ScriptedServer server(50ms);
  Client client(fast_options({.base_uri = server.url(""), .max_attempts = 1}));
  Context context = no_host();
  ASSERT_TRUE(client.send(context, {.url = "/a"}));
  std::this_thread::sleep_for(300ms);  // the server drops the idle connection meanwhile
  auto second = client.send(context, {.url = "/b"});
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->attempts, 1);
  auto received = server.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_NE(received[0].client_port, received[1].client_port);
}

TEST(Client, RetriesServerErrorsUntilOneSucceeds) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 503});
  server.script({.status = 500, .body = "oops"});
  server.script({.status = 200, .body = "[]"});
  Client client(fast_options());
  Context context = no_host();
  auto response = client.send(context, {.url = server.url("/x")});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->attempts, 3);
  EXPECT_EQ(server.received().size(), 3u);
}

TEST(Client, ServerErrorAfterLastAttemptIsTransientNamingMethodUrlStatusAndBody) {
  ScriptedServer& server = fresh_server();
  for (int i = 0; i < 3; ++i)
    server.script({.status = 502, .body = R"({"error":"upstream down"})"});
  Client client(fast_options());
  Context context = no_host();
  auto executed = client.execute(context, {.url = server.url("/x")});
  ASSERT_TRUE(executed);
  EXPECT_EQ(executed->status, 502);
  for (int i = 0; i < 3; ++i)
    server.script({.status = 502, .body = R"({"error":"upstream down"})"});
  auto sent = client.send(context, {.url = server.url("/x")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kTransient);
  EXPECT_EQ(sent.error().message, "GET " + server.url("/x") +
                                      R"(: HTTP 502 Bad Gateway: {"error":"upstream down"} — the )"
                                      "server failed after 3 attempts; retry later");
  EXPECT_EQ(server.received().size(), 6u);
}

TEST(Client, RateLimitHonoursRetryAfterWithinTheCapAndReportsIt) {
  ScriptedServer& server = fresh_server();
  for (int i = 0; i < 2; ++i) server.script({.status = 429, .headers = {{"Retry-After", "120"}}});
  Client client(fast_options({.max_attempts = 2}));
  Context context = no_host();
  const auto start = std::chrono::steady_clock::now();
  auto sent = client.send(context, {.url = server.url("/x")});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);  // waited the 20 ms cap, not 120 s
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kRateLimited);
  EXPECT_EQ(sent.error().retry_after_ms, 120'000u);
  EXPECT_EQ(server.received().size(), 2u);
}

TEST(Client, ClassifiesClientErrorsWithoutRetrying) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 401, .body = "no"});
  server.script({.status = 403});
  server.script({.status = 404});
  server.script({.status = 422, .body = R"({"message":"bad"})"});
  Client client(fast_options());
  Context context = no_host();
  EXPECT_EQ(client.send(context, {.url = server.url("/a")}).error().status, Status::kAuthFailed);
  EXPECT_EQ(client.send(context, {.url = server.url("/b")}).error().status, Status::kAuthFailed);
  EXPECT_EQ(client.send(context, {.url = server.url("/c")}).error().status, Status::kNotFound);
  auto unprocessable =
      client.send(context, {.method = "POST", .url = server.url("/d"), .body = "{}"});
  EXPECT_EQ(unprocessable.error().status, Status::kRemoteError);
  EXPECT_EQ(unprocessable.error().message,
            "POST " + server.url("/d") +
                R"(: HTTP 422 Unprocessable Entity: {"message":"bad"})"
                " — the API refused the request");
  EXPECT_EQ(server.received().size(), 4u);
}

TEST(Client, StatusTable) {
  EXPECT_EQ(status_for(200), Status::kOk);
  EXPECT_EQ(status_for(204), Status::kOk);
  EXPECT_EQ(status_for(401), Status::kAuthFailed);
  EXPECT_EQ(status_for(403), Status::kAuthFailed);
  EXPECT_EQ(status_for(404), Status::kNotFound);
  EXPECT_EQ(status_for(429), Status::kRateLimited);
  EXPECT_EQ(status_for(500), Status::kTransient);
  EXPECT_EQ(status_for(503), Status::kTransient);
  EXPECT_EQ(status_for(400), Status::kRemoteError);
  EXPECT_EQ(status_for(409), Status::kRemoteError);
  EXPECT_EQ(status_for(302), Status::kRemoteError);
}

TEST(Client, TokensNeverAppearInErrorsEvenWhenTheServerEchoesThem) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 401, .body = "bad token s3cr3t-t0ken for /x?access_token=s3cr3t-t0ken"});
  Client client(fast_options(
      {.auth = Auth::with_token({.token = "s3cr3t-t0ken", .location = TokenLocation::kUrl})}));
  Context context = no_host();
  auto sent = client.send(context, {.url = server.url("/x?page=1")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kAuthFailed);
  EXPECT_EQ(sent.error().message.find("s3cr3t"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find(server.url("/x?page=1")), std::string::npos);
  EXPECT_EQ(server.received().at(0).uri, "/x?page=1&access_token=s3cr3t-t0ken");
}

TEST(Client, SendsBasicAndHeaderTokenAuth) {
  ScriptedServer& server = fresh_server();
  Context context = no_host();
  Client basic(fast_options({.auth = Auth::with_basic("u", "p")}));
  ASSERT_TRUE(basic.send(context, {.url = server.url("/")}));
  Client token(fast_options({.auth = Auth::with_token({.token = "abc"})}));
  ASSERT_TRUE(token.send(context, {.url = server.url("/")}));
  EXPECT_EQ(server.received().at(0).authorization, "Basic dTpw");
  EXPECT_EQ(server.received().at(1).authorization, "Bearer abc");
}

// An EC P-256 private key, PEM: ECDSA signatures differ each time, so a reused JWT shows.
std::string ec_private_key() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

TEST(Client, JwtIsReusedForHalfItsLifetimeAndSignedPerRequestWithoutExp) {
  ScriptedServer& server = fresh_server();
  Context context = no_host();
  const std::string key = ec_private_key();
  Client lasting(fast_options({.auth = Auth::with_jwt({.signature_method = "es256",
                                                       .private_key_pem = key,
                                                       .payload = R"({"iss":"a","exp":600})"})}));
  ASSERT_TRUE(lasting.send(context, {.url = server.url("/")}));
  ASSERT_TRUE(lasting.send(context, {.url = server.url("/")}));
  Client unbounded(fast_options(
      {.auth = Auth::with_jwt(
           {.signature_method = "es256", .private_key_pem = key, .payload = R"({"iss":"a"})"})}));
  ASSERT_TRUE(unbounded.send(context, {.url = server.url("/")}));
  ASSERT_TRUE(unbounded.send(context, {.url = server.url("/")}));
  const auto& received = server.received();
  ASSERT_EQ(received.size(), 4u);
  EXPECT_TRUE(received.at(0).authorization.starts_with("Bearer ey"));
  EXPECT_EQ(received.at(0).authorization, received.at(1).authorization);
  EXPECT_NE(received.at(2).authorization, received.at(3).authorization);
}

TEST(Client, ConnectionFailureIsTransientAfterAllAttempts) {
  Poco::Net::ServerSocket reserved(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(reserved.address().port()) + "/x";
  reserved.close();
  Client client(fast_options());
  Context context = no_host();
  auto sent = client.send(context, {.url = url});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kTransient);
  EXPECT_EQ(sent.error().message.rfind("GET " + url + ": ", 0), 0u) << sent.error().message;
  EXPECT_NE(sent.error().message.find("(3 attempts)"), std::string::npos) << sent.error().message;
}

TEST(Client, RelativeUrlWithoutBaseIsInvalidConfig) {
  Client client(fast_options());
  Context context = no_host();
  auto sent = client.send(context, {.url = "/orders"});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kInvalidConfig);
}

TEST(Client, ResponseLimitIs64MegabytesByDefault) {
  EXPECT_EQ(ClientOptions{}.max_response_bytes, std::size_t{64} * 1024 * 1024);
}

TEST(Client, DeclaredContentLengthOverTheLimitIsRefusedWithoutAllocatingIt) {
  RawServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4294967296\r\n\r\n"
      "[1,2,3,4,5]");
  Client client(fast_options({.receive_timeout = 5s}));
  Context context = no_host();
  const long rss_before = max_rss_kb();
  auto sent = client.execute(context, {.url = server.url("/huge?page=1")});
  const long grown_kb = max_rss_kb() - rss_before;
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kRemoteError);
  EXPECT_EQ(sent.error().message,
            "GET " + server.url("/huge?page=1") +
                ": the response (HTTP 200) declares Content-Length 4294967296, more than the "
                "client's limit of 64 MB; ask for less per request (a smaller page size), or "
                "raise the limit");
  EXPECT_LT(grown_kb, 16 * 1024) << "the client allocated for bytes that never arrived";
  EXPECT_EQ(server.connections(), 1) << "a response over the limit is not retried";
}

TEST(Client, ChunkedBodyLongerThanTheLimitIsAnError) {
  ScriptedServer& server = fresh_server();
  server.script({.body = std::string(1001, 'x'), .chunked = true});
  Client client(fast_options({.max_response_bytes = 1000}));
  Context context = no_host();
  auto sent = client.send(context, {.url = server.url("/chunked")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kRemoteError);
  EXPECT_EQ(sent.error().message,
            "GET " + server.url("/chunked") +
                ": the response (HTTP 200) has a body longer than the client's limit of 1000 "
                "bytes; ask for less per request (a smaller page size), or raise the limit");
  EXPECT_EQ(server.received().size(), 1u);
}

TEST(Client, BodyOfExactlyTheLimitIsAcceptedChunkedOrWithContentLength) {
  ScriptedServer& server = fresh_server();
  const std::string body(1000, 'y');
  server.script({.body = body, .chunked = true});
  server.script({.body = body});
  Client client(fast_options({.max_response_bytes = 1000}));
  Context context = no_host();
  auto chunked = client.send(context, {.url = server.url("/a")});
  ASSERT_TRUE(chunked) << chunked.error().message;
  EXPECT_EQ(chunked->body, body);
  auto sized = client.send(context, {.url = server.url("/b")});
  ASSERT_TRUE(sized) << sized.error().message;
  EXPECT_EQ(sized->body, body);
}

TEST(Client, ContentLengthOneOverTheLimitIsAnError) {
  ScriptedServer& server = fresh_server();
  server.script({.body = std::string(1001, 'z')});
  Client client(fast_options({.max_response_bytes = 1000}));
  Context context = no_host();
  auto sent = client.send(context, {.url = server.url("/c")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message,
            "GET " + server.url("/c") +
                ": the response (HTTP 200) declares Content-Length 1001, more than the client's "
                "limit of 1000 bytes; ask for less per request (a smaller page size), or raise "
                "the limit");
}

TEST(Client, BodyReadUntilCloseLongerThanTheLimitIsAnError) {
  RawServer server("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(5000, 'w'),
                   /*close_after=*/true);
  Client client(fast_options({.max_response_bytes = 4096}));
  Context context = no_host();
  auto sent = client.send(context, {.url = server.url("/stream")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message,
            "GET " + server.url("/stream") +
                ": the response (HTTP 200) has a body longer than the client's limit of 4 KB; "
                "ask for less per request (a smaller page size), or raise the limit");
}

TEST(Client, ResponseLimitErrorHidesCredentialsInTheUrl) {
  ScriptedServer& server = fresh_server();
  server.script({.body = std::string(2000, 'q'), .chunked = true});
  Client client(fast_options(
      {.auth = Auth::with_token({.token = "s3cr3t-t0ken", .location = TokenLocation::kUrl}),
       .max_response_bytes = 1000}));
  Context context = no_host();
  auto sent = client.send(context, {.url = server.url("/x?page=2")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message.find("s3cr3t"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sent.error().message.rfind("GET " + server.url("/x?page=2") + ": ", 0), 0u)
      << sent.error().message;
}

std::atomic<int> g_cancel_after{0};
int32_t cancel_when_counted_down(sluice_call*) { return g_cancel_after.fetch_sub(1) <= 0 ? 1 : 0; }

TEST(Client, StopsRetryingWhenCancelled) {
  ScriptedServer& server = fresh_server();
  for (int i = 0; i < 3; ++i) server.script({.status = 503});
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.is_cancelled = &cancel_when_counted_down;
  g_cancel_after = 1;  // the check before the first attempt passes, the next one cancels
  Context context(&host, nullptr);
  Client client(ClientOptions{.initial_backoff = 1s});
  auto sent = client.send(context, {.url = server.url("/x")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kCancelled);
  EXPECT_EQ(server.received().size(), 1u);
}

std::vector<std::string> g_log;
void capture_log(sluice_call*, int32_t, sluice_str message) {
  g_log.emplace_back(message.ptr, message.len);
}

// A context whose log lines land in g_log (cleared).
sluice_host_api logging_host() {
  g_log.clear();
  sluice_host_api host{};
  host.struct_size = sizeof host;
  host.log = &capture_log;
  return host;
}

TEST(ClientRetries, EachRetryIsLoggedWithItsNumberWaitReasonAndRequest) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 503});
  server.script({.status = 502});
  server.script({.status = 200, .body = "[]"});
  sluice_host_api host = logging_host();
  Context context(&host, nullptr);
  Client client(fast_options());
  auto sent = client.send(context, {.url = server.url("/x?token=1")});
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(g_log.size(), 2u);
  // The URL as messages show it: a secret-looking query parameter masked.
  const std::string url = server.url("/x?token=******");
  // initial_backoff 1 ms, then 2 ms, each drawn between half of it and all of it.
  EXPECT_THAT(g_log[0], ::testing::MatchesRegex("retry 1/2 in [01] ms: HTTP 503 Service "
                                                "Unavailable from GET .*/x\\?token=\\*{6}"));
  EXPECT_THAT(g_log[1], ::testing::MatchesRegex("retry 2/2 in [12] ms: HTTP 502 Bad Gateway "
                                                "from GET .*/x\\?token=\\*{6}"));
  EXPECT_NE(g_log[1].find(url), std::string::npos) << g_log[1];
}

TEST(ClientRetries, ConnectionFailuresAreLoggedAndTheLastErrorNamesTheAttempts) {
  Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(closed.address().port()) + "/gone";
  closed.close();
  sluice_host_api host = logging_host();
  Context context(&host, nullptr);
  Client client(fast_options({.max_attempts = 2}));
  auto sent = client.send(context, {.url = url});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kTransient);
  EXPECT_THAT(sent.error().message,
              ::testing::MatchesRegex("GET " + url +
                                      ": .*Connection refused.* \\(2 attempts\\); "
                                      "check that the server is reachable, then retry"));
  ASSERT_EQ(g_log.size(), 1u);
  EXPECT_THAT(g_log[0], ::testing::MatchesRegex("retry 1/1 in [01] ms: .*Connection refused.* "
                                                "from GET " +
                                                url));
}

TEST(ClientRetries, TheRetryHeaderTheConnectionNamesIsReadInSecondsAndAsAnHttpDate) {
  ScriptedServer& server = fresh_server();
  const std::string in_an_hour = Poco::DateTimeFormatter::format(
      Poco::Timestamp() + Poco::Timespan(3600, 0), Poco::DateTimeFormat::HTTP_FORMAT);
  // Retry-After says 0 s: read, the waits would be 0 ms; X-Wait's are capped at 20 ms.
  server.script({.status = 429, .headers = {{"Retry-After", "0"}, {"X-Wait", "7"}}});
  server.script({.status = 503, .headers = {{"Retry-After", "0"}, {"X-Wait", in_an_hour}}});
  server.script({.status = 200, .body = "{}"});
  sluice_host_api host = logging_host();
  Context context(&host, nullptr);
  ClientOptions options = fast_options();
  options.retry_header = "X-Wait";
  Client client(std::move(options));
  auto sent = client.send(context, {.url = server.url("/x")});
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(g_log.size(), 2u);
  EXPECT_EQ(g_log[0], "retry 1/2 in 20 ms: rate limited, HTTP 429 Too Many Requests from GET " +
                          server.url("/x"));
  EXPECT_EQ(g_log[1],
            "retry 2/2 in 20 ms: HTTP 503 Service Unavailable from GET " + server.url("/x"));
}

TEST(ClientRetries, ARateLimitBodyOnA200IsRetriedAndSucceedsWhenTheLimitLifts) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 200, .body = R"({"error":{"code":"rate_limited"}})"});
  server.script({.status = 200, .body = R"({"orders":[]})"});
  sluice_host_api host = logging_host();
  Context context(&host, nullptr);
  ClientOptions options = fast_options();
  options.rate_limit = {.path = "error.code", .values = {"slow_down", "rate_limited"}};
  Client client(std::move(options));
  auto sent = client.send(context, {.url = server.url("/x")});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->body, R"({"orders":[]})");
  EXPECT_EQ(sent->attempts, 2);
  ASSERT_EQ(g_log.size(), 1u);
  EXPECT_THAT(g_log[0], ::testing::MatchesRegex(
                            "retry 1/2 in [01] ms: rate limited, HTTP 200 whose error.code is "
                            "'rate_limited' \\(http.rateLimit.failPath\\) from GET .*/x"));
}

TEST(ClientRetries, ARateLimitBodyAfterTheLastAttemptIsAnErrorNamingAttemptsAndReason) {
  ScriptedServer& server = fresh_server();
  for (int i = 0; i < 3; ++i) {
    server.script({.status = 200,
                   .body = R"({"error":{"code":"rate_limited"}})",
                   .headers = {{"Retry-After", "9"}}});
  }
  Context context = no_host();
  ClientOptions options = fast_options();
  options.rate_limit = {.path = "error.code", .values = {"rate_limited"}};
  Client client(std::move(options));
  auto sent = client.execute(context, {.url = server.url("/x")});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().status, Status::kRateLimited);
  EXPECT_EQ(sent.error().retry_after_ms, 9000u);
  EXPECT_EQ(
      sent.error().message,
      "GET " + server.url("/x") +
          ": rate limited (HTTP 200 whose error.code is 'rate_limited' "
          "(http.rateLimit.failPath)) after 3 attempts: {\"error\":{\"code\":\"rate_limited\"}}"
          " — the API is limiting the request rate; lower http.concurrencyLevel, set "
          "http.rateLimit.limit, or retry later");
  EXPECT_EQ(server.received().size(), 3u);
}

TEST(ClientRetries, ANonStandardRateLimitStatusIsRetriedLikeA429) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 420, .body = "enhance your calm"});
  server.script({.status = 201, .body = "{}"});
  Context context = no_host();
  ClientOptions options = fast_options();
  options.rate_limit.status_code = 420;
  Client client(std::move(options));
  auto sent = client.send(context, {.url = server.url("/x")});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, 201);
  EXPECT_EQ(server.received().size(), 2u);
}

TEST(ClientRetries, AClientErrorIsNotARateLimitUnlessTheRuleNamesIt) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 420, .body = "enhance your calm"});
  Context context = no_host();
  Client client(fast_options());
  auto sent = client.execute(context, {.url = server.url("/x")});
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(sent->status, 420);
  EXPECT_EQ(server.received().size(), 1u);
}

TEST(ClientRetries, BackoffWaitsAreJitteredBetweenHalfAndAllOfTheBackoff) {
  ScriptedServer& server = fresh_server();
  constexpr int kRetries = 40;
  for (int i = 0; i < kRetries; ++i) server.script({.status = 503});
  server.script({.status = 200});
  sluice_host_api host = logging_host();
  Context context(&host, nullptr);
  // 20 ms each time: max_backoff caps the doubling at once.
  Client client(
      ClientOptions{.max_attempts = kRetries + 1, .initial_backoff = 20ms, .max_backoff = 20ms});
  ASSERT_TRUE(client.send(context, {.url = server.url("/x")}));
  ASSERT_EQ(g_log.size(), static_cast<size_t>(kRetries));
  std::set<int> waits;
  for (const std::string& line : g_log) {
    const size_t at = line.find(" in ") + 4;
    waits.insert(std::stoi(line.substr(at)));
  }
  EXPECT_GE(*waits.begin(), 10);
  EXPECT_LE(*waits.rbegin(), 20);
  EXPECT_GT(waits.size(), 1u) << "every wait was the same: no jitter";
}

TEST(ClientGate, EveryAttemptHoldsASlotOfTheGateAndGivesItBackAfterwards) {
  ScriptedServer& server = fresh_server();
  server.script({.status = 503});
  server.script({.status = 200});
  auto gate = std::make_shared<RequestGate>(GateOptions{.concurrency = 1});
  ClientOptions options = fast_options();
  options.gate = gate;
  Client client(std::move(options));
  Context context = no_host();
  ASSERT_TRUE(client.send(context, {.url = server.url("/x")}));
  EXPECT_EQ(gate->max_in_flight(), 1);
  EXPECT_EQ(gate->in_flight(), 0);
}

}  // namespace
}  // namespace sluice::support::http
