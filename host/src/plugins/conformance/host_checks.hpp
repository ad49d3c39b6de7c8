// The checks of the conformance kit that need the host's own code (its resource schemas and
// validator), added by `sluice plugin test` to the SDK's checks (sluice/testing/checks.hpp).
#pragma once

#include <vector>

#include "plugins/loaded_plugin.hpp"
#include "sluice/testing/checks.hpp"

namespace sluice::host {

// Per connector, "host.schemas": no root setting shadows a field the host declares for every
// resource of that kind (the host's would win and the plugin's be ignored), and the example
// resources generated from the schemas (example_resources.hpp) pass the validator apply uses.
std::vector<testing::CheckResult> host_checks(const LoadedPlugin& plugin);

// Validates the resource documents given to `sluice plugin test` as apply would: `doc` of
// `kind` ("connection", "export", "import") against the host's and `connector`'s schema. One
// result named "inputs.<kind>".
testing::CheckResult check_input_document(const ConnectorHandle& connector, const char* kind,
                                          const boost::json::object& doc);

}  // namespace sluice::host
