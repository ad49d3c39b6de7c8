// What every end-to-end specification needs: a fresh $SLUICE_HOME with the HTTP plugin
// installed, a resources folder the test writes documents (and .js files) into, and the real
// `sluice` executable to apply and run them. Each test starts its own mock API on loopback.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {

class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(resources());
    cli_.emplace(home());
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }

  const std::filesystem::path& home() const { return dir_.path(); }
  std::filesystem::path resources() const { return dir_.path() / "resources"; }
  // The absolute path of resources/NAME, as `sluice apply` names it in its messages.
  std::string file(const std::string& name) const { return (resources() / name).string(); }

  // Writes resources/NAME (creating folders on the way), replacing what was there.
  void write(const std::string& name, const std::string& text) const {
    const std::filesystem::path path = resources() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::trunc) << text;
  }

  // The connection "api" to `api`, with `token`.
  static std::string connection(const MockApiServer& api, const std::string& token = "demo-token") {
    return fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
        "auth":{{"type":"token","token":{{"token":"{}"}}}}}}}})",
                       api.base_url(), token);
  }
  // The import "sink": POST /api/sink in batches of `batch`.
  static std::string sink_import(int batch = 100) {
    return fmt::format(R"({{"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{{"method":"POST","relativeURI":"/api/sink","batchSize":{}}}}})",
                       batch);
  }
  // The flow "f" from export "orders" to import "sink", with `settings` (a JSON object text).
  static std::string flow(const std::string& settings = "{}") {
    return fmt::format(R"({{"_id":"f","settings":{},"pageGenerators":[{{"_exportId":"orders"}}],
        "pageProcessors":[{{"type":"import","_importId":"sink"}}]}})",
                       settings);
  }

  CliResult apply() const { return cli_->run({"apply", resources().string()}); }
  CliResult run(const std::vector<std::string>& args) const { return cli_->run(args); }

  // `sluice flow run f --json ARGS...`: the job document; expects `expected_exit`.
  boost::json::object run_flow(int expected_exit, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"flow", "run", "f", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = cli_->run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    boost::json::error_code ec;
    boost::json::value job = boost::json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out << r.err;
    return job.is_object() ? job.as_object() : boost::json::object();
  }

  static void expect_identity(const boost::json::object& job) {
    EXPECT_EQ(job.at("numExport").as_int64(), job.at("numSuccess").as_int64() +
                                                  job.at("numIgnore").as_int64() +
                                                  job.at("numError").as_int64())
        << boost::json::serialize(job);
  }

  // `sluice get KIND --json` printed an empty list for every kind.
  void expect_nothing_stored() const {
    for (const char* kind : {"connections", "exports", "imports", "flows", "scripts"}) {
      const CliResult stored = cli_->run({"get", kind, "--json"});
      EXPECT_EQ(stored.exit_code, 0) << kind << ": " << stored.err;
      EXPECT_EQ(stored.out, "[]\n") << kind;
    }
  }

  // `sluice errors f --json`, parsed.
  boost::json::array errors_json() const {
    const CliResult r = cli_->run({"errors", "f", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    boost::json::error_code ec;
    boost::json::value list = boost::json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out;
    return list.is_array() ? list.as_array() : boost::json::array();
  }

  // Every record of every request body the sink received, in order.
  static boost::json::array sink_records(const MockApiServer& api) {
    boost::json::array records;
    const boost::json::value sink = api.get_json("/_mock/sink/bodies");  // outlives the loop
    for (const auto& body : sink.at("bodies").as_array()) {
      boost::json::error_code ec;
      boost::json::value batch = boost::json::parse(body.as_string(), ec);
      EXPECT_FALSE(ec) << "the sink received a body that is not JSON: " << body.as_string();
      if (ec || !batch.is_array()) continue;
      for (auto& record : batch.as_array()) records.push_back(std::move(record));
    }
    return records;
  }

  // The request targets the mock's GET /api/orders received, in order.
  static std::vector<std::string> order_requests(const MockApiServer& api) {
    std::vector<std::string> targets;
    const boost::json::value log = api.get_json("/_mock/requests");  // outlives the loop
    for (const auto& request : log.at("requests").as_array()) {
      const std::string target(request.at("target").as_string());
      if (target.rfind("/api/orders", 0) == 0) targets.push_back(target);
    }
    return targets;
  }

 private:
  TempDir dir_{"sluice-e2e"};
  std::optional<SluiceCli> cli_;
};

// Sets an environment variable for the lifetime of the object (children inherit it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace sluice::testing
