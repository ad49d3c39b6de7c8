// The reference flow of sluice-bench (bench_flow.cpp) as resources in a fresh store, run by the
// real runtime and HTTP plugin against the mock API on loopback, and its content check.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <fmt/format.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "plugins/registry.hpp"
#include "store/store.hpp"

namespace sluice::bench {

constexpr int kPageSize = 1000;
constexpr int kBatchSize = 100;
constexpr int kCheckOrders = 2500;  // the content check: two full pages and a partial one

// What the export and the import do between the HTTP export and the HTTP import:
//   kRules     filter rules status == "open" and a Mapper 2.0 transformation (form (a));
//   kHook      both in one preSavePage JavaScript hook (form (b));
//   kUnmapped  the filter rules only: the import sends the open orders as they are;
//   kMapped    the filter rules, and the import's Mapper 2.0 mapping of 10 fields (issue 9).
enum class Form { kRules, kHook, kUnmapped, kMapped };

const char* name_of(Form form);

// The preSavePage hook of form (b), and `identity` for the SpiderMonkey baseline.
extern const char* const kHookScript;

double peak_rss_mb();
// User + system CPU time of this process so far, all threads, in seconds.
double cpu_seconds();
double seconds_since(std::chrono::steady_clock::time_point start);

// One page of orders from the mock; throws std::runtime_error when it answers something else.
std::string fetch_page(Poco::Net::HTTPClientSession& session, const std::string& path,
                       const std::string& token);

// The mock's orders 1..records, page by page, handed to `each` as the page's text.
template <typename Each>
void for_each_page(const testing::MockApiServer& api, long records, Each each) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(api.port()));
  for (long page = 1; (page - 1) * kPageSize < records; ++page) {
    each(fetch_page(session, fmt::format("/api/orders?page={}&pageSize={}", page, kPageSize),
                    api.token()));
  }
}

// What the flow of `form` must deliver for one exported order that passes the filter, computed
// here without the engines.
boost::json::object expected_record(const boost::json::object& order, Form form);

// One flow of `form` in its own store. Messages go to stderr, prefixed with the form's name.
class Bench {
 public:
  explicit Bench(Form form) : form_(form) {}

  // Puts the connection, export, import, script and flow for `api` into a fresh store at `home`
  // (removed first); false (with a message) when something cannot be set up.
  bool setup(const testing::MockApiServer& api, const std::filesystem::path& home);

  // Runs the flow; false (with a message) unless it completed.
  bool run();

  // False (with a message) unless the last run made every open order a success and every other
  // one ignored.
  bool check(long records, long open) const;

 private:
  void put(host::ResourceKind kind, const std::string& text, std::vector<std::string> secrets = {});

  Form form_;
  bool ok_ = true;
  std::unique_ptr<host::Store> store_;
  std::unique_ptr<host::PluginRegistry> registry_;
  host::Job job_;
};

// Runs the flow of `form` over kCheckOrders orders with the sink keeping every record, and
// compares each record the sink received with expected_record() of the exported order of the same
// id: every one received once, in any order (a page's batches are sent concurrently). False (with
// a message naming the first record that differs) otherwise.
bool check_content(Form form, const std::filesystem::path& home);

}  // namespace sluice::bench
