// The reference benchmark (DESIGN.md §9): an HTTP export of N orders (~400 bytes) in pages of
// 1000 → HTTP import in batches of 1000, both against the mock API on loopback, run by the real
// runtime and HTTP plugin. Prints records/s and peak RSS for each N beside a baseline measured in
// the same process: merely parsing and re-serializing the same pages with Boost.JSON.
//
// usage: sluice-bench [N ...]        (default: 100000 1000000)
// Each N runs in a child process of its own, so that its peak RSS is its own.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
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

constexpr int kPageSize = 1000;

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string fetch(Poco::Net::HTTPClientSession& session, const std::string& path,
                  const std::string& token) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", "Bearer " + token);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  return body;
}

// Parses each page and re-serializes its records, as the cheapest possible "flow" would.
double baseline_records_per_second(const sluice::testing::MockApiServer& api, long records) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api.port()));
  double seconds = 0;
  size_t checksum = 0;
  for (long page = 1; (page - 1) * kPageSize < records; ++page) {
    const std::string body = fetch(
        session, fmt::format("/api/orders?page={}&pageSize={}", page, kPageSize), api.token());
    const auto start = Clock::now();
    json::monotonic_resource arena;
    json::value doc = json::parse(body, &arena);
    checksum += json::serialize(doc.at("orders")).size();
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  if (checksum == 0) std::cerr << "baseline saw no data\n";
  return static_cast<double>(records) / seconds;
}

int run_one(long records) {
  sluice::testing::MockApiServer api(
      {.orders = static_cast<int>(records), .sink_count_only = true});
  const fs::path home = fs::temp_directory_path() / fmt::format("sluice-bench-{}", ::getpid());
  fs::remove_all(home);
  auto store = sluice::host::open_sqlite_store(home.string());
  if (!store) {
    std::cerr << store.error().message << '\n';
    return 1;
  }
  sluice::host::PluginRegistry registry;
  auto plugin = sluice::host::load_plugin(HTTP_PLUGIN_FILE, std::nullopt);
  if (!plugin || !registry.add(std::move(*plugin))) {
    std::cerr << "cannot load the HTTP plugin " << HTTP_PLUGIN_FILE << '\n';
    return 1;
  }
  using sluice::host::ResourceKind;
  auto put = [&](ResourceKind kind, const std::string& text,
                 std::vector<std::string> secrets = {}) {
    json::object doc = json::parse(text).as_object();
    const std::string id(doc.at("_id").as_string());
    if (!(*store)->put_resources({{kind, id, std::move(doc), std::move(secrets)}})) std::abort();
  };
  put(ResourceKind::kConnection,
      fmt::format(
          R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","auth":{{"type":"token","token":{{"token":"{}"}}}}}}}})",
          api.base_url(), api.token()),
      {"http.auth.token.token"});
  put(ResourceKind::kExport,
      fmt::format(
          R"({{"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":{0},
      "http":{{"relativeURI":"/api/orders?pageSize={0}","response":{{"resourcePath":"orders"}},
               "paging":{{"method":"page","page":1}}}}}})",
          kPageSize));
  put(ResourceKind::kImport,
      fmt::format(R"({{"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{{"method":"POST","relativeURI":"/api/sink","batchSize":{}}}}})",
                  kPageSize));
  put(ResourceKind::kFlow, R"({"_id":"bench","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");

  const auto start = Clock::now();
  auto job = sluice::runtime::run_flow(**store, registry, "bench", {});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double rss = peak_rss_mb();
  if (!job || job->status != "completed" || job->num_success != records) {
    std::cerr << "the benchmark flow did not complete: "
              << (job ? job->status + " " + job->message : job.error().message) << '\n';
    return 1;
  }
  const double baseline = baseline_records_per_second(api, records);
  const json::value sink = api.get_json("/_mock/sink");
  fs::remove_all(home);
  std::printf(
      "%-9ld  flow %9.0f records/s (%6.2f s)  peak RSS %7.1f MB  |  baseline Boost.JSON "
      "parse+serialize %9.0f records/s  |  sink got %s records\n",
      records, static_cast<double>(records) / seconds, seconds, rss, baseline,
      json::serialize(sink.at("records")).c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes;
  bool child = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout
          << "usage: sluice-bench [N ...]   (default: 100000 1000000)\n"
             "Runs the reference flow (HTTP export in pages of 1000 -> HTTP import in batches of "
             "1000,\n"
             "against the mock API on loopback) once per N, each in its own process, and prints\n"
             "records/s and peak RSS beside a Boost.JSON parse+serialize baseline.\n";
      return 0;
    }
    if (arg == "--child") {
      child = true;
      continue;
    }
    sizes.push_back(std::stol(arg));
  }
  if (sizes.empty()) sizes = {100000, 1000000};
  if (child) return run_one(sizes.at(0));
  std::printf("records    flow throughput and memory (one process per N)\n");
  std::fflush(stdout);
  std::vector<double> rss;
  for (long n : sizes) {
    // A child process per N, so that each peak RSS is that run's own.
    const std::string command = fmt::format("/proc/{}/exe --child {}", ::getpid(), n);
    FILE* child_out = ::popen(command.c_str(), "r");
    if (child_out == nullptr) return 1;
    char line[1024];
    while (std::fgets(line, sizeof line, child_out) != nullptr) {
      std::fputs(line, stdout);
      if (const char* at = std::strstr(line, "peak RSS")) rss.push_back(std::atof(at + 8));
    }
    if (::pclose(child_out) != 0) return 1;
  }
  if (rss.size() >= 2 && rss.front() > 0) {
    std::printf(
        "peak RSS at %ld records is %.2fx the peak at %ld records (flat memory: at most 1.5x)\n",
        sizes.back(), rss.back() / rss.front(), sizes.front());
  }
  return 0;
}
