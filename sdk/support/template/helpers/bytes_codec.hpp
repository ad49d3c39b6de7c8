// Byte encodings as Node.js's Buffer names them, shared by the encoding and auth helpers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::support::tmpl {

// Bytes → text in `encoding`: "base64", "hex", "utf8"/"utf-8", "ascii", "latin1"/"binary",
// "ucs2"/"ucs-2"/"utf16le"/"utf-16le"; nullopt for another name.
std::optional<std::string> encode_bytes(std::string_view bytes, std::string_view encoding);

// Text in `encoding` → bytes (as Buffer.from(text, encoding)): base64 is read leniently (URL-safe
// letters, missing padding, other characters skipped), hex stops at the first bad pair.
std::optional<std::string> decode_text(std::string_view text, std::string_view encoding);

}  // namespace sluice::support::tmpl
