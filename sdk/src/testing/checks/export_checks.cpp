// An export: bad settings are refused clearly; one that opens returns well-formed pages.
#include <boost/json/parse.hpp>

#include "check_context.hpp"
#include "settings_probe.hpp"

namespace sluice::testing::detail {

namespace json = boost::json;

namespace {
constexpr const char* kNeedConnection =
    "pass a connection document (--connection FILE) the connector accepts to call its export";
}

CheckResult check_export_refuses_empty(CheckContext& c) {
  if (c.connection == nullptr) return skip(kNeedConnection);
  const std::string required = required_names(parse_schema(c.connector->export_schema));
  auto opened = c.driver->open_export(c.connection, "{}");
  const CallOutcome outcome = c.driver->calls().back();
  if (opened) c.driver->close(*opened);
  if (outcome.status == SLUICE_UNSUPPORTED) {
    return fail(
        "export_open returned SLUICE_UNSUPPORTED, but the connector has export functions, "
        "so the host takes it for an exporter");
  }
  return judge_refusal(outcome, "an empty export document {}", required.empty(),
                       "although the export schema requires " + required);
}

CheckResult check_export_callable(CheckContext& c) {
  if (c.connection == nullptr) return skip(kNeedConnection);
  if (c.inputs.export_json.empty()) {
    return skip("pass an export document (--export FILE) to read its pages");
  }
  auto exp = c.driver->open_export(c.connection, c.inputs.export_json);
  if (!exp) {
    if (exp.error().status == Status::kUnsupported) {
      return fail(
          "export_open returned SLUICE_UNSUPPORTED, but the connector has export "
          "functions, so the host takes it for an exporter");
    }
    return fail("the given export did not open: " + exp.error().message);
  }
  size_t records = 0;
  bool done = false;
  while (c.report.pages.size() < c.inputs.max_pages && !done) {
    auto page = c.driver->next_page(*exp);
    if (!page) {
      c.driver->close(*exp);
      return fail("page " + std::to_string(c.report.pages.size() + 1) +
                  " failed: " + page.error().message);
    }
    json::object o = json::parse(*page).as_object();
    records += o.at("records").as_array().size();
    done = o.contains("done") && o.at("done").as_bool();
    c.report.pages.push_back(std::move(o));
  }
  c.driver->close(*exp);
  return pass("read " + std::to_string(c.report.pages.size()) + " page(s), " +
              std::to_string(records) + " record(s)" +
              (done ? ", the last one done" : ", stopped at the page limit"));
}

}  // namespace sluice::testing::detail
