// Reads a setting through the declaration that put it in the schema, so that its type, default,
// allowed values and bounds are written once (Fluent Bit's config_map works the same way):
//
//   struct ExportSettings {
//     sluice::Schema schema;
//     sluice::Setting<int64_t> batch_size =
//         schema.integer("api.batchSize").default_value(100).minimum(1).maximum(1000);
//     sluice::Setting<std::string> method =
//         schema.enumeration("api.method", {"GET", "POST", "PUT"}).unsupported_values({"PUT"})
//             .default_value("GET");
//   };
//   ...
//   Result<int64_t> n = settings.batch_size.read(export_doc);  // 100 when the field is absent
//
// The schema (and so `sluice plugin info` and the host's apply-time validation) shows the same
// default that read() returns. A Setting keeps a copy of its Field, so it stays valid after later
// fields are added and may outlive the Schema.
//
// What read() returns, by T:
//  - std::string: string, template and enum fields. An enum's value must be one of its declared
//    values that are not unsupported_values(): "a.b must be one of x, y, got 'z'", or, when
//    only one value is implemented and the value is one of the unsupported ones,
//    "a.b 'z' is not supported yet; only x is implemented".
//  - int64_t: integer fields; a JSON integer, a whole double or a string holding an integer,
//    within minimum() and maximum().
//  - double: number fields (any JSON number), within the bounds.
//  - bool: boolean fields.
//  - boost::json::value: any field, as it is (arrays and objects the plugin interprets itself).
// An absent or null field gives the declared default, or when there is none T{} (an empty
// string, 0, false, null); is_set() tells the two apart. Every failure is kInvalidConfig with a
// message naming the dotted path, what was expected and what was found; reading a field through
// the wrong T (a programming error) is kInternal, never undefined behaviour. After the host's
// apply-time validation a wrong JSON type cannot reach the plugin, but the checks stay.
//
// Thread-safe for concurrent reads: read() only reads the Setting and the document.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/schema.hpp"

namespace sluice {

template <class T>
class Setting {
 public:
  // Implicit, so that a declaration reads `Setting<T> x = schema.kind("path")...;`.
  Setting(const Field& field);  // NOLINT(google-explicit-constructor)

  const std::string& path() const noexcept { return field_.path(); }
  const Field& field() const noexcept { return field_; }

  // True when `doc` holds a non-null value at path().
  bool is_set(const boost::json::object& doc) const noexcept;
  // The value at path() in `doc`, checked, or the declared default when absent or null.
  Result<T> read(const boost::json::object& doc) const;
  // The declared default as T (T{} when the field declares none).
  Result<T> default_value() const;

 private:
  Result<T> convert(const boost::json::value& value) const;
  Field field_;
};

extern template class Setting<std::string>;
extern template class Setting<int64_t>;
extern template class Setting<double>;
extern template class Setting<bool>;
extern template class Setting<boost::json::value>;

// How a bad setting's value reads in a message: 'foo' for a string, 12 or true as JSON, "an
// object", "an array".
std::string describe_value(const boost::json::value& value);

}  // namespace sluice
