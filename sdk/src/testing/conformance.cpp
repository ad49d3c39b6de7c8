#include <memory>
#include <string>

#include "checks/check_context.hpp"
#include "sluice/testing/checks.hpp"

namespace sluice::testing {

using detail::CheckContext;
using detail::CheckFn;

namespace {

struct Check {
  Capability needs;
  const char* name;
  CheckFn run;
};

// In the order they run on each connector. A new capability adds its rows here (and its
// functions under checks/); the contract checks at the end sum up every call made before them.
constexpr Check kChecks[] = {
    {Capability::kPlugin, "plugin.descriptor", detail::check_plugin_descriptor},
    {Capability::kConnection, "connector.descriptor", detail::check_connector_descriptor},
    {Capability::kConnection, "connector.schemas", detail::check_schemas},
    {Capability::kConnection, "connection.refuses_empty_settings",
     detail::check_connection_refuses_empty},
    {Capability::kConnection, "connection.refuses_wrong_type",
     detail::check_connection_refuses_wrong_type},
    {Capability::kConnection, "connection.opens", detail::check_connection_opens},
    {Capability::kExport, "export.refuses_empty_settings", detail::check_export_refuses_empty},
    {Capability::kExport, "export.reads_pages", detail::check_export_callable},
    {Capability::kImport, "import.refuses_empty_settings", detail::check_import_refuses_empty},
    {Capability::kImport, "import.submits", detail::check_import_callable},
    {Capability::kConnection, "connection.concurrent_calls", detail::check_concurrent_calls},
    {Capability::kConnection, "calls.no_exception_escapes", detail::check_no_exception_escapes},
    {Capability::kConnection, "calls.errors_have_messages", detail::check_errors_have_messages},
    {Capability::kConnection, "calls.results_well_formed", detail::check_results_shape},
    {Capability::kConnection, "handles.closed_exactly_once", detail::check_handles_closed_once},
};

bool has(const Capabilities& caps, Capability needs) {
  switch (needs) {
    case Capability::kPlugin:
    case Capability::kConnection:
      return true;
    case Capability::kExport:
      return caps.exports;
    case Capability::kImport:
      return caps.imports;
  }
  return false;
}

bool structurally_usable(const sluice_connector_descriptor& d) {
  return d.api != nullptr && d.api->connection_open != nullptr &&
         d.api->connection_close != nullptr && d.name != nullptr;
}

}  // namespace

// A 1.1 descriptor declares its capabilities; a 1.0 one (struct_size short of the field)
// carries none: it exports when its export functions are set and imports when its import
// functions are, as plugin.h says the host treats it.
Capabilities capabilities_of(const sluice_connector_descriptor& connector) {
  Capabilities caps;
  if (SLUICE_HAS_FIELD(&connector, sluice_connector_descriptor, capabilities)) {
    caps.exports = (connector.capabilities & SLUICE_CAP_EXPORT) != 0;
    caps.imports = (connector.capabilities & SLUICE_CAP_IMPORT) != 0;
    caps.declared = true;
    return caps;
  }
  const sluice_connector_api* api = connector.api;
  if (api == nullptr) return caps;
  caps.exports = api->export_open != nullptr && api->export_next_page != nullptr &&
                 api->export_close != nullptr;
  caps.imports =
      api->import_open != nullptr && api->import_submit != nullptr && api->import_close != nullptr;
  return caps;
}

bool ConformanceReport::passed() const noexcept { return count(Verdict::kFail) == 0; }

size_t ConformanceReport::count(Verdict verdict) const noexcept {
  size_t n = 0;
  for (const auto& c : checks) n += c.verdict == verdict ? 1 : 0;
  return n;
}

ConformanceReport run_conformance(const sluice_plugin_descriptor* plugin, RecordingHost& host,
                                  const ConformanceInputs& inputs) {
  ConformanceReport report;
  if (plugin == nullptr) {
    report.checks.push_back({"plugin.descriptor", "", Verdict::kFail,
                             "the entry function returned NULL: the plugin refuses to run in "
                             "this host"});
    return report;
  }
  const ConformanceInputs none{.max_pages = inputs.max_pages};
  CheckContext plugin_context{*plugin, nullptr, host, none, nullptr, report};
  for (const Check& check : kChecks) {
    if (check.needs != Capability::kPlugin) continue;
    CheckResult r = check.run(plugin_context);
    r.name = check.name;
    report.checks.push_back(std::move(r));
  }
  if (!report.passed()) return report;
  bool inputs_used = false;
  for (uint32_t i = 0; i < plugin->connector_count; ++i) {
    const sluice_connector_descriptor& connector = plugin->connectors[i];
    const bool mine =
        !inputs_used && (inputs.connector.empty() || inputs.connector == connector.name);
    inputs_used = inputs_used || mine;
    auto driver = std::make_unique<ConnectorDriver>(connector, host);
    CheckContext context{*plugin, &connector, host, mine ? inputs : none, driver.get(), report};
    const Capabilities caps = capabilities_of(connector);
    for (const Check& check : kChecks) {
      if (check.needs == Capability::kPlugin || !has(caps, check.needs)) continue;
      CheckResult r = check.run(context);
      r.name = check.name;
      r.connector = connector.name;
      const bool stop = r.verdict == Verdict::kFail &&
                        check.run == detail::check_connector_descriptor &&
                        !structurally_usable(connector);
      report.checks.push_back(std::move(r));
      if (stop) break;  // nothing more can be called safely
    }
  }
  if (!inputs.connector.empty() && !inputs_used) {
    report.checks.push_back({"inputs.connector", "", Verdict::kFail,
                             "the plugin has no connector named \"" + inputs.connector + "\""});
  }
  return report;
}

std::string format_report(const ConformanceReport& report) {
  std::string out;
  for (const auto& c : report.checks) {
    out += c.verdict == Verdict::kPass ? "PASS " : c.verdict == Verdict::kFail ? "FAIL " : "SKIP ";
    if (!c.connector.empty()) out += c.connector + ": ";
    out += c.name;
    if (!c.message.empty()) out += " — " + c.message;
    out += '\n';
  }
  out += std::to_string(report.count(Verdict::kPass)) + " passed, " +
         std::to_string(report.count(Verdict::kFail)) + " failed, " +
         std::to_string(report.count(Verdict::kSkip)) + " skipped\n";
  return out;
}

}  // namespace sluice::testing
