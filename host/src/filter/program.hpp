// The compiled form of a filter's rules: a tree of nodes in one vector, built by compile.cpp and
// walked by evaluate.cpp. Immutable once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/regex.hpp>

#include "filter/field_path.hpp"

namespace sluice::host::filter::detail {

enum class Op : uint8_t {
  kLiteral,
  kExtract,
  kSettings,
  // casts
  kNumber,
  kString,
  kBoolean,
  kEpochtime,
  // transforms
  kLowercase,
  kUppercase,
  kCeiling,
  kFloor,
  kAbs,
  // comparisons
  kEquals,
  kNotEquals,
  kGreaterThan,
  kGreaterThanEquals,
  kLessThan,
  kLessThanEquals,
  kStartsWith,
  kEndsWith,
  kContains,
  kDoesNotContain,
  kMatches,
  kEmpty,
  kNotEmpty,
  kAnyOf,
  // logic
  kAnd,
  kOr,
  kNot,
};

enum class Scope : uint8_t { kFlow, kExport, kImport, kIntegration };

struct Node {
  Op op = Op::kLiteral;
  uint32_t first_child = 0;  // index into Program::children
  uint32_t child_count = 0;
  boost::json::value literal;         // kLiteral
  std::optional<FieldPath> path;      // kExtract, kSettings
  Scope scope = Scope::kFlow;         // kSettings
  std::optional<boost::regex> regex;  // kMatches with a literal pattern
  std::string where;                  // JSON path of the rule, for messages
  std::string text;                   // the rule as written (shortened), for messages
};

struct Program {
  std::vector<Node> nodes;
  std::vector<uint32_t> children;
  std::optional<uint32_t> root;  // absent: no rules, every record passes
};

// The regular expression options of `matches`: JavaScript's defaults on Boost.Regex's Perl
// syntax (^ and $ at the ends of the text only, . not matching line breaks), as the template
// engine's regex helpers use.
inline constexpr boost::regex::flag_type kRegexOptions =
    boost::regex::perl | boost::regex::no_mod_m | boost::regex::no_mod_s;

}  // namespace sluice::host::filter::detail
