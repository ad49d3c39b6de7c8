// JSON for a person to read and edit: two-space indents, one member or element per line, keys in
// their order (Boost.JSON 1.81 has no pretty printer); numbers as JavaScript writes them (1.5,
// not 1.5E0: runtime/record_json.hpp). Ends without a newline.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace sluice::cli {

std::string pretty_json(const boost::json::value& value);

}  // namespace sluice::cli
