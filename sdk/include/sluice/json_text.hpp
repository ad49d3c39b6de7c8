// JSON text without a DOM: where a value is in a document's text, and the elements of an array's
// text, for a plugin that hands the host records as the text it received (Page::records_json)
// or sends the host's records on as they came (ImportWriter::submit_text). Building a DOM only to
// serialize it again is the largest cost of a plugin that moves records unchanged.
//
// The scanning functions check structure only (brackets, strings, commas and colons, no
// trailing text); they do not check scalars (a number's digits, a literal's spelling), so text
// they accept may still be invalid JSON: validate_json_array() checks it fully.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice {

// The text of the value at the dotted `path` (json_path.hpp's syntax: keys, and numbers
// indexing arrays) in the JSON document `text`, without surrounding whitespace; the whole
// document for an empty path. nullopt when a step is missing or of the wrong type, when `text`
// is not structurally one JSON document, and also (so that callers fall back to a parser) when
// an object along the path has the step's key more than once or has a key written with escapes.
std::optional<std::string_view> json_value_at_path(std::string_view text,
                                                   std::string_view path) noexcept;

// The text of each element of the JSON array `text` (whitespace around it allowed), in order,
// without surrounding whitespace. nullopt when `text` is not structurally one JSON array.
std::optional<std::vector<std::string_view>> json_array_elements(std::string_view text);

// The number of elements of the JSON array `text` when it is valid JSON (checked fully by
// Boost.JSON's parser, without building values), else nullopt.
std::optional<size_t> validate_json_array(std::string_view text) noexcept;

}  // namespace sluice
