// Dotted paths into JSON documents, as integrator.io settings name them: "data.orders",
// "http.auth.type", "lines.0.sku" (a number indexes an array). An empty path is the document.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sluice {

// The value at `path`, or nullptr when any step is missing or of the wrong type. The pointer
// points into `root`, so `root` must outlive it: passing a temporary does not compile.
const boost::json::value* find_path(const boost::json::value& root, std::string_view path) noexcept;
boost::json::value* find_path(boost::json::value& root, std::string_view path) noexcept;
// The same from an object, for the settings documents connectors receive. An empty path, which
// would name the object itself, gives nullptr.
const boost::json::value* find_path(const boost::json::object& root,
                                    std::string_view path) noexcept;
const boost::json::value* find_path(boost::json::value&& root, std::string_view path) = delete;
const boost::json::value* find_path(boost::json::object&& root, std::string_view path) = delete;

// Sets the value at `path`, creating objects along the way (never arrays). Returns false when a
// step exists but is not an object.
bool set_path(boost::json::value& root, std::string_view path, boost::json::value value);

}  // namespace sluice
