#include "bench_flow_setup.hpp"

#include <sys/resource.h>

#include <cstdlib>
#include <map>
#include <iostream>
#include <stdexcept>

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include "bench_flow_mapping.hpp"
#include "plugins/loader.hpp"
#include "runtime/flow_runner.hpp"

namespace sluice::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using host::ResourceKind;

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

// Numbers compare by value: JSON.stringify writes 12 where Boost.JSON writes 1.2E1.
bool same_value(const json::value& got, const json::value& want) {
  if (want.is_number())
    return got.is_number() && got.to_number<double>() == want.to_number<double>();
  if (const json::object* w = want.if_object()) {
    const json::object* g = got.if_object();
    if (g == nullptr || g->size() != w->size()) return false;
    for (const auto& [key, value] : *w) {
      const json::value* v = g->if_contains(key);
      if (v == nullptr || !same_value(*v, value)) return false;
    }
    return true;
  }
  if (const json::array* w = want.if_array()) {
    const json::array* g = got.if_array();
    if (g == nullptr || g->size() != w->size()) return false;
    for (size_t i = 0; i < w->size(); ++i) {
      if (!same_value((*g)[i], (*w)[i])) return false;
    }
    return true;
  }
  return got == want;
}

}  // namespace

const char* name_of(Form form) {
  switch (form) {
    case Form::kRules:
      return "rules";
    case Form::kHook:
      return "hook";
    case Form::kUnmapped:
      return "unmapped";
    case Form::kMapped:
      return "mapping";
  }
  return "?";
}

const char* const kHookScript = R"(
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

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string fetch_page(Poco::Net::HTTPClientSession& session, const std::string& path,
                       const std::string& token) {
  std::string body = fetch(session, path, token);
  if (body.rfind(R"({"orders":)", 0) != 0) {
    throw std::runtime_error("GET " + path + " answered " + body.substr(0, 300));
  }
  return body;
}

json::object expected_record(const json::object& order, Form form) {
  if (form == Form::kUnmapped) return order;
  if (form == Form::kMapped) return expected_mapped_record(order);
  json::object out;
  out["id"] = order.at("id");
  out["email"] = order.at("email");
  out["total"] = std::strtod(std::string(order.at("total_price").as_string()).c_str(), nullptr);
  out["customer"] = std::string(order.at("first_name").as_string()) + " " +
                    std::string(order.at("last_name").as_string());
  if (form == Form::kRules) out["status"] = order.at("status");
  return out;
}

bool Bench::setup(const testing::MockApiServer& api, const fs::path& home) {
  fs::remove_all(home);
  auto store = host::open_sqlite_store(home.string());
  if (!store) {
    std::cerr << store.error().message << '\n';
    return false;
  }
  store_ = std::move(*store);
  registry_ = std::make_unique<host::PluginRegistry>();
  auto plugin = host::load_plugin(HTTP_PLUGIN_FILE, std::nullopt);
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
      json::serialize(json::object{{"_id", "bench"}, {"name", "bench"}, {"content", kHookScript}}));
  std::string steps;
  switch (form_) {
    case Form::kRules:
      steps = fmt::format(R"("transform":{},"filter":{})", kTransform, kFilter);
      break;
    case Form::kHook:
      steps = R"("hooks":{"preSavePage":{"_scriptId":"bench","function":"preSavePage"}})";
      break;
    case Form::kUnmapped:
    case Form::kMapped:
      steps = fmt::format(R"("filter":{})", kFilter);
      break;
  }
  put(ResourceKind::kExport,
      fmt::format(
          R"({{"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":{0},
      "http":{{"relativeURI":"/api/orders?pageSize={0}","response":{{"resourcePath":"orders"}},
               "paging":{{"method":"page","page":1}}}},{1}}})",
          kPageSize, steps));
  put(ResourceKind::kImport,
      fmt::format(R"({{"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{{"method":"POST","relativeURI":"/api/sink","batchSize":{}}}{}}})",
                  kBatchSize, form_ == Form::kMapped ? std::string(",") + kImportMapping : ""));
  put(ResourceKind::kFlow, R"({"_id":"bench","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");
  return ok_;
}

bool Bench::run() {
  auto job = runtime::run_flow(*store_, *registry_, "bench", {});
  if (!job || job->status != "completed") {
    std::cerr << name_of(form_) << ": the benchmark flow did not complete: "
              << (job ? job->status + " " + job->message : job.error().message) << '\n';
    return false;
  }
  job_ = std::move(*job);
  return true;
}

bool Bench::check(long records, long open) const {
  if (job_.num_success == open && job_.num_ignore == records - open && job_.num_error == 0) {
    return true;
  }
  std::cerr << fmt::format(
      "{}: the benchmark flow did not do its job: {} success, {} ignored, {} errors; "
      "expected {} success, {} ignored\n",
      name_of(form_), job_.num_success, job_.num_ignore, job_.num_error, open, records - open);
  return false;
}

void Bench::put(ResourceKind kind, const std::string& text, std::vector<std::string> secrets) {
  json::object doc = json::parse(text).as_object();
  const std::string id(doc.at("_id").as_string());
  if (!store_->put_resources({{kind, id, std::move(doc), std::move(secrets)}})) {
    std::cerr << name_of(form_) << ": the store refused the benchmark's resource " << id << '\n';
    ok_ = false;
  }
}

bool check_content(Form form, const fs::path& home) {
  testing::MockApiServer api({.orders = kCheckOrders});
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
  // The import sends a page's batches concurrently (http.concurrencyLevel), so batches may
  // arrive in any order: each received record is matched to the expected one of its id, once.
  std::map<std::string, const json::value*> by_id;
  for (const json::value& record : expected) {
    by_id.emplace(std::string(record.at("id").as_string()), &record);
  }
  for (size_t i = 0; i < received.size(); ++i) {
    const json::value* id = received[i].is_object() ? received[i].as_object().if_contains("id")
                                                     : nullptr;
    auto it = id != nullptr && id->is_string() ? by_id.find(std::string(id->get_string()))
                                               : by_id.end();
    if (it == by_id.end() || !same_value(received[i], *it->second)) {
      std::cerr << name_of(form) << ": record " << i + 1 << " the sink received is "
                << json::serialize(received[i])
                << (it == by_id.end() ? std::string(", which no expected record (or a second time)")
                                      : ", expected " + json::serialize(*it->second))
                << '\n';
      return false;
    }
    by_id.erase(it);
  }
  return true;
}

}  // namespace sluice::bench
