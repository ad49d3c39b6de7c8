// Reads of the HTTP settings whose shape the SDK's Setting<T> leaves to the plugin (lists of
// values, headers), and how configured values are compared with response values. Errors name
// the setting, say what was expected and what was found, as Setting<T>::read() does.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/settings.hpp"
#include "sluice/support/http/message.hpp"

namespace sluice::plugins::http {

// The text form used when comparing a response value with configured values
// (successValues, lastPageValues): strings as they are, other scalars as JSON text, so that
// "true" matches true and "200" matches 200. Null and missing are both "null".
std::string text_of(const boost::json::value* value);

// True when text_of(value) equals text_of of one of `values`.
bool matches_any(const boost::json::value* value, const std::vector<std::string>& values);

// An array of scalars, each as text_of(); a single scalar counts as a one-element array;
// absent is empty.
Result<std::vector<std::string>> read_values(const Setting<boost::json::value>& setting,
                                             const boost::json::object& doc);
// [{name, value}, ...] with a non-empty string name and a scalar value; absent is empty.
Result<support::http::Headers> read_headers(const Setting<boost::json::value>& setting,
                                            const boost::json::object& doc);

}  // namespace sluice::plugins::http
