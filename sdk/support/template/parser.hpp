// Parses Handlebars source into a Program (internal to sluice_support_template).
#pragma once

#include <string>
#include <string_view>

#include "ast.hpp"
#include "sluice/result.hpp"

namespace sluice::support::tmpl::detail {

// Parses `source` and applies Handlebars' whitespace control (~ and standalone lines). An Error
// (kInvalidConfig) says "template 'NAME' line L, column C: found X, expected Y" (or what is not
// supported: partials, decorators, raw blocks). Nesting deeper than kMaxDepth is an error, so
// no input can exhaust the stack.
Result<Program> parse_program(std::string_view source, const std::string& name);

// "line L, column C" of `offset` in `source` (1-based).
std::string where(std::string_view source, size_t offset);

inline constexpr int kMaxDepth = 100;

}  // namespace sluice::support::tmpl::detail
