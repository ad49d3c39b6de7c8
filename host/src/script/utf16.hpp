// UTF-16 (SpiderMonkey's strings) to UTF-8 (everything else), internal to sluice_script.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::script::detail {

// Appends `chars` as UTF-8; a lone surrogate becomes U+FFFD (JSON.stringify escapes lone
// surrogates itself, so its output never has one).
void append_utf8(std::string& out, const char16_t* chars, size_t length);

// The longest prefix of `text` of at most `limit` bytes that does not cut a UTF-8 sequence.
size_t utf8_prefix_length(std::string_view text, size_t limit);

}  // namespace sluice::script::detail
