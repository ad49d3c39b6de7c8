// The reference benchmark (DESIGN.md §9, issue 8): the job peers are measured on, run by the real
// runtime and HTTP plugin against the mock API on loopback:
//   HTTP export of N orders (~450 bytes) in pages of 1000
//   -> output filter status == "open" (a third)
//   -> transformation to {id, email, total: number(total_price), customer: first + " " + last}
//   -> HTTP import in batches of 100,
// in two forms: (a) "rules": the filter as integrator.io filter rules and the transformation as
// Mapper 2.0 rules; (b) "hook": both done in one preSavePage JavaScript hook (a Script resource).
// integrator.io runs the transformation before the output filter, so in (a) the mapping also
// generates `status` for the filter to read (the records the import gets carry it; the hook's do
// not).
//
// Each (form, N) runs in a child process of its own, so that its peak RSS is its own, and prints
// records/s beside two baselines measured in the same process on the same pages: Boost.JSON
// parse+serialize, and SpiderMonkey's JSON.parse+JSON.stringify. Before the big run each child
// runs the flow over a small mock (2500 orders, every record kept by the sink) and compares every
// record the sink received with what it computes itself from the exported orders; after it, it
// checks that the sink got exactly the ids of the open orders.
//
// usage: sluice-bench [--rules|--hook] [N ...]   (default: both forms, 100000 1000000)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
#include "script/script_engine.hpp"
#include "store/store.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using sluice::host::ResourceKind;

constexpr int kPageSize = 1000;
constexpr int kBatchSize = 100;
constexpr int kCheckOrders = 2500;  // the content check: two full pages and a partial one

enum class Form { kRules, kHook };

const char* name_of(Form form) { return form == Form::kRules ? "rules" : "hook"; }

// (a) integrator.io's order is transform -> filter, so the mapping keeps status for the filter.
constexpr const char* kTransform = R"({"type": "expression", "expression": {"version": "2",
  "rulesTwoDotZero": {"mode": "create", "mappings": [
    {"generate": "id", "dataType": "string", "extract": "$.id"},
    {"generate": "email", "dataType": "string", "extract": "$.email"},
    {"generate": "total", "dataType": "number", "extract": "$.total_price"},
    {"generate": "customer", "dataType": "string",
     "extract": "{{record.first_name}} {{record.last_name}}"},
    {"generate": "status", "dataType": "string", "extract": "$.status"}]}}})";
constexpr const char* kFilter = R"({"type": "expression", "expression": {"version": "1",
  "rules": ["equals", ["string", ["extract", "status"]], "open"]}})";

// (b) and the SpiderMonkey baseline (identity).
constexpr const char* kHook = R"(
function preSavePage(options) {
  const data = [];
  for (const r of options.data) {
    if (r.status !== "open") continue;
    data.push({id: r.id, email: r.email, total: Number(r.total_price),
               customer: r.first_name + " " + r.last_name});
  }
  return {data, errors: options.errors, abort: false};
}
function identity(options) { return options; }
)";

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
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

// One page of orders; throws when the mock answers something else.
std::string fetch_page(Poco::Net::HTTPClientSession& session, const std::string& path,
                       const std::string& token) {
  std::string body = fetch(session, path, token);
  if (body.rfind(R"({"orders":)", 0) != 0) {
    throw std::runtime_error("GET " + path + " answered " + body.substr(0, 300));
  }
  return body;
}

// What the flow must deliver for one exported order: {id, email, total, customer} (and status in
// form (a)), computed here without the engines.
json::object expected_record(const json::object& order, Form form) {
  json::object out;
  out["id"] = order.at("id");
  out["email"] = order.at("email");
  out["total"] = std::strtod(std::string(order.at("total_price").as_string()).c_str(), nullptr);
  out["customer"] = std::string(order.at("first_name").as_string()) + " " +
                    std::string(order.at("last_name").as_string());
  if (form == Form::kRules) out["status"] = order.at("status");
  return out;
}

// The mock's orders 1..records, page by page, handed to `each` as the page's text.
template <typename Each>
void for_each_page(const sluice::testing::MockApiServer& api, long records, Each each) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api.port()));
  for (long page = 1; (page - 1) * kPageSize < records; ++page) {
    each(fetch_page(session, fmt::format("/api/orders?page={}&pageSize={}", page, kPageSize),
                    api.token()));
  }
}

class Bench {
 public:
  explicit Bench(Form form) : form_(form) {}

  // Puts the connection, export, import, script and flow for `api` into a fresh store.
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
    put(ResourceKind::kScript,
        json::serialize(json::object{{"_id", "bench"}, {"name", "bench"}, {"content", kHook}}));
    const std::string steps =
        form_ == Form::kRules
            ? fmt::format(R"("transform":{},"filter":{})", kTransform, kFilter)
            : std::string(
                  R"("hooks":{"preSavePage":{"_scriptId":"bench","function":"preSavePage"}})");
    put(ResourceKind::kExport,
        fmt::format(
            R"({{"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":{0},
      "http":{{"relativeURI":"/api/orders?pageSize={0}","response":{{"resourcePath":"orders"}},
               "paging":{{"method":"page","page":1}}}},{1}}})",
            kPageSize, steps));
    put(ResourceKind::kImport,
        fmt::format(R"({{"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{{"method":"POST","relativeURI":"/api/sink","batchSize":{}}}}})",
                    kBatchSize));
    put(ResourceKind::kFlow, R"({"_id":"bench","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");
    return ok_;
  }

  // Runs the flow; false (with a message) unless it completed.
  bool run() {
    auto job = sluice::runtime::run_flow(*store_, *registry_, "bench", {});
    if (!job || job->status != "completed") {
      std::cerr << name_of(form_) << ": the benchmark flow did not complete: "
                << (job ? job->status + " " + job->message : job.error().message) << '\n';
      return false;
    }
    job_ = std::move(*job);
    return true;
  }

  // False (with a message) unless the job made every open order a success and every other one
  // ignored.
  bool check(long records, long open) const {
    if (job_.num_success == open && job_.num_ignore == records - open && job_.num_error == 0) {
      return true;
    }
    std::cerr << fmt::format(
        "{}: the benchmark flow did not do its job: {} success, {} ignored, {} errors; "
        "expected {} success, {} ignored\n",
        name_of(form_), job_.num_success, job_.num_ignore, job_.num_error, open, records - open);
    return false;
  }

 private:
  void put(ResourceKind kind, const std::string& text, std::vector<std::string> secrets = {}) {
    json::object doc = json::parse(text).as_object();
    const std::string id(doc.at("_id").as_string());
    if (!store_->put_resources({{kind, id, std::move(doc), std::move(secrets)}})) ok_ = false;
  }

  Form form_;
  bool ok_ = true;
  std::unique_ptr<sluice::host::Store> store_;
  std::unique_ptr<sluice::host::PluginRegistry> registry_;
  sluice::host::Job job_;
};

// Runs the flow over kCheckOrders orders with the sink keeping every record, and compares each
// with expected_record() of the exported orders, in order.
bool check_content(Form form, const fs::path& home) {
  sluice::testing::MockApiServer api({.orders = kCheckOrders});
  json::array expected;
  for_each_page(api, kCheckOrders, [&](const std::string& page) {
    const json::value doc = json::parse(page);  // a range-for would not keep a temporary alive
    for (const json::value& order : doc.at("orders").as_array()) {
      if (order.at("status") == "open")
        expected.push_back(expected_record(order.as_object(), form));
    }
  });
  Bench bench(form);
  if (!bench.setup(api, home) || !bench.run() ||
      !bench.check(kCheckOrders, static_cast<long>(expected.size()))) {
    return false;
  }
  const json::value sink = api.get_json("/_mock/sink");
  const json::array& received = sink.at("received").as_array();
  if (received.size() != expected.size()) {
    std::cerr << name_of(form) << ": the sink received " << received.size() << " records, not "
              << expected.size() << '\n';
    return false;
  }
  // Numbers compare by value: JSON.stringify writes 12 where Boost.JSON writes 1.2E1.
  auto same = [](const json::value& got, const json::object& want) {
    const json::object* o = got.if_object();
    if (o == nullptr || o->size() != want.size()) return false;
    for (const auto& [key, value] : want) {
      const json::value* v = o->if_contains(key);
      if (v == nullptr) return false;
      if (value.is_number() ? !v->is_number() || v->to_number<double>() != value.as_double()
                            : *v != value) {
        return false;
      }
    }
    return true;
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!same(received[i], expected[i].as_object())) {
      std::cerr << name_of(form) << ": record " << i + 1 << " the sink received is "
                << json::serialize(received[i]) << ", expected " << json::serialize(expected[i])
                << '\n';
      return false;
    }
  }
  return true;
}

struct Baselines {
  double boost_seconds = 0;
  double spider_seconds = 0;
  std::vector<std::string> open_ids;
};

// Boost.JSON parse+serialize and SpiderMonkey JSON.parse+JSON.stringify of the same pages
// (fetched once each, timed apart from the fetch), and the ids of the open orders.
bool measure_baselines(const sluice::testing::MockApiServer& api, long records, Baselines& out) {
  auto engine = sluice::script::ScriptEngine::load(
      {.name = "bench", .file_name = "bench.js", .content = kHook}, {.call_time_limit_ms = 60000});
  if (!engine) {
    std::cerr << engine.error().message << '\n';
    return false;
  }
  size_t checksum = 0;
  bool ok = true;
  for_each_page(api, records, [&](const std::string& page) {
    auto start = Clock::now();
    {
      json::monotonic_resource arena;
      json::value doc = json::parse(page, &arena);
      checksum += json::serialize(doc.at("orders")).size();
    }
    out.boost_seconds += seconds_since(start);
    start = Clock::now();
    auto round_trip = (*engine)->call("identity", page);
    out.spider_seconds += seconds_since(start);
    if (!round_trip) {
      std::cerr << round_trip.error().message << '\n';
      ok = false;
      return;
    }
    checksum += round_trip->size();
    const json::value doc = json::parse(page);
    for (const json::value& order : doc.at("orders").as_array()) {
      if (order.at("status") == "open") out.open_ids.emplace_back(order.at("id").as_string());
    }
  });
  if (checksum == 0) std::cerr << "the baselines saw no data\n";
  return ok;
}

int run_one(Form form, long records) {
  const fs::path home =
      fs::temp_directory_path() / fmt::format("sluice-bench-{}-{}", name_of(form), ::getpid());
  if (!check_content(form, home)) return 1;

  sluice::testing::MockApiServer api(
      {.orders = static_cast<int>(records), .sink_count_only = true});
  Bench bench(form);
  if (!bench.setup(api, home)) return 1;
  const auto start = Clock::now();
  if (!bench.run()) return 1;
  const double seconds = seconds_since(start);
  const double rss = peak_rss_mb();  // the flow's: the baselines run after it
  Baselines baselines;
  // The baselines, and the ids the sink must have got, from the same pages the flow read.
  if (!measure_baselines(api, records, baselines)) return 1;
  const long open = static_cast<long>(baselines.open_ids.size());
  if (!bench.check(records, open)) return 1;

  const json::value ids = api.get_json("/_mock/sink/ids");
  std::vector<std::string> got;
  for (const json::value& id : ids.at("ids").as_array()) got.emplace_back(id.as_string());
  std::sort(got.begin(), got.end());
  std::sort(baselines.open_ids.begin(), baselines.open_ids.end());
  if (got != baselines.open_ids) {
    std::cerr << name_of(form) << ": the sink got " << got.size()
              << " records, not exactly the ids of the " << open << " open orders\n";
    return 1;
  }
  fs::remove_all(home);
  const double n = static_cast<double>(records);
  const double flow = n / seconds;
  const double boost = n / baselines.boost_seconds;
  const double spider = n / baselines.spider_seconds;
  std::printf(
      "%-5s %8ld  flow %8.0f records/s (%6.2f s)  peak RSS %6.1f MB  |  "
      "Boost.JSON %8.0f records/s (%.2fx)  |  SpiderMonkey JSON %8.0f records/s (%.2fx)  |  "
      "sink got the %ld open orders, content checked\n",
      name_of(form), records, flow, seconds, rss, boost, flow / boost, spider, flow / spider, open);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes;
  std::vector<Form> forms;
  bool child = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout
          << "usage: sluice-bench [--rules] [--hook] [N ...]   (default: both, 100000 1000000)\n"
             "Runs the reference flow against the mock API on loopback: HTTP export in pages of\n"
             "1000 -> output filter status == \"open\" -> transformation to {id, email, total,\n"
             "customer} -> HTTP import in batches of 100; --rules with filter rules and a Mapper\n"
             "2.0 transformation, --hook with both in one preSavePage JavaScript hook. Each form\n"
             "and N runs in its own process; prints records/s and peak RSS beside Boost.JSON\n"
             "parse+serialize and SpiderMonkey JSON.parse+JSON.stringify of the same pages, and\n"
             "checks what the sink received (every record of a 2500-order run, and the ids of\n"
             "the big run). Exit status 1 when a check fails.\n";
      return 0;
    }
    if (arg == "--child") {
      child = true;
    } else if (arg == "--rules") {
      forms.push_back(Form::kRules);
    } else if (arg == "--hook") {
      forms.push_back(Form::kHook);
    } else {
      char* end = nullptr;
      const long n = std::strtol(arg.c_str(), &end, 10);
      if (end == arg.c_str() || *end != '\0' || n < 1 || n > 100'000'000) {
        std::cerr << "sluice-bench: " << arg
                  << " is not a record count (1 to 100000000) or an option; see --help\n";
        return 2;
      }
      sizes.push_back(n);
    }
  }
  if (sizes.empty()) sizes = {100000, 1000000};
  if (forms.empty()) forms = {Form::kRules, Form::kHook};
  if (child) {
    // An exception must not skip the destructors: they stop the mock servers.
    try {
      return run_one(forms.at(0), sizes.at(0));
    } catch (const std::exception& e) {
      std::cerr << "sluice-bench: " << e.what() << '\n';
      return 1;
    }
  }
  std::printf(
      "form   records  throughput, memory and the baselines of the same pages "
      "(one process per form and N)\n");
  std::fflush(stdout);
  int status = 0;
  for (Form form : forms) {
    std::vector<double> rss;
    for (long n : sizes) {
      const std::string command =
          fmt::format("/proc/{}/exe --child --{} {}", ::getpid(), name_of(form), n);
      FILE* child_out = ::popen(command.c_str(), "r");
      if (child_out == nullptr) return 1;
      char line[2048];
      while (std::fgets(line, sizeof line, child_out) != nullptr) {
        std::fputs(line, stdout);
        std::fflush(stdout);
        if (const char* at = std::strstr(line, "peak RSS")) rss.push_back(std::atof(at + 8));
      }
      if (::pclose(child_out) != 0) status = 1;
    }
    if (rss.size() >= 2 && rss.front() > 0) {
      std::printf(
          "%-5s peak RSS at %ld records is %.2fx the peak at %ld records (flat memory: at most "
          "1.5x)\n",
          name_of(form), sizes.back(), rss.back() / rss.front(), sizes.front());
    }
  }
  return status;
}
