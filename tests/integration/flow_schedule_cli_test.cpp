// Specifies `sluice flow schedule` end to end through the real executable: the next run times of
// a stored flow's schedule in its zone and in UTC over a DST transition, schedule overrides,
// --json, and the refusals.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

class FlowScheduleCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    fs::create_directories(home_);
    const CliResult installed = cli_.run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    write("connection.json",
          R"({"_id": "api", "type": "http", "http": {"baseURI": "http://127.0.0.1:1"}})");
    write("export.json",
          R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api"})");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  void apply_flow(const std::string& text) {
    write("flow.json", text);
    const CliResult applied = cli_.run({"apply", dir_.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  TempDir temp_;
  fs::path home_ = temp_.path() / "home";
  fs::path dir_ = temp_.path() / "resources";
  SluiceCli cli_{home_};
};

TEST_F(FlowScheduleCli, JsonListsRunsInUtcAndLocalOverTheNewYorkSpringTransition) {
  apply_flow(R"({"_id": "nightly", "schedule": "? 30 2 ? * *", "timezone": "America/New_York",
                 "pageGenerators": [{"_exportId": "orders"}]})");
  const CliResult r = cli_.run(
      {"flow", "schedule", "nightly", "--from", "2026-03-07T12:00:00Z", "--count", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json::parse(R"([
      {"utc": "2026-03-08T07:00:00Z", "local": "2026-03-08T03:00:00-04:00",
       "timezone": "America/New_York", "source": "flow"},
      {"utc": "2026-03-09T06:30:00Z", "local": "2026-03-09T02:30:00-04:00",
       "timezone": "America/New_York", "source": "flow"}])"));
}

TEST_F(FlowScheduleCli, PrintsATableWithTheOverridesOfItsSources) {
  apply_flow(R"({"_id": "sync", "schedule": "0 */12 * * *",
                 "pageGenerators": [{"_exportId": "orders"},
                                    {"_exportId": "orders", "schedule": "? 0 6 ? * *"}]})");
  const CliResult r =
      cli_.run({"flow", "schedule", "sync", "--from", "2026-01-10T00:00:00Z", "--count", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "flow sync: schedule \"0 */12 * * *\" in UTC\n"
            "pageGenerators[1]: schedule override \"? 0 6 ? * *\" in UTC\n"
            "LOCAL (UTC)                UTC                   RUNS\n"
            "2026-01-10T06:00:00+00:00  2026-01-10T06:00:00Z  pageGenerators[1]\n"
            "2026-01-10T12:00:00+00:00  2026-01-10T12:00:00Z  flow\n"
            "2026-01-11T00:00:00+00:00  2026-01-11T00:00:00Z  flow\n");
}

TEST_F(FlowScheduleCli, DefaultsToTenRunsFromNow) {
  apply_flow(R"({"_id": "often", "schedule": "* * * * *",
                 "pageGenerators": [{"_exportId": "orders"}]})");
  const CliResult r = cli_.run({"flow", "schedule", "often", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).as_array().size(), 10u);
}

TEST_F(FlowScheduleCli, RefusesAFlowWithoutScheduleAndABadCountOrTime) {
  apply_flow(R"({"_id": "manual", "pageGenerators": [{"_exportId": "orders"}]})");
  CliResult r = cli_.run({"flow", "schedule", "manual"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: flow manual has no schedule; give it one, e.g. \"schedule\": \"? 0 2 ? * *\" "
            "(02:00 every day), and `sluice apply` it\n");
  r = cli_.run({"flow", "schedule", "manual", "--count", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --count: expected a whole number from 1 to 1000, found "
                               "\"0\""));
  r = cli_.run({"flow", "schedule", "missing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no flow missing in the store; see `sluice get flows`\n");
  apply_flow(R"({"_id": "manual", "schedule": "0 2 * * *",
                 "pageGenerators": [{"_exportId": "orders"}]})");
  r = cli_.run({"flow", "schedule", "manual", "--from", "tomorrow"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --from: \"tomorrow\" is not an ISO 8601 time"));
}

}  // namespace
}  // namespace sluice::testing
