// How handlebars.js turns values into text (JavaScript's String(value)) and the escapes of each
// output context (internal to sluice_support_template).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/support/template.hpp"

namespace sluice::support::tmpl::detail {

// The body of a JSON string literal for `text`, as JSON.stringify writes it (without the quotes):
// " and \ escaped, \b \f \n \r \t, other control characters as \u00xx; everything else as it
// is. Appends runs of plain characters at once.
void append_json_string_content(std::string& out, std::string_view text);
// JavaScript's Number.prototype.toString() for `value`: 1e+21, 0.1, 1.5e-7, 0 for -0.
void append_js_number(std::string& out, double value);
// A JSON number as JavaScript holds it (integers beyond 2^53 are rounded to a double first).
void append_json_number(std::string& out, const boost::json::value& number);
// String(value) as handlebars prints it: null and undefined (nullptr) print nothing, arrays as
// their elements joined by ',', objects as "[object Object]".
void append_js_string(std::string& out, const boost::json::value* value);
// JavaScript truthiness: false, 0, -0, NaN, "", null and undefined (nullptr) are falsy.
bool js_truthy(const boost::json::value* value);
// Appends `text` escaped for `escape` (kNone appends it as it is).
void append_escaped(std::string& out, std::string_view text, Escape escape);

}  // namespace sluice::support::tmpl::detail
