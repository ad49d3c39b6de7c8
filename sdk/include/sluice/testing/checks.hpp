// The conformance kit: checks that a plugin behaves as the host will use it. `sluice plugin test`
// and the GoogleTest helpers (conformance.hpp) run the same checks through run_conformance().
//
// Each check is one function (sdk/src/testing/checks/), listed in one table keyed by the
// capability it needs (sdk/src/testing/conformance.cpp): a check for a capability runs only on
// connectors that have it. Checks that need a working connection (calling an export or import)
// use ConformanceInputs::connection_json, or the empty document if the connector accepted it,
// and are skipped, saying what to pass, when there is neither.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "sluice/abi/plugin.h"
#include "sluice/testing/recording_host.hpp"

namespace sluice::testing {

enum class Capability {
  kPlugin,      // the plugin as a whole (run once, not per connector)
  kConnection,  // every connector: open, ping, close a connection
  kExport,
  kImport,
};

struct Capabilities {
  bool exports = false;
  bool imports = false;
  // True when they come from the descriptor's declaration (ABI 1.1), false when read from a 1.0
  // descriptor's function table (export functions set → exports).
  bool declared = false;
};

// What `connector` can do. The one place that decides it.
Capabilities capabilities_of(const sluice_connector_descriptor& connector);

enum class Verdict { kPass, kFail, kSkip };

struct CheckResult {
  std::string name;       // e.g. "connection.refuses_empty_settings"
  std::string connector;  // "" for plugin-wide checks
  Verdict verdict = Verdict::kPass;
  std::string message;  // why it failed, what it saw, or what to pass to run it
};

// Documents to run the connector with, as JSON text; empty means not given.
struct ConformanceInputs {
  std::string connection_json;
  std::string export_json;
  std::string import_json;
  std::string records_json;  // a JSON array of records to submit to the import
  size_t max_pages = 3;      // an export is read until done or this many pages
  std::string connector;     // the connector to run the inputs on; "" = the first one
};

struct ConformanceReport {
  std::vector<CheckResult> checks;
  std::vector<boost::json::object> pages;  // what the export under test returned, in order
  boost::json::array import_results;       // what the import under test returned

  bool passed() const noexcept;
  size_t count(Verdict verdict) const noexcept;
};

// Runs every check on `plugin`, the descriptor its entry function returned for host.api().
// Never throws for anything the plugin does.
ConformanceReport run_conformance(const sluice_plugin_descriptor* plugin, RecordingHost& host,
                                  const ConformanceInputs& inputs = {});

// "PASS name: message" lines, one per check, then a summary line.
std::string format_report(const ConformanceReport& report);

}  // namespace sluice::testing
