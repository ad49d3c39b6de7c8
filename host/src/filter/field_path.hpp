// The field paths of `["extract", "..."]` and `["settings", "scope...."]`, split once at compile
// time so that a lookup walks the record without allocating.
//
// Syntax: names separated by dots ("customer.email"); an index in brackets ("lines[0].sku") or
// as a name of digits ("lines.0.sku"), which indexes an array (and names a key of an object); a
// quoted name in brackets for names with dots or brackets ("a[\"x.y\"]", "a['x.y']"). Spaces are
// part of names ("Customer Name").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace sluice::host::filter::detail {

struct PathSegment {
  std::string key;              // the name (for an index, its digits)
  std::optional<size_t> index;  // set when the name is all digits: the array index it means
};

class FieldPath {
 public:
  // Splits `text`; nullopt with `problem` set ("an empty name at character 3", ...) when it is
  // not a path.
  static std::optional<FieldPath> parse(std::string_view text, std::string& problem);

  // The value at this path inside `root`, or nullptr when a step is missing or of the wrong
  // type. Does not allocate.
  const boost::json::value* find(const boost::json::value& root) const noexcept;

  const std::vector<PathSegment>& segments() const noexcept { return segments_; }

 private:
  std::vector<PathSegment> segments_;
};

}  // namespace sluice::host::filter::detail
