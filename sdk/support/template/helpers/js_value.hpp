// How JavaScript (and so handlebars.js) turns a Value into a string, a number or a boolean, and
// compares two values. Shared by every helper; the engine prints values with to_js_string too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/support/template/helper.hpp"

namespace sluice::support::tmpl {

// Number.prototype.toString(): shortest round-trip digits, exponent form from 1e21 and below 1e-6,
// integers without ".0", "NaN", "Infinity", "-Infinity"; -0 prints "0".
std::string js_number_to_string(double number);

// Number.prototype.toFixed / toExponential (nullopt: as many digits as needed) / toPrecision.
std::string js_to_fixed(double x, int fraction_digits);
std::string js_to_exponential(double x, std::optional<int> fraction_digits);
std::string js_to_precision(double x, int precision);

// String(value) as handlebars.js prints it: strings as is, numbers as above, true/false,
// null/undefined as "", arrays joined by "," (recursively, null/undefined elements empty), objects
// as "[object Object]".
std::string to_js_string(const Value& value);
std::string to_js_string(const boost::json::value& value);

// Number(value): undefined → NaN, null → 0, booleans 0/1, strings parsed as JavaScript does
// (trimmed; "" → 0; decimal, exponent, Infinity, 0x/0o/0b; anything else NaN), arrays through
// their string, objects NaN.
double to_js_number(const Value& value);
double to_js_number(const boost::json::value& value);

// JavaScript truthiness: false, 0, NaN, "", null and undefined are falsy; everything else,
// including [] and {}, is truthy.
bool js_truthy(const Value& value);
bool js_truthy(const boost::json::value& value);

// typeof, except that arrays are "array": "undefined", "object" (also null), "boolean",
// "number", "string", "array".
std::string_view js_type_of(const Value& value);

// a === b and a == b. Arrays and objects are never equal to one another (JavaScript compares
// them by identity, which JSON values do not have).
bool js_strict_equals(const Value& a, const Value& b);
bool js_loose_equals(const Value& a, const Value& b);

// a < b as JavaScript evaluates it: two strings compare by code point, anything else as numbers
// (NaN compares false). `or_equal` gives a <= b.
bool js_less(const Value& a, const Value& b, bool or_equal);

// JSON.stringify(value) (no indentation): numbers as js_number_to_string (non-finite → null),
// strings escaped as JavaScript escapes them. nullopt for undefined.
std::optional<std::string> js_json_stringify(const Value& value);
std::string js_json_stringify(const boost::json::value& value);
// The body of a JSON string literal for `text` (JSON.stringify(text) without the quotes).
std::string js_json_escape(std::string_view text);

// Value constructors.
Value make_value(boost::json::value json);
Value make_string(std::string text);
Value make_number(double number);  // stored as int64 when integral and exact, else double
Value make_bool(bool value);

// The argument at `index`, or undefined when the call has fewer.
const Value& arg(const HelperCall& call, size_t index);

// An Error (kInvalidConfig) with `message`.
Error helper_error(std::string message);

// For block helpers: renders fn (when `condition`) or inverse with `this` unchanged and returns
// the text as a safe string; without a block, returns the boolean.
Result<Value> block_or_bool(const HelperCall& call, bool condition);

// The value at a dotted path ("a.b.0", "a.[b c]", "a[0]") inside `root`, or nullptr.
const boost::json::value* find_path(const boost::json::value& root, std::string_view path);

// UTF-8 helpers: code points of `text` (invalid bytes become U+FFFD) and back.
std::u32string utf8_decode(std::string_view text);
std::string utf8_encode(std::u32string_view text);
// Length in UTF-16 code units (String.prototype.length).
size_t js_length(std::string_view text);

}  // namespace sluice::support::tmpl
