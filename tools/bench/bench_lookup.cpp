// The lookup benchmark (issue 9, "Performance"): a flow run by the real runtime and HTTP plugin
// against the mock API on loopback,
//   HTTP export of N orders in pages of 1000
//   -> HTTP lookup of each order's customer (GET /api/customers/{{record.customer.id}}), its
//      name response-mapped into the record
//   -> HTTP import in batches of 100 (the sink only counts),
// and, in the same process and run, plain keep-alive GETs of the same customer URLs in the same
// order from one Poco HTTPClientSession (one connection, the body read whole) - measured beside
// the flows, in five rounds, the median round reported. Lookups/s is N / (the flow's time - the
// time of the same flow without the lookup, run just before it), printed beside the GETs/s and
// their ratio (target 0.7), with the whole flow's records/s and its ratio too. Checks that both
// jobs succeeded for every order and that the mock received exactly N customer lookups.
//
// usage: sluice-bench-lookup [N]   (default 20000)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
using sluice::host::ResourceKind;

constexpr int kPageSize = 1000;
constexpr int kBatchSize = 100;
constexpr int kRounds = 5;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// GET `path` on `session`; the body, or throws unless the status is 200.
std::string get(Poco::Net::HTTPClientSession& session, const std::string& path,
                const std::string& token) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", "Bearer " + token);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
    throw std::runtime_error(fmt::format("GET {} answered {}: {}", path,
                                         static_cast<int>(response.getStatus()),
                                         body.substr(0, 300)));
  }
  return body;
}

// The customer id of each of the mock's orders 1..records, in order.
std::vector<std::string> customer_ids(const sluice::testing::MockApiServer& api, long records) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api.port()));
  std::vector<std::string> ids;
  for (long page = 1; (page - 1) * kPageSize < records; ++page) {
    const json::value doc = json::parse(
        get(session, fmt::format("/api/orders?page={}&pageSize={}", page, kPageSize), api.token()));
    for (const json::value& order : doc.at("orders").as_array()) {
      ids.emplace_back(order.at("customer").at("id").as_string());
    }
  }
  return ids;
}

// Seconds for one plain keep-alive GET of /api/customers/ID per id, on one connection.
double plain_gets(const sluice::testing::MockApiServer& api, const std::vector<std::string>& ids) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api.port()));
  session.setKeepAlive(true);
  size_t bytes = 0;
  const auto start = Clock::now();
  for (const std::string& id : ids)
    bytes += get(session, "/api/customers/" + id, api.token()).size();
  const double seconds = seconds_since(start);
  if (bytes == 0) throw std::runtime_error("the plain GETs received nothing");
  return seconds;
}

class Bench {
 public:
  bool setup(const sluice::testing::MockApiServer& api, const fs::path& home) {
    fs::remove_all(home);
    auto store = sluice::host::open_sqlite_store(home.string());
    if (!store) {
      std::cerr << store.error().message << '\n';
      return false;
    }
    store_ = std::move(*store);
    registry_ = std::make_unique<sluice::host::PluginRegistry>();
    auto plugin = sluice::host::load_plugin(HTTP_PLUGIN_FILE, std::nullopt);
    if (!plugin || !registry_->add(std::move(*plugin))) {
      std::cerr << "cannot load the HTTP plugin " << HTTP_PLUGIN_FILE << '\n';
      return false;
    }
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
    put(ResourceKind::kExport,
        R"({"_id":"customer","adaptorType":"HTTPExport","_connectionId":"api","isLookup":true,
      "http":{"relativeURI":"/api/customers/{{record.customer.id}}"}})");
    put(ResourceKind::kImport,
        fmt::format(R"({{"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{{"method":"POST","relativeURI":"/api/sink","batchSize":{}}}}})",
                    kBatchSize));
    put(ResourceKind::kFlow, R"({"_id":"bench","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[
        {"type":"export","_exportId":"customer","responseMapping":{"fields":[
          {"extract":"data[0].name","generate":"customerName"}]}},
        {"type":"import","_importId":"sink"}]})");
    put(ResourceKind::kFlow, R"({"_id":"without","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");
    return ok_;
  }

  // Runs `flow`; false (with a message) unless it completed with every record a success.
  bool run(const std::string& flow, long records) {
    auto job = sluice::runtime::run_flow(*store_, *registry_, flow, {});
    if (!job || job->status != "completed") {
      std::cerr << "the lookup flow did not complete: "
                << (job ? job->status + " " + job->message : job.error().message) << '\n';
      return false;
    }
    if (job->num_export != records || job->num_success != records) {
      std::cerr << fmt::format("the lookup flow exported {} and succeeded {} records, not {}\n",
                               job->num_export, job->num_success, records);
      return false;
    }
    return true;
  }

 private:
  void put(ResourceKind kind, const std::string& text, std::vector<std::string> secrets = {}) {
    json::object doc = json::parse(text).as_object();
    const std::string id(doc.at("_id").as_string());
    if (!store_->put_resources({{kind, id, std::move(doc), std::move(secrets)}})) ok_ = false;
  }

  bool ok_ = true;
  std::unique_ptr<sluice::host::Store> store_;
  std::unique_ptr<sluice::host::PluginRegistry> registry_;
};

int run(long records) {
  sluice::testing::MockApiServer api(
      {.orders = static_cast<int>(records), .sink_count_only = true});
  const std::vector<std::string> ids = customer_ids(api, records);
  const fs::path home =
      fs::temp_directory_path() / fmt::format("sluice-bench-lookup-{}", ::getpid());
  Bench bench;
  if (!bench.setup(api, home)) return 1;
  // Page paging ends on an empty page: one request more than the pages holding orders.
  const long pages = (records + kPageSize - 1) / kPageSize + 1;
  const long batches = (records + kBatchSize - 1) / kBatchSize;

  // kRounds rounds, each measuring the plain GETs, the flow without the lookup and the flow with
  // it back to back; on a shared machine the load changes between rounds, so each round's ratio
  // compares measures taken close together, and the median round is reported.
  struct Round {
    double plain, without, flow;
    double ratio() const { return plain / (flow - without); }
  };
  std::vector<Round> rounds;
  for (int round = 0; round < kRounds; ++round) {
    Round r{};
    r.plain = plain_gets(api, ids);
    auto start = Clock::now();
    if (!bench.run("without", records)) return 1;
    r.without = seconds_since(start);
    api.post("/_mock/reset", "");
    start = Clock::now();
    if (!bench.run("bench", records)) return 1;
    r.flow = seconds_since(start);
    // Every /api/ request since the reset: the export's pages, the lookups, the import's batches.
    const long requests = api.get_json("/_mock/requests").at("count").to_number<long>();
    if (requests != pages + records + batches) {
      std::cerr << fmt::format(
          "the mock received {} requests, not {} pages + {} lookups + {} "
          "batches\n",
          requests, pages, records, batches);
      return 1;
    }
    rounds.push_back(r);
  }
  fs::remove_all(home);

  std::sort(rounds.begin(), rounds.end(),
            [](const Round& a, const Round& b) { return a.ratio() < b.ratio(); });
  const Round& median = rounds[rounds.size() / 2];
  const double n = static_cast<double>(records);
  std::printf(
      "%ld orders, median of %d rounds  lookups %8.0f/s (flow %.2f s - the same flow without the "
      "lookup %.2f s)  |  plain keep-alive GET %8.0f/s (%.2f s)  |  %.2fx (target 0.70x; rounds "
      "%.2fx to %.2fx)  |  whole flow %.0f records/s, %.2fx\n",
      records, kRounds, n / (median.flow - median.without), median.flow, median.without,
      n / median.plain, median.plain, median.ratio(), rounds.front().ratio(), rounds.back().ratio(),
      n / median.flow, median.plain / median.flow);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long records = 20000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout
          << "usage: sluice-bench-lookup [N]   (default 20000)\n"
             "Runs a flow against the mock API on loopback: HTTP export of N orders in pages of\n"
             "1000 -> an HTTP lookup of each order's customer (GET /api/customers/ID, its name\n"
             "response-mapped into the record) -> HTTP import in batches of 100. Prints the\n"
             "lookups/s (N / (its time - the same flow's without the lookup)) beside plain\n"
             "keep-alive GETs of the same URLs from one Poco HTTPClientSession in the same\n"
             "process, and their ratio (target 0.7): the median of 5 rounds. Checks that\n"
             "every record succeeded and that the mock got N lookups. Exit status 1 when a\n"
             "check fails.\n";
      return 0;
    }
    char* end = nullptr;
    const long n = std::strtol(arg.c_str(), &end, 10);
    if (end == arg.c_str() || *end != '\0' || n < 1 || n > 10'000'000 || i > 1) {
      std::cerr << "sluice-bench-lookup: " << arg
                << " is not a record count (1 to 10000000); see --help\n";
      return 2;
    }
    records = n;
  }
  // An exception must not skip the destructors: they stop the mock server.
  try {
    return run(records);
  } catch (const std::exception& e) {
    std::cerr << "sluice-bench-lookup: " << e.what() << '\n';
    return 1;
  }
}
