// Reading the settings schemas plugins declare (JSON Schema with x-sluice-* hints, as emitted by
// sluice::Schema): flattening them into rows for `sluice plugin info`, finding secret fields, and
// validating resource documents against them.
//
// The validator is written here rather than taken from a library: it covers the subset of JSON
// Schema the SDK emits plus the x-sluice-showWhen conditions, which no generic validator knows,
// and the Debian-packaged validators work on other JSON libraries than Boost.JSON.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sluice::host {

struct SettingRow {
  std::string path;  // dotted, e.g. "http.auth.basic.password"
  std::string type;  // string, integer, number, boolean, enum, object, array, template
  bool required = false;
  std::string shown_when;     // e.g. "http.auth.type = basic"; empty when always shown
  std::string default_value;  // JSON text; empty when none
  std::string label;
  std::string help;
  std::string group;
  std::vector<std::string> values;  // for enum
  bool secret = false;
};

// Leaf settings in declaration order (objects that only group children are not rows).
std::vector<SettingRow> flatten_schema(const boost::json::object& schema);

// Dotted paths of every field marked secret.
std::vector<std::string> secret_paths(const boost::json::object& schema);

struct ValidationIssue {
  std::string path;      // JSON path, e.g. "$.http.baseURI"
  std::string expected;  // e.g. "a string (required)"
  std::string found;     // e.g. "nothing", "number 42"

  std::string to_string() const;  // "$.http.baseURI: expected ..., found ..."
};

// Checks `doc` against `schema`: types, enums, bounds, required fields (conditional ones only
// while their x-sluice-showWhen holds). Properties the schema does not declare are allowed.
std::vector<ValidationIssue> validate_against_schema(const boost::json::value& doc,
                                                     const boost::json::object& schema);

// "nothing", "string \"abc\"", "number 42", "object", ... for error messages.
std::string describe_json(const boost::json::value* value);

}  // namespace sluice::host
