// Reading the settings schemas plugins declare (JSON Schema with x-sluice-* hints, as emitted by
// sluice::Schema): flattening them into rows for `sluice plugin info`, finding secret fields, and
// validating resource documents against them.
//
// The validator is written here rather than taken from a library: it covers the subset of JSON
// Schema the SDK emits plus the x-sluice-showWhen conditions, which no generic validator knows,
// and the Debian-packaged validators work on other JSON libraries than Boost.JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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
  std::vector<std::string> values;  // for enum: the values the plugin implements
  std::vector<std::string> unsupported_values;  // for enum: the platform's values it refuses
  bool secret = false;
};

// Leaf settings in declaration order (objects that only group children are not rows).
std::vector<SettingRow> flatten_schema(const boost::json::object& schema);

// A setting the schema declares "not supported yet" (Schema::unsupported): refused at apply.
struct UnsupportedSetting {
  std::string path;  // dotted
  std::string help;  // what to use instead, or empty
};

// Every x-sluice-unsupported property, in schema order.
std::vector<UnsupportedSetting> unsupported_settings(const boost::json::object& schema);

// Dotted paths of every field marked secret.
std::vector<std::string> secret_paths(const boost::json::object& schema);

struct ValidationIssue {
  std::string path;      // JSON path, e.g. "$.http.baseURI"
  std::string expected;  // e.g. "a string (required)"
  std::string found;     // e.g. "nothing", "number 42"
  std::string message;   // set instead of expected/found, e.g. "unknown field; did you mean ..."

  // "$.http.baseURI: expected ..., found ..." or "$.htp: unknown field; did you mean \"http\"?"
  std::string to_string() const;
};

// Checks `doc` against `schema`: types (integers exact: int64 without fraction or exponent),
// enums, bounds, required fields (conditional ones only while their x-sluice-showWhen holds).
// Objects are closed (see is_closed in the .cpp): an undeclared property is an issue naming the
// nearest declared one. A property marked x-sluice-unsupported is refused as "not supported
// yet"; one marked x-sluice-ignored is accepted with any value; an enum value listed in
// x-sluice-unsupportedValues is refused as not supported yet. A field marked x-sluice-oneOrMany
// takes its value or an array of such values, each checked at its index ("$.http.method[1]").
// At most this many issues are reported per document, then one saying more were not shown: a
// document of many thousand unknown keys costs as much as one of a hundred.
inline constexpr size_t kMaxValidationIssues = 100;

std::vector<ValidationIssue> validate_against_schema(const boost::json::value& doc,
                                                     const boost::json::object& schema);

// The entry of `known` nearest to `name`: an equal one ignoring case first, else the nearest by
// Damerau-Levenshtein distance if it is within one edit per three characters; nullopt if none.
std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& known);

// "nothing", "string \"abc\"", "number 42", "object", ... for error messages.
std::string describe_json(const boost::json::value* value);

}  // namespace sluice::host
