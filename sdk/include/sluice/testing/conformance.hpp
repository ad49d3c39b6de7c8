// GoogleTest helpers that run the conformance kit (checks.hpp) from a plugin's own test suite.
//
//   #include <sluice/testing/conformance.hpp>
//   extern "C" const sluice_plugin_descriptor* sluice_plugin_entry_v1(const sluice_host_api*);
//   SLUICE_CONFORMANCE_TESTS(MyPlugin, sluice_plugin_entry_v1)
//
// defines the test MyPlugin.PassesTheConformanceKit: it calls the entry function with a
// RecordingHost, runs every check and reports each failed one as its own failure, named and
// explained. SLUICE_CONFORMANCE_TESTS_WITH(MyPlugin, entry, inputs) passes ConformanceInputs
// (connection, export, import documents) so that the export and import are called too.
// Link the test with Sluice::testing and the plugin's sources (sluice_add_plugin_test() does).
#pragma once

#include <gtest/gtest.h>

#include "sluice/testing/checks.hpp"
#include "sluice/testing/recording_host.hpp"

namespace sluice::testing {

// Runs the kit on the plugin behind `entry` and adds one GoogleTest failure per failed check.
// Returns the report for further assertions.
inline ConformanceReport expect_conformance(sluice_plugin_entry_fn entry,
                                            const ConformanceInputs& inputs = {}) {
  static RecordingHost host;  // the plugin keeps the host table it was given: it must outlive it
  ConformanceReport report = run_conformance(entry(host.api()), host, inputs);
  for (const CheckResult& check : report.checks) {
    if (check.verdict != Verdict::kFail) continue;
    ADD_FAILURE() << "conformance check " << (check.connector.empty() ? "" : check.connector + ": ")
                  << check.name << " failed: " << check.message;
  }
  return report;
}

}  // namespace sluice::testing

#define SLUICE_CONFORMANCE_TESTS_WITH(SUITE, ENTRY, INPUTS) \
  TEST(SUITE, PassesTheConformanceKit) { ::sluice::testing::expect_conformance(&ENTRY, INPUTS); }

#define SLUICE_CONFORMANCE_TESTS(SUITE, ENTRY) \
  SLUICE_CONFORMANCE_TESTS_WITH(SUITE, ENTRY, ::sluice::testing::ConformanceInputs{})
