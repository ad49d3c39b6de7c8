// The plugin's own test suite, as an out-of-tree author writes it against the installed package.
#include <gtest/gtest.h>

#include <sluice/testing/conformance.hpp>
#include <sluice/testing/driver.hpp>

extern "C" const sluice_plugin_descriptor* sluice_plugin_entry_v1(const sluice_host_api* host);

namespace {

sluice::testing::ConformanceInputs counter_inputs() {
  sluice::testing::ConformanceInputs inputs;
  inputs.connection_json = R"({"type":"counter","counter":{"label":"c"}})";
  inputs.export_json = R"({"adaptorType":"CounterExport","counter":{"count":25,"pageSize":10}})";
  inputs.import_json = R"({"adaptorType":"CounterImport"})";
  inputs.records_json = R"([{"a":1},{"a":2},{"a":3}])";
  return inputs;
}

}  // namespace

SLUICE_CONFORMANCE_TESTS(CounterAlone, sluice_plugin_entry_v1)
SLUICE_CONFORMANCE_TESTS_WITH(CounterWithResources, sluice_plugin_entry_v1, counter_inputs())

TEST(CounterKit, ReadsEveryPageAndSubmitsOneResultPerRecord) {
  auto report = sluice::testing::expect_conformance(&sluice_plugin_entry_v1, counter_inputs());
  ASSERT_EQ(report.pages.size(), 3u);
  EXPECT_EQ(report.pages[2].at("records").as_array().size(), 5u);
  EXPECT_EQ(report.import_results.size(), 3u);
  EXPECT_EQ(report.count(sluice::testing::Verdict::kSkip), 0u);
}

TEST(CounterDriver, ReadsTheExportToTheEnd) {
  sluice::testing::RecordingHost host;
  const sluice_plugin_descriptor* plugin = sluice_plugin_entry_v1(host.api());
  sluice::testing::ConnectorDriver driver(plugin->connectors[0], host);
  auto pages = driver.read_export(R"({"counter":{"label":"c"}})",
                                  R"({"counter":{"count":3,"pageSize":2}})", 10);
  ASSERT_TRUE(pages) << pages.error().message;
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ(pages->at(1).at("done").as_bool(), true);
  EXPECT_EQ(driver.handles_opened(), 2u);
  EXPECT_EQ(driver.handles_closed(), 2u);
  EXPECT_TRUE(driver.problems().empty());
}

TEST(CounterDriver, ReportsABadSettingAsInvalidConfig) {
  sluice::testing::RecordingHost host;
  sluice::testing::ConnectorDriver driver(sluice_plugin_entry_v1(host.api())->connectors[0], host);
  auto pages = driver.read_export(R"({"counter":{"label":"c"}})", R"({"counter":{"count":0}})", 10);
  ASSERT_FALSE(pages);
  EXPECT_EQ(pages.error().status, sluice::Status::kInvalidConfig);
  EXPECT_EQ(pages.error().message,
            "connector counter: export_open returned SLUICE_INVALID_CONFIG: $.counter.count: "
            "expected a whole number of at least 1");
}
