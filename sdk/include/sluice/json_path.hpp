// Dotted paths into JSON documents, as integrator.io settings name them: "data.orders",
// "http.auth.type", "lines.0.sku" (a number indexes an array). An empty path is the document.
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

namespace sluice {

// The value at `path`, or nullptr when any step is missing or of the wrong type.
const boost::json::value* find_path(const boost::json::value& root, std::string_view path) noexcept;
boost::json::value* find_path(boost::json::value& root, std::string_view path) noexcept;

// Sets the value at `path`, creating objects along the way (never arrays). Returns false when a
// step exists but is not an object.
bool set_path(boost::json::value& root, std::string_view path, boost::json::value value);

}  // namespace sluice
