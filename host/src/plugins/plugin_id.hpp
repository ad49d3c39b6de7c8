// The one check that a plugin id may become a path component under $SLUICE_HOME/plugins/.
//
// A valid id matches [a-z0-9][a-z0-9._-]{0,63}: 1 to 64 characters, lowercase ASCII letters,
// digits, '.', '_' and '-', starting with a letter or a digit. So "." and "..", anything with
// '/', a NUL or a control character, and upper case (which would collide on case-insensitive
// file systems) are all refused. A ".." inside an id ("a..b") is harmless in one path component
// and allowed.
#pragma once

#include <string>
#include <string_view>

#include "sluice/result.hpp"

namespace sluice::host {

inline constexpr size_t kMaxPluginIdLength = 64;
inline constexpr std::string_view kPluginIdPattern = "[a-z0-9][a-z0-9._-]{0,63}";

bool is_valid_plugin_id(std::string_view id) noexcept;

// An id as it may be printed in a message: quoted, with control characters and non-ASCII bytes
// escaped as \xNN and cut after 80 bytes.
std::string quote_plugin_id(std::string_view id);

// Ok when `id` is valid; otherwise kInvalidConfig saying "{where}: expected a plugin id matching
// [a-z0-9][a-z0-9._-]{0,63}, found {quoted id}" followed by what is wrong with it.
Result<void> check_plugin_id(std::string_view id, std::string_view where);

}  // namespace sluice::host
