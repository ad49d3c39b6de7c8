// Opening a connection: bad settings are refused clearly; good ones open, ping and close.
#include <boost/json/serialize.hpp>

#include "check_context.hpp"
#include "settings_probe.hpp"

namespace sluice::testing::detail {

namespace json = boost::json;

CheckResult check_connection_refuses_empty(CheckContext& c) {
  const json::object schema = parse_schema(c.connector->connection_schema);
  const std::string required = required_names(schema);
  auto opened = c.driver->open_connection("{}");
  const CallOutcome outcome = c.driver->calls().back();
  if (opened && c.connection == nullptr && c.inputs.connection_json.empty() && required.empty()) {
    c.connection = *opened;  // the later checks may use it
  } else if (opened) {
    c.driver->close(*opened);
  }
  return judge_refusal(outcome, "an empty connection document {}", required.empty(),
                       "although the connection schema requires " + required);
}

CheckResult check_connection_refuses_wrong_type(CheckContext& c) {
  const json::object schema = parse_schema(c.connector->connection_schema);
  std::string described;
  json::object doc =
      wrong_typed(schema, json::object{{"type", c.connector->connection_type}}, described);
  if (described.empty()) return skip("the connection schema declares no typed property");
  auto opened = c.driver->open_connection(json::serialize(doc));
  const CallOutcome outcome = c.driver->calls().back();
  if (opened) c.driver->close(*opened);
  return judge_refusal(outcome, "a connection with " + described, false, "");
}

CheckResult check_connection_opens(CheckContext& c) {
  if (c.inputs.connection_json.empty()) {
    if (c.connection == nullptr) {
      return skip("pass a connection document (--connection FILE) to open and ping one");
    }
  } else {
    auto opened = c.driver->open_connection(c.inputs.connection_json);
    if (!opened) return fail("the given connection did not open: " + opened.error().message);
    c.connection = *opened;
    c.connection_from_inputs = true;
  }
  auto pinged = c.driver->ping(c.connection);
  const CallOutcome& outcome = c.driver->calls().back();
  if (outcome.status == SLUICE_INTERNAL || outcome.threw) {
    return fail("connection_ping failed with a bug: " + pinged.error().message);
  }
  if (!pinged) {
    if (c.connection_from_inputs) return fail("ping failed: " + pinged.error().message);
    return pass("opened the empty document; its ping answered " + status_name(outcome.status) +
                ": " + outcome.record.error_message);
  }
  return pass(c.connection_from_inputs ? "opened the given connection and pinged it"
                                       : "opened the empty document and pinged it");
}

}  // namespace sluice::testing::detail
