// The one-to-many settings of an import or a lookup export (integrator.io's names): `oneToMany:
// true` and `pathToMany`, the dotted path to the array of child records in each record ("items",
// "order.lines"). Read the same way by `sluice apply` (which refuses a bad pair) and by the
// runtime (fan_out.hpp). Header-only, so that the resources library can use it without linking
// the runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sluice::runtime {

// What is wrong with the pair in `doc`, as "$.field: what; what to do", or nullopt when it is
// well formed (both absent counts as well formed). pathToMany is a dotted path of field names:
// no empty segment, no "[", "]", "*" or "$".
inline std::optional<std::string> one_to_many_problem(const boost::json::object& doc) {
  const boost::json::value* one_to_many = doc.if_contains("oneToMany");
  const boost::json::value* path = doc.if_contains("pathToMany");
  const bool on = one_to_many != nullptr && one_to_many->is_bool() && one_to_many->get_bool();
  const std::string example = "e.g. \"items\" or \"order.lines\"";
  if (!on) {
    if (path == nullptr || path->is_null()) return std::nullopt;
    return std::string(
        "$.pathToMany: set, but $.oneToMany is not true; set oneToMany: true to "
        "fan each record out into its child records, or remove pathToMany");
  }
  if (path == nullptr || !path->is_string()) {
    return "$.pathToMany: missing; oneToMany: true needs the path to the array of child records "
           "in each record, " +
           example;
  }
  const std::string_view p = path->get_string();
  const std::string quoted = "\"" + std::string(p) + "\"";
  if (p.find_first_of("[]*$") != std::string_view::npos) {
    return "$.pathToMany: " + quoted + " is not a dotted path of field names (no [], * or $); " +
           "write " + example;
  }
  for (size_t start = 0;;) {
    const size_t dot = p.find('.', start);
    if (p.substr(start, dot == std::string_view::npos ? dot : dot - start).empty()) {
      return "$.pathToMany: " + quoted + " has an empty field name; write " + example;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return std::nullopt;
}

// The pathToMany of a step whose document is well formed (one_to_many_problem is nullopt) and
// sets oneToMany: true, else nullopt (the step does not fan out).
inline std::optional<std::string> path_to_many_of(const boost::json::object& doc) {
  const boost::json::value* one_to_many = doc.if_contains("oneToMany");
  const boost::json::value* path = doc.if_contains("pathToMany");
  if (one_to_many == nullptr || !one_to_many->is_bool() || !one_to_many->get_bool()) {
    return std::nullopt;
  }
  if (path == nullptr || !path->is_string()) return std::nullopt;
  return std::string(path->get_string());
}

}  // namespace sluice::runtime
