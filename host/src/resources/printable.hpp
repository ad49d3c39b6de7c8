// Text from users (ids, names, file names, values) made safe to print on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace sluice::host {

// `text` with every control character shown as a visible escape: \n, \r, \t, \\x1b (C0 and DEL),
// \u0085 (C1, U+0080..U+009F); bytes that are not UTF-8 as \xFF. Anything else is unchanged,
// including the backslash.
std::string printable(std::string_view text);

// `text` as a JSON string literal (quotes included, control characters escaped): "a\u001bb".
std::string json_quoted(std::string_view text);

}  // namespace sluice::host
