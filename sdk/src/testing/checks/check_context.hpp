// Internal to the conformance kit: what a check sees, and the signature every check has.
#pragma once

#include <string>

#include "sluice/testing/checks.hpp"
#include "sluice/testing/driver.hpp"

namespace sluice::testing::detail {

struct CheckContext {
  const sluice_plugin_descriptor& plugin;
  const sluice_connector_descriptor* connector;  // null for Capability::kPlugin checks
  RecordingHost& host;
  const ConformanceInputs& inputs;  // empty unless they are for this connector
  ConnectorDriver* driver;          // one per connector, shared by its checks
  ConformanceReport& report;
  // A connection open for this connector's later checks (from inputs or the empty document).
  sluice_connection* connection = nullptr;
  bool connection_from_inputs = false;
};

using CheckFn = CheckResult (*)(CheckContext&);

inline CheckResult pass(std::string message = {}) {
  return CheckResult{{}, {}, Verdict::kPass, std::move(message)};
}
inline CheckResult fail(std::string message) {
  return CheckResult{{}, {}, Verdict::kFail, std::move(message)};
}
inline CheckResult skip(std::string message) {
  return CheckResult{{}, {}, Verdict::kSkip, std::move(message)};
}

// The checks, one function each (files under checks/).
CheckResult check_plugin_descriptor(CheckContext& c);
CheckResult check_connector_descriptor(CheckContext& c);
CheckResult check_schemas(CheckContext& c);
CheckResult check_connection_refuses_empty(CheckContext& c);
CheckResult check_connection_refuses_wrong_type(CheckContext& c);
CheckResult check_connection_opens(CheckContext& c);
CheckResult check_export_refuses_empty(CheckContext& c);
CheckResult check_export_callable(CheckContext& c);
CheckResult check_import_refuses_empty(CheckContext& c);
CheckResult check_import_callable(CheckContext& c);
CheckResult check_concurrent_calls(CheckContext& c);
CheckResult check_no_exception_escapes(CheckContext& c);
CheckResult check_errors_have_messages(CheckContext& c);
CheckResult check_results_shape(CheckContext& c);
CheckResult check_handles_closed_once(CheckContext& c);

}  // namespace sluice::testing::detail
