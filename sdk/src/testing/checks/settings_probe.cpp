#include "settings_probe.hpp"

#include <boost/json/parse.hpp>

namespace sluice::testing::detail {

namespace json = boost::json;

json::object parse_schema(const char* text) {
  if (text == nullptr) return {};
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

std::string required_names(const json::object& schema) {
  std::string out;
  if (const json::value* r = schema.if_contains("required"); r != nullptr && r->is_array()) {
    for (const auto& name : r->as_array()) {
      if (!name.is_string()) continue;
      if (!out.empty()) out += ", ";
      out += std::string(name.as_string());
    }
  }
  return out;
}

json::object wrong_typed(const json::object& schema, json::object base, std::string& described) {
  described.clear();
  const json::value* props = schema.if_contains("properties");
  if (props == nullptr || !props->is_object()) return base;
  for (const auto& [key, node] : props->as_object()) {
    if (base.contains(key) || !node.is_object()) continue;
    const json::value* t = node.as_object().if_contains("type");
    if (t == nullptr || !t->is_string()) continue;
    const json::string& type = t->as_string();
    json::value wrong;
    std::string shown;
    if (type == "string" || type == "object" || type == "array" || type == "boolean") {
      wrong = 42;
      shown = "42";
    } else if (type == "integer" || type == "number") {
      wrong = "not a number";
      shown = "\"not a number\"";
    } else {
      continue;
    }
    const std::string article =
        type == "object" || type == "array" || type == "integer" ? "an" : "a";
    described = "$." + std::string(key) + " = " + shown + " where the schema declares " + article +
                " " + std::string(type);
    base[key] = std::move(wrong);
    return base;
  }
  return base;
}

CheckResult judge_refusal(const CallOutcome& outcome, const std::string& what, bool may_accept,
                          const std::string& why_refuse) {
  if (outcome.threw) return fail(outcome.call + " let an exception escape for " + what);
  if (outcome.status == SLUICE_INVALID_CONFIG) {
    if (outcome.record.error_message.empty()) {
      return fail(outcome.call + " refused " + what +
                  " with SLUICE_INVALID_CONFIG but no message; call set_error saying which "
                  "setting is wrong and what to do");
    }
    return pass("refused with SLUICE_INVALID_CONFIG: " + outcome.record.error_message);
  }
  if (outcome.status == SLUICE_OK) {
    if (may_accept) return pass("accepted " + what + " (the schema requires nothing)");
    return fail(outcome.call + " accepted " + what + (why_refuse.empty() ? "" : " " + why_refuse) +
                "; return SLUICE_INVALID_CONFIG with a message naming the setting");
  }
  return fail(
      outcome.call + " answered " + what + " with " + status_name(outcome.status) +
      (outcome.record.error_message.empty() ? "" : " (" + outcome.record.error_message + ")") +
      "; bad settings must give SLUICE_INVALID_CONFIG with a message");
}

}  // namespace sluice::testing::detail
