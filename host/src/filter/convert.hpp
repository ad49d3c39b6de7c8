// The casts (number, string, boolean, epochtime) and transforms (lowercase, uppercase, ceiling,
// floor, abs) of the rule language. Each reads `in` and writes `out`; a missing value or null
// stays missing. On a value it cannot convert, returns false with `problem` saying why
// ("cannot convert \"abc\" to a number"). docs/filters.md gives the exact table.
#pragma once

#include <string>

#include "filter/program.hpp"
#include "filter/value.hpp"

namespace sluice::host::filter::detail {

bool convert(Op op, const Value& in, Value& out, std::string& problem);

}  // namespace sluice::host::filter::detail
