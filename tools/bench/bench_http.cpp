// The HTTP connector benchmark (issue 10, "Performance"), flows run by the real runtime and HTTP
// plugin in this process, each measured beside one curl process doing the same requests over one
// kept-alive connection (a --config file listing every request), in the same run:
//  (a) export: N pages of the mock API's orders with linkheader paging
//      (/api/paging/linkheader?kind=orders), pages/s; curl GETs the same page URLs.
//  (b) import: R orders exported from the mock in pages of 1000 and imported in batches of 100
//      into a Python standard-library sink (tools/bench/python_sink.py: ThreadingHTTPServer,
//      headers and body in two writes, so each kept-alive request waits out a delayed ACK),
//      with http.concurrencyLevel 1 and 8; records/s; curl POSTs bodies of the same 100 orders.
// Prints a table: form, sluice rate, curl rate, ratio, target (0.8x for the export and for
// concurrency 1, 3x for concurrency 8). Checks that every job completed with every record a
// success and that the sink received every batch.
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <fmt/format.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"
#include "store/store.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using sluice::host::ResourceKind;

constexpr int kExportPageSize = 100;
constexpr int kImportPageSize = 1000;
constexpr int kBatchSize = 100;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// GET or POST `path` on `session`; the body, or throws unless the status is 200.
std::string request(Poco::Net::HTTPClientSession& session, const std::string& method,
                    const std::string& path, const std::string& token = "") {
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) req.set("Authorization", "Bearer " + token);
  if (method == "POST") req.setContentLength(0);
  session.sendRequest(req);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
    throw std::runtime_error(fmt::format("{} {} answered {}: {}", method, path,
                                         static_cast<int>(response.getStatus()),
                                         body.substr(0, 300)));
  }
  return body;
}

// Runs curl once with `config` (every request of the measure); its seconds.
double run_curl(const fs::path& config) {
  const auto start = Clock::now();
  Poco::ProcessHandle curl =
      Poco::Process::launch("curl", {"--silent", "--show-error", "--fail", "--config", config});
  const int rc = curl.wait();
  const double seconds = seconds_since(start);
  if (rc != 0)
    throw std::runtime_error(fmt::format("curl --config {} exited {}", config.string(), rc));
  return seconds;
}

// The Python sink, started on a free loopback port and killed when this goes away.
class PythonSink {
 public:
  explicit PythonSink(const std::string& script)
      : out_(), handle_(Poco::Process::launch("python3", {script}, nullptr, &out_, nullptr)) {
    Poco::PipeInputStream in(out_);
    std::string line;
    if (!std::getline(in, line) || line.empty()) {
      throw std::runtime_error("the Python sink " + script + " printed no port");
    }
    port_ = std::stoi(line);
  }
  ~PythonSink() {
    try {
      Poco::Process::kill(handle_);
      handle_.wait();
    } catch (...) {
    }
  }
  std::string base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  json::value counts() const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    return json::parse(request(session, "GET", "/_count"));
  }
  void reset() const {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    request(session, "POST", "/_reset");
  }

 private:
  Poco::Pipe out_;
  Poco::ProcessHandle handle_;
  int port_ = 0;
};

class Flows {
 public:
  Flows(const fs::path& home, bool keep_debug) : keep_debug_(keep_debug) {
    fs::remove_all(home);
    auto store = sluice::host::open_sqlite_store(home.string());
    if (!store) throw std::runtime_error(store.error().message);
    store_ = std::move(*store);
    auto plugin = sluice::host::load_plugin(HTTP_PLUGIN_FILE, std::nullopt);
    if (!plugin || !registry_.add(std::move(*plugin))) {
      throw std::runtime_error(std::string("cannot load the HTTP plugin ") + HTTP_PLUGIN_FILE);
    }
  }
  void put(ResourceKind kind, const std::string& text, std::vector<std::string> secrets = {}) {
    json::object doc = json::parse(text).as_object();
    const std::string id(doc.at("_id").as_string());
    if (!store_->put_resources({{kind, id, std::move(doc), std::move(secrets)}})) {
      throw std::runtime_error("cannot store " + id);
    }
  }
  // Runs `flow`; its seconds. Throws unless it completed with `records` successes (or, with
  // `expect_success` false, `records` exported).
  double run(const std::string& flow, long records, bool expect_success) {
    const auto start = Clock::now();
    sluice::runtime::RunOptions options;
    options.keep_debug = keep_debug_;
    auto job = sluice::runtime::run_flow(*store_, registry_, flow, options);
    const double seconds = seconds_since(start);
    if (!job || job->status != "completed") {
      throw std::runtime_error("flow " + flow + " did not complete: " +
                               (job ? job->status + " " + job->message : job.error().message));
    }
    if (job->num_export != records || (expect_success && job->num_success != records)) {
      throw std::runtime_error(fmt::format("flow {} exported {} and succeeded {} records, not {}",
                                           flow, job->num_export, job->num_success, records));
    }
    return seconds;
  }

 private:
  bool keep_debug_;
  std::unique_ptr<sluice::host::Store> store_;
  sluice::host::PluginRegistry registry_;
};

struct Row {
  std::string form;
  double sluice_rate, curl_rate, target;
  std::string unit;
};

// (a) The export of `pages` full pages of orders with linkheader paging (GitHub's Link
// rel="next"; the last page has none, so exactly `pages` requests); curl GETs the same URLs.
Row export_row(Flows& flows, const sluice::testing::MockApiServer& api, const fs::path& dir,
               long pages, long rounds) {
  const long total = pages * kExportPageSize;
  flows.put(ResourceKind::kExport,
            fmt::format(R"({{"_id":"pages","adaptorType":"HTTPExport","_connectionId":"api",
      "pageSize":{0},"http":{{
      "relativeURI":"/api/paging/linkheader?per_page={0}&page=1&total={1}&kind=orders",
      "paging":{{"method":"linkheader"}}}}}})",
                        kExportPageSize, total));
  flows.put(ResourceKind::kFlow, R"({"_id":"export","pageGenerators":[{"_exportId":"pages"}]})");
  const long requests = pages;
  const fs::path config = dir / "export.curl";
  {
    std::ofstream out(config);
    for (long page = 1; page <= requests; ++page) {
      if (page > 1) out << "next\n";
      out << fmt::format(
                 "url = \"{}/api/paging/linkheader?per_page={}&page={}&total={}&kind=orders\"\n",
                 api.base_url(), kExportPageSize, page, total)
          << fmt::format("header = \"Authorization: Bearer {}\"\n", api.token())
          << "output = \"/dev/null\"\n";
    }
  }
  // Rounds alternate curl and sluice, so that both see the same machine; each side's median.
  std::vector<double> curl_times, sluice_times;
  for (long round = 0; round < rounds; ++round) {
    curl_times.push_back(run_curl(config));
    api.post("/_mock/reset", "");
    sluice_times.push_back(flows.run("export", total, false));
    const long seen = api.get_json("/_mock/requests").at("count").to_number<long>();
    if (seen != requests) {
      throw std::runtime_error(fmt::format("the export made {} requests, not {}", seen, requests));
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  return {fmt::format("export, linkheader paging, {} pages of {} (median of {})", requests,
                      kExportPageSize, rounds),
          static_cast<double>(requests) / median(sluice_times),
          static_cast<double>(requests) / median(curl_times), 0.8, "pages/s"};
}

// The bodies of the batches: `records` orders of the mock, kBatchSize per JSON array.
std::vector<fs::path> write_bodies(const sluice::testing::MockApiServer& api, const fs::path& dir,
                                   long records) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api.port()));
  session.setKeepAlive(true);
  std::vector<fs::path> files;
  json::array batch;
  for (long page = 1; (page - 1) * kImportPageSize < records; ++page) {
    json::value doc = json::parse(request(
        session, "GET", fmt::format("/api/orders?page={}&pageSize={}", page, kImportPageSize),
        api.token()));
    for (json::value& order : doc.at("orders").as_array()) {
      batch.push_back(std::move(order));
      if (batch.size() == kBatchSize) {
        files.push_back(dir / fmt::format("body-{:06}.json", files.size()));
        std::ofstream(files.back()) << json::serialize(batch);
        batch.clear();
      }
    }
  }
  if (!batch.empty()) {
    files.push_back(dir / fmt::format("body-{:06}.json", files.size()));
    std::ofstream(files.back()) << json::serialize(batch);
  }
  return files;
}

// (b) The import of `records` orders into the Python sink at concurrencyLevel 1 and 8.
std::vector<Row> import_rows(Flows& flows, const sluice::testing::MockApiServer& api,
                             const PythonSink& sink, const fs::path& dir, long records) {
  const std::vector<fs::path> bodies = write_bodies(api, dir, records);
  const fs::path config = dir / "import.curl";
  {
    std::ofstream out(config);
    for (size_t i = 0; i < bodies.size(); ++i) {
      if (i > 0) out << "next\n";
      out << fmt::format("url = \"{}/sink\"\n", sink.base_url())
          << "header = \"Content-Type: application/json\"\n"
          << fmt::format("data-binary = \"@{}\"\n", bodies[i].string())
          << "output = \"/dev/null\"\n";
    }
  }
  flows.put(ResourceKind::kExport,
            fmt::format(R"({{"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
      "pageSize":{0},"http":{{"relativeURI":"/api/orders?pageSize={0}",
      "response":{{"resourcePath":"orders"}},"paging":{{"method":"page","page":1}}}}}})",
                        kImportPageSize));
  std::vector<Row> rows;
  const double curl = run_curl(config);
  for (int level : {1, 8}) {
    flows.put(ResourceKind::kConnection,
              fmt::format(R"({{"_id":"py{}","type":"http","http":{{"baseURI":"{}",
        "mediaType":"json","concurrencyLevel":{}}}}})",
                          level, sink.base_url(), level));
    flows.put(ResourceKind::kImport,
              fmt::format(R"({{"_id":"sink{0}","adaptorType":"HTTPImport","_connectionId":"py{0}",
        "http":{{"method":"POST","relativeURI":"/sink","batchSize":{1}}}}})",
                          level, kBatchSize));
    flows.put(ResourceKind::kFlow,
              fmt::format(R"({{"_id":"import{0}","pageGenerators":[{{"_exportId":"orders"}}],
        "pageProcessors":[{{"type":"import","_importId":"sink{0}"}}]}})",
                          level));
    sink.reset();
    const double sluice = flows.run(fmt::format("import{}", level), records, true);
    const long received = sink.counts().at("requests").to_number<long>();
    if (received != static_cast<long>(bodies.size())) {
      throw std::runtime_error(
          fmt::format("the sink received {} batches, not {}", received, bodies.size()));
    }
    rows.push_back({fmt::format("import to Python sink, {} records, batches of {}, "
                                "concurrencyLevel {}",
                                records, kBatchSize, level),
                    records / sluice, records / curl, level == 1 ? 0.8 : 3.0, "records/s"});
  }
  return rows;
}

// The connection "api" to `api`.
void put_api(Flows& flows, const sluice::testing::MockApiServer& api) {
  flows.put(ResourceKind::kConnection,
            fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}",
        "auth":{{"type":"token","token":{{"token":"{}"}}}}}}}})",
                        api.base_url(), api.token()),
            {"http.auth.token.token"});
}

int run(long pages, long records, long rounds, const std::string& sink_script, bool keep_debug) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("sluice-bench-http-{}", ::getpid());
  fs::create_directories(dir);
  std::vector<Row> rows;
  {
    Flows flows(dir / "home", keep_debug);
    if (pages > 0) {
      // Exactly `pages` full pages of orders (one mock per part: each exports all it holds).
      sluice::testing::MockApiServer api({.orders = static_cast<int>(pages * kExportPageSize)});
      put_api(flows, api);
      rows.push_back(export_row(flows, api, dir, pages, rounds));
    }
    if (records > 0) {
      sluice::testing::MockApiServer api({.orders = static_cast<int>(records)});
      put_api(flows, api);
      PythonSink sink(sink_script);
      for (Row& row : import_rows(flows, api, sink, dir, records)) rows.push_back(row);
    }
  }
  fs::remove_all(dir);
  std::printf("%-72s %14s %14s %7s %7s\n", "form", "sluice", "curl", "ratio", "target");
  for (const Row& row : rows) {
    const double ratio = row.sluice_rate / row.curl_rate;
    std::printf("%-72s %8.0f %-5s %8.0f %-5s %6.2fx %6.1fx %s\n", row.form.c_str(), row.sluice_rate,
                row.unit == "pages/s" ? "p/s" : "r/s", row.curl_rate,
                row.unit == "pages/s" ? "p/s" : "r/s", ratio, row.target,
                ratio >= row.target ? "ok" : "BELOW TARGET");
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long pages = 1000;
  long records = 100'000;
  long rounds = 5;
  std::string sink = PYTHON_SINK;
  bool keep_debug = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout
          << "usage: sluice-bench-http [--pages N] [--records R] [--rounds K] [--sink PATH]\n"
             "                         [--debug]\n"
             "Runs flows with the HTTP plugin in this process, each beside one curl process\n"
             "doing the same requests over one kept-alive connection (a --config file), same run:\n"
             "  export: N pages (default 1000) of 100 of the mock API's orders, linkheader\n"
             "          paging (the Link rel=\"next\" of each page): pages/s, target 0.8x curl;\n"
             "          K rounds (default 5) alternating curl and sluice, each side's median;\n"
             "  import: R orders (default 100000, exported in pages of 1000) in batches of 100\n"
             "          into the Python standard-library sink PATH (default tools/bench/\n"
             "          python_sink.py: headers and body in two writes) with\n"
             "          http.concurrencyLevel 1 (target 0.8x curl) and 8 (target 3x): records/s.\n"
             "--debug keeps the plugin's debug lines in the jobs' logs (sluice flow run --debug).\n"
             "--pages 0 or --records 0 skips that part. Needs curl and python3 on PATH. Exit\n"
             "status 1 when a flow fails or a count is wrong.\n";
      return 0;
    }
    const auto number = [&](long& target) {
      if (i + 1 >= argc) return false;
      char* end = nullptr;
      target = std::strtol(argv[++i], &end, 10);
      return *end == '\0' && target >= 0 && target <= 10'000'000;
    };
    if ((arg == "--pages" && number(pages)) || (arg == "--records" && number(records)) ||
        (arg == "--rounds" && number(rounds) && rounds >= 1 && rounds <= 100)) {
      continue;
    }
    if (arg == "--debug") {
      keep_debug = true;
      continue;
    }
    if (arg == "--sink" && i + 1 < argc) {
      sink = argv[++i];
      continue;
    }
    std::cerr << "sluice-bench-http: unknown or invalid argument '" << arg
              << "'; see sluice-bench-http --help\n";
    return 2;
  }
  try {
    return run(pages, records, rounds, sink, keep_debug);
  } catch (const std::exception& e) {
    std::cerr << "sluice-bench-http: " << e.what() << '\n';
    return 1;
  }
}
