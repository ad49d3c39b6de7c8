// The common extract template — text and {{record.a.b}} tags only, e.g.
// "{{record.first_name}} {{record.last_name}}" — rendered straight from the record, without
// building the template context (a copy of the record) that the engine needs. render_to gives
// exactly what support::Template renders with Escape::kNone for strings, numbers, booleans, null
// and missing values; for an object or array value it declines and the caller renders with the
// engine. mapper_test checks the equivalence.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "mapper/path.hpp"

namespace sluice::mapper {

class PlainTemplate {
 public:
  // The plain form of `source`, or nullopt when it has anything else (helpers, blocks, `this`,
  // @root, ../, comments, whitespace control, backslashes, brackets).
  static std::optional<PlainTemplate> match(std::string_view source);

  // Appends the rendering to `out`; false (with `out` unspecified) when a tag names an object or
  // an array. `bindings` make `record` a composite object (Path::find).
  bool render_to(std::string& out, const boost::json::value& record,
                 std::span<const Path::Binding> bindings = {}) const;

 private:
  struct Piece {
    std::string text;
    std::optional<Path> path;  // relative to the record
  };
  std::vector<Piece> pieces_;
};

}  // namespace sluice::mapper
