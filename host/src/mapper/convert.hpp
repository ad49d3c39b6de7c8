// The data types of Mapper 2.0 and how a value becomes one (docs/mappings.md, "Data types").
// Conversions are pure functions of the value: no locale, no allocation beyond the result.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

namespace sluice::mapper {

enum class DataType {
  kString,
  kNumber,
  kBoolean,
  kObject,
  kStringArray,
  kNumberArray,
  kBooleanArray,
  kObjectArray,
  kArrayArray,
};

// "string", "number", ... as integrator.io spells them; nullopt for any other text.
std::optional<DataType> parse_data_type(std::string_view name) noexcept;
std::string_view to_string(DataType type) noexcept;
bool is_array(DataType type) noexcept;
// The element type of an array type (kStringArray → kString, kArrayArray → kArrayArray's
// elements are arrays, reported as kArrayArray).
DataType element_of(DataType type) noexcept;

// `value` as `type`, allocated from `sp`; nullopt when it cannot be converted:
//   string  — strings as they are; numbers as JavaScript writes them (12.5, 3, 1e+21); true/false;
//             objects and arrays as compact JSON.
//   number  — numbers; strings holding a whole JSON-style number after trimming spaces ("12.50",
//             "-3", "1e3"; not "12,5", "0x1F", ""); true → 1, false → 0. Integral values within
//             ±2^53 become integers.
//   boolean — booleans; "true"/"false" (any case), "1"/"0"; numbers (0 → false, others → true).
//   object  — objects only.
//   arrays  — an array converts element by element; any other value becomes a one-element array.
// null converts to null for every type.
std::optional<boost::json::value> convert(const boost::json::value& value, DataType type,
                                          boost::json::storage_ptr sp);

// JavaScript's String(number) for a double (shortest round-trip digits, exponent from 1e21).
std::string js_number_text(double number);
// `value` as text for a lookup key or a date: strings as they are, numbers as JavaScript writes
// them, booleans true/false, null "null", objects and arrays as JSON.
std::string to_text(const boost::json::value& value);

}  // namespace sluice::mapper
