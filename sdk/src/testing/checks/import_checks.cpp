// An import: bad settings are refused clearly; one that opens answers once per record.
#include <boost/json/parse.hpp>

#include "check_context.hpp"
#include "settings_probe.hpp"

namespace sluice::testing::detail {

namespace json = boost::json;

namespace {
constexpr const char* kNeedConnection =
    "pass a connection document (--connection FILE) the connector accepts to call its import";
}

CheckResult check_import_refuses_empty(CheckContext& c) {
  if (c.connection == nullptr) return skip(kNeedConnection);
  const std::string required = required_names(parse_schema(c.connector->import_schema));
  auto opened = c.driver->open_import(c.connection, "{}");
  const CallOutcome outcome = c.driver->calls().back();
  if (opened) c.driver->close(*opened);
  if (outcome.status == SLUICE_UNSUPPORTED) {
    return fail(
        "import_open returned SLUICE_UNSUPPORTED, but the connector has import functions, "
        "so the host takes it for an importer");
  }
  return judge_refusal(outcome, "an empty import document {}", required.empty(),
                       "although the import schema requires " + required);
}

// With --records: submits them and expects one result per record. Without: submits an empty
// page, which must give an empty array (nothing is written to the application).
CheckResult check_import_callable(CheckContext& c) {
  if (c.connection == nullptr) return skip(kNeedConnection);
  if (c.inputs.import_json.empty()) {
    return skip("pass an import document (--import FILE) and records (--records FILE) to submit");
  }
  auto imp = c.driver->open_import(c.connection, c.inputs.import_json);
  if (!imp) return fail("the given import did not open: " + imp.error().message);
  std::string page = c.inputs.records_json.empty() ? "[]" : c.inputs.records_json;
  auto results = c.driver->submit(*imp, page);
  c.driver->close(*imp);
  if (!results) return fail("import_submit failed: " + results.error().message);
  c.report.import_results = json::parse(*results).as_array();
  size_t failed = 0;
  for (const auto& r : c.report.import_results) {
    const json::object& o = r.as_object();
    if (o.contains("errors") || o.at("statusCode").as_int64() >= 400) ++failed;
  }
  return pass("submitted " + std::to_string(c.report.import_results.size()) +
              " record(s): " + std::to_string(c.report.import_results.size() - failed) +
              " succeeded, " + std::to_string(failed) + " failed");
}

}  // namespace sluice::testing::detail
