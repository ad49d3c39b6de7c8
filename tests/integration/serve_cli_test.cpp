// `sluice serve` as a real process on loopback: /healthz, 404s, the loopback-only default, the
// structured log, and the SIGTERM drain of a real flow run against the mock API.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

Reply get(int port, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  reply.content_type = response.getContentType();
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

Reply send(int port, const std::string& method, const std::string& path, const std::string& body,
           const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = static_cast<int>(response.getStatus());
  reply.content_type = response.getContentType();
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

// A running `sluice serve --listen 127.0.0.1:0 --port-file ...` with its stderr (the log)
// collected line by line. The destructor kills it if it still runs.
// Parses Prometheus text with Debian's python3-prometheus-client (an independent parser):
// {"family name": {"type": T, "samples": [[sample name, {labels}, value], ...]}}. Throws
// std::runtime_error with the parser's message when the text does not parse.
json::object parse_prometheus(const fs::path& dir, const std::string& text) {
  const fs::path file = dir / "metrics.txt";
  std::ofstream(file) << text;
  const std::string script =
      "import json, sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "out = {}\n"
      "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "    out[f.name] = {'type': f.type, 'samples': [[s.name, s.labels, s.value] for s in "
      "f.samples]}\n"
      "print(json.dumps(out))\n";
  Poco::Pipe out_pipe, err_pipe;
  Poco::ProcessHandle python = Poco::Process::launch(
      "/usr/bin/python3", {"-c", script, file.string()}, nullptr, &out_pipe, &err_pipe);
  std::string out, err;
  std::thread err_reader([&] {
    Poco::PipeInputStream stream(err_pipe);
    Poco::StreamCopier::copyToString(stream, err);
  });
  Poco::PipeInputStream stream(out_pipe);
  Poco::StreamCopier::copyToString(stream, out);
  err_reader.join();
  if (python.wait() != 0) throw std::runtime_error("prometheus_client refused /metrics: " + err);
  return json::parse(out).as_object();
}

// The value of the sample `name` with exactly `labels` in `families`, or -1 when none.
double sample(const json::object& families, const std::string& family, const std::string& name,
              const json::object& labels) {
  const json::value* f = families.if_contains(family);
  if (f == nullptr) return -1;
  for (const auto& s : f->at("samples").as_array()) {
    if (s.at(0) == name.c_str() && s.at(1).as_object() == labels)
      return s.at(2).to_number<double>();
  }
  return -1;
}

class ServeProcess {
 public:
  ServeProcess(const fs::path& home, std::vector<std::string> extra) {
    port_file_ = (home / "serve.port").string();
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--port-file", port_file_};
    args.insert(args.end(), extra.begin(), extra.end());
    Poco::Process::Env env;
    env["SLUICE_HOME"] = home.string();
    handle_.emplace(Poco::Process::launch(SLUICE_BINARY, args, home.string(), nullptr, nullptr,
                                          &err_pipe_, env));
    reader_ = std::thread([this] {
      Poco::PipeInputStream err(err_pipe_);
      for (std::string line; std::getline(err, line);) {
        std::lock_guard lock(mutex_);
        lines_.push_back(line);
        changed_.notify_all();
      }
      std::lock_guard lock(mutex_);
      closed_ = true;
      changed_.notify_all();
    });
  }
  ~ServeProcess() {
    if (!exit_code_) {
      ::kill(handle_->id(), SIGKILL);
      handle_->wait();
    }
    reader_.join();
  }

  // Waits up to 20 s for a log line containing `needle`; true when one came.
  bool wait_for_line(const std::string& needle) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(20), [&] {
      for (const auto& line : lines_) {
        if (line.find(needle) != std::string::npos) return true;
      }
      return closed_;
    }) && !closed_for(needle);
  }
  // The port from --port-file, after the "listening" line.
  int port() {
    if (!wait_for_line("listening")) return 0;
    std::ifstream in(port_file_);
    int port = 0;
    in >> port;
    return port;
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  void signal(int sig) { ::kill(handle_->id(), sig); }
  // Waits up to `limit` for the process to exit; its exit status, or nullopt if still running.
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      const pid_t done = ::waitpid(handle_->id(), &status, WNOHANG);
      if (done == handle_->id()) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

 private:
  bool closed_for(const std::string& needle) const {
    for (const auto& line : lines_) {
      if (line.find(needle) != std::string::npos) return false;
    }
    return closed_;
  }

  std::string port_file_;
  Poco::Pipe err_pipe_;
  std::optional<Poco::ProcessHandle> handle_;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool closed_ = false;
  std::optional<int> exit_code_;
};

class Serve : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }
  // A flow "f" reading the mock API's orders 20 a page into its sink.
  void write_flow(const MockApiServer& api) {
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    write("connection.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
        "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api.base_url()));
    write("export.json",
          R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":20,
        "http":{"relativeURI":"/api/orders?pageSize=20","response":{"resourcePath":"orders"},
        "paging":{"method":"page","page":1}}})");
    write("import.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{"method":"POST","relativeURI":"/api/sink","batchSize":20}})");
    write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[{"type":"import","_importId":"sink"}]})");
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }
  // The jobs `sluice get jobs --json` lists (newest first).
  json::array jobs() {
    const CliResult r = cli_->run({"get", "jobs", "--json"});
    if (r.exit_code != 0 || r.out.size() <= 2) return {};
    return json::parse(r.out).as_array();
  }

  TempDir dir_{"sluice-serve"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(Serve, HealthzAnswersOkWithTheVersionAndUnknownPathsAre404) {
  ServeProcess serve(home_, {});
  const int port = serve.port();
  ASSERT_GT(port, 0) << fmt::format("{}", fmt::join(serve.lines(), "\n"));
  const Reply health = get(port, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.content_type, "application/json");
  const json::object body = json::parse(health.body).as_object();
  EXPECT_EQ(body.at("status"), "ok");
  EXPECT_EQ(body.at("version"), SLUICE_VERSION);
  const Reply missing = get(port, "/no/such/path");
  EXPECT_EQ(missing.status, 404);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(30)), 0);
}

TEST_F(Serve, ANonLoopbackAddressIsRefusedUnlessAllowRemoteIsGiven) {
  const CliResult refused = cli_->run({"serve", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err,
              HasSubstr("error: --listen 0.0.0.0:0: 0.0.0.0 is not a loopback address, and the "
                        "server has no TLS of its own; pass --allow-remote"));
  const CliResult malformed = cli_->run({"serve", "--listen", "127.0.0.1"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.err, HasSubstr("error: --listen 127.0.0.1: no port; expected HOST:PORT"));
  const CliResult bad_port = cli_->run({"serve", "--listen", "127.0.0.1:70000"});
  EXPECT_EQ(bad_port.exit_code, 2);
  EXPECT_THAT(bad_port.err, HasSubstr("the port must be a number from 0 to 65535"));
  const CliResult help = cli_->run({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: sluice serve [--listen HOST:PORT] [--allow-remote]"));
}

TEST_F(Serve, LogJsonWritesOneObjectPerLineWithEachRequest) {
  ServeProcess serve(home_, {"--log-json"});
  const int port = serve.port();
  ASSERT_GT(port, 0);
  EXPECT_EQ(get(port, "/healthz").status, 200);
  EXPECT_EQ(get(port, "/nope").status, 404);
  serve.signal(SIGINT);
  ASSERT_EQ(serve.wait_exit(std::chrono::seconds(30)), 0);
  std::vector<json::object> requests;
  std::vector<std::string> messages;
  const std::vector<std::string> lines = serve.lines();
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    json::error_code ec;
    const json::value entry = json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    const json::object& object = entry.as_object();
    EXPECT_EQ(object.size(), 4u) << line;
    EXPECT_TRUE(object.at("ts").as_string().ends_with("Z")) << line;
    EXPECT_TRUE(object.at("fields").is_object()) << line;
    messages.emplace_back(object.at("msg").as_string());
    if (object.at("msg") == "request") requests.push_back(object.at("fields").as_object());
  }
  EXPECT_EQ(messages.front(), "listening");
  EXPECT_THAT(messages, ::testing::Contains("shutting down"));
  EXPECT_EQ(messages.back(), "stopped");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].at("method"), "GET");
  EXPECT_EQ(requests[0].at("path"), "/healthz");
  EXPECT_EQ(requests[0].at("route"), "/healthz");
  EXPECT_EQ(requests[0].at("status"), 200);
  EXPECT_TRUE(requests[0].at("ms").is_number());
  EXPECT_EQ(requests[1].at("path"), "/nope");
  EXPECT_EQ(requests[1].at("route"), "");
  EXPECT_EQ(requests[1].at("status"), 404);
}

TEST_F(Serve, SigtermCancelsTheRunningJobAfterItsPageAndExitsWithinTheBound) {
  MockApiServer api({.orders = 2000000, .sink_count_only = true});
  write_flow(api);
  ServeProcess serve(home_, {"--run-now", "f", "--drain-timeout", "30"});
  ASSERT_GT(serve.port(), 0);
  ASSERT_TRUE(serve.wait_for_line("job started"));
  // Wait (bounded) until the job has processed records, then stop the server.
  bool progressed = false;
  for (int i = 0; i < 400 && !progressed; ++i) {
    const json::array list = jobs();
    progressed = !list.empty() && list.at(0).at("numExport").as_int64() > 0;
    if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(progressed) << "the job never reported progress";
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(40)), 0)
      << fmt::format("{}", fmt::join(serve.lines(), "\n"));
  const json::array after = jobs();
  ASSERT_EQ(after.size(), 1u);
  const json::object& job = after.at(0).as_object();
  EXPECT_EQ(job.at("status"), "canceled");
  EXPECT_THAT(std::string(job.at("message").as_string()),
              HasSubstr("canceled: sluice serve is shutting down (signal received)"));
  EXPECT_LT(job.at("numExport").as_int64(), 2000000);
  EXPECT_EQ(job.at("numExport").as_int64(), job.at("numSuccess").as_int64() +
                                                job.at("numIgnore").as_int64() +
                                                job.at("numError").as_int64());
  const std::vector<std::string> lines = serve.lines();
  std::string ended;
  for (const auto& line : lines) {
    if (line.find("job ended") != std::string::npos) ended = line;
  }
  EXPECT_THAT(ended, HasSubstr("flow=f"));
  EXPECT_THAT(ended, HasSubstr("status=canceled"));
  EXPECT_THAT(lines.back(), HasSubstr("info stopped"));
}

TEST_F(Serve, MetricsParseWithPrometheusClientAndCountTheJobsRecordsPagesAndCalls) {
  MockApiServer api({.orders = 50});
  write_flow(api);
  ServeProcess serve(home_, {"--run-now", "f"});
  const int port = serve.port();
  ASSERT_GT(port, 0);
  ASSERT_TRUE(serve.wait_for_line("job ended"));
  EXPECT_EQ(get(port, "/healthz").status, 200);
  const Reply metrics = get(port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const json::object families = parse_prometheus(home_, metrics.body);
  const json::object flow{{"flow", "f"}};
  EXPECT_EQ(families.at("sluice_jobs").at("type"), "counter");  // the parser drops "_total"
  EXPECT_EQ(sample(families, "sluice_jobs", "sluice_jobs_total",
                   {{"flow", "f"}, {"status", "completed"}}),
            1);
  EXPECT_EQ(sample(families, "sluice_jobs_started", "sluice_jobs_started_total", flow), 1);
  EXPECT_EQ(sample(families, "sluice_jobs_running", "sluice_jobs_running", flow), 0);
  EXPECT_EQ(sample(families, "sluice_records", "sluice_records_total",
                   {{"flow", "f"}, {"outcome", "success"}}),
            50);
  EXPECT_EQ(sample(families, "sluice_pages", "sluice_pages_total", flow), 3);  // 20, 20, 10
  EXPECT_EQ(families.at("sluice_job_duration_seconds").at("type"), "histogram");
  EXPECT_EQ(
      sample(families, "sluice_job_duration_seconds", "sluice_job_duration_seconds_count", flow),
      1);
  // The import step ran once a page.
  EXPECT_EQ(sample(families, "sluice_step_duration_seconds", "sluice_step_duration_seconds_count",
                   {{"flow", "f"}, {"step", "sink"}}),
            3);
  // The HTTP plugin submitted each page in one call (batchSize 20).
  EXPECT_EQ(sample(families, "sluice_plugin_call_duration_seconds",
                   "sluice_plugin_call_duration_seconds_count",
                   {{"plugin", "http"}, {"call", "import_submit"}, {"status", "ok"}}),
            3);
  EXPECT_GE(sample(families, "sluice_plugin_call_duration_seconds",
                   "sluice_plugin_call_duration_seconds_count",
                   {{"plugin", "http"}, {"call", "export_next_page"}, {"status", "ok"}}),
            3);
  EXPECT_EQ(sample(families, "sluice_http_requests", "sluice_http_requests_total",
                   {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}}),
            1);
  EXPECT_EQ(families.at("sluice_scheduler_lag_seconds").at("type"), "gauge");
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(30)), 0);
}

// A webhook listener wired into the server: a verified POST's records go through the flow to the
// mock API's sink; the REST API on the same server wants a token, which `sluice token create`
// prints; the OpenAPI document needs none.
class ServeWebhook : public Serve {
 protected:
  // Listener "hook" (secret URL "t0ken") feeding flow "w" into the mock API's sink.
  void write_webhook_flow(const MockApiServer& api, bool disabled) {
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    write("connection.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
        "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api.base_url()));
    write("hook.json", R"({"_id":"hook","adaptorType":"WebhookExport","pageSize":5,
        "webhook":{"verify":"secret_url","token":"t0ken"}})");
    write("import.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{"method":"POST","relativeURI":"/api/sink","batchSize":1}})");
    write("flow.json",
          fmt::format(R"({{"_id":"w","disabled":{},"pageGenerators":[{{"_exportId":"hook"}}],
        "pageProcessors":[{{"type":"import","_importId":"sink"}}]}})",
                      disabled ? "true" : "false"));
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  // The ids of the records the sink received, waiting up to 20 s for `count` of them.
  std::vector<std::string> sink_ids(const MockApiServer& api, size_t count) {
    std::vector<std::string> ids;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      ids.clear();
      const json::value bodies = api.get_json("/_mock/sink/bodies");
      for (const auto& b : bodies.at("bodies").as_array()) {
        ids.emplace_back(json::parse(b.as_string()).at("id").as_string());
      }
      if (ids.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }
};

TEST_F(ServeWebhook, AVerifiedPostReachesTheSinkAndTheApiWantsAToken) {
  MockApiServer api({.orders = 0});
  ASSERT_NO_FATAL_FAILURE(write_webhook_flow(api, false));
  const CliResult token = cli_->run({"token", "create", "ci"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const std::string secret = token.out.substr(token.out.find("slc_"), 47);
  ServeProcess serve(home_, {});
  const int port = serve.port();
  ASSERT_GT(port, 0) << fmt::format("{}", fmt::join(serve.lines(), "\n"));

  EXPECT_EQ(send(port, "POST", "/webhooks/hook/wrong", R"([{"id":"x"}])").status, 401);
  const Reply accepted =
      send(port, "POST", "/webhooks/hook/t0ken", R"([{"id":"a"},{"id":"b"},{"id":"c"}])");
  EXPECT_EQ(accepted.status / 100, 2) << accepted.body;
  EXPECT_EQ(sink_ids(api, 3), (std::vector<std::string>{"a", "b", "c"}));

  EXPECT_EQ(get(port, "/api/v1/flows").status, 401);
  const Reply flows =
      send(port, "GET", "/api/v1/flows", "", {{"Authorization", "Bearer " + secret}});
  EXPECT_EQ(flows.status, 200) << flows.body;
  EXPECT_THAT(flows.body, HasSubstr(R"("_id":"w")"));
  const Reply openapi = get(port, "/api/v1/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(std::string(json::parse(openapi.body).at("openapi").as_string()).substr(0, 3), "3.1");
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(30)), 0);
}

// Durable before the acknowledgement: records acknowledged while their flow is disabled wait in
// the intake queue; the server is SIGKILLed; after a restart with the flow enabled every one of
// them reaches the sink, once.
TEST_F(ServeWebhook, AcknowledgedRecordsSurviveASigkillAndReachTheSinkOnceAfterTheRestart) {
  MockApiServer api({.orders = 0});
  ASSERT_NO_FATAL_FAILURE(write_webhook_flow(api, true));
  std::vector<std::string> sent;
  {
    ServeProcess serve(home_, {});
    const int port = serve.port();
    ASSERT_GT(port, 0) << fmt::format("{}", fmt::join(serve.lines(), "\n"));
    for (int request = 0; request < 10; ++request) {
      std::string body = "[";
      for (int r = 0; r < 4; ++r) {
        const std::string id = fmt::format("r{:02}-{}", request, r);
        sent.push_back(id);
        body += fmt::format(R"({}{{"id":"{}"}})", r == 0 ? "" : ",", id);
      }
      body += "]";
      const Reply reply = send(port, "POST", "/webhooks/hook/t0ken", body);
      ASSERT_EQ(reply.status / 100, 2) << reply.body;
    }
    serve.signal(SIGKILL);
    EXPECT_EQ(serve.wait_exit(std::chrono::seconds(10)), 128 + SIGKILL);
  }
  EXPECT_TRUE(sink_ids(api, 0).empty());
  ASSERT_NO_FATAL_FAILURE(write_webhook_flow(api, false));
  ServeProcess serve(home_, {});
  ASSERT_GT(serve.port(), 0) << fmt::format("{}", fmt::join(serve.lines(), "\n"));
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ(sink_ids(api, sent.size()), sent);
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(std::chrono::seconds(30)), 0);
}

}  // namespace
}  // namespace sluice::testing
