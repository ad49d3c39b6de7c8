// Helpers of the filter tests: compile rules given as JSON text and evaluate them.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "filter/filter.hpp"

namespace sluice::host::filter::testing {

inline boost::json::value parse(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 128;
  return boost::json::parse(text, {}, options);
}

// The filter document {"type": "expression", "expression": {"version": "1", "rules": <rules>}}.
inline boost::json::value expression_doc(std::string_view rules) {
  return boost::json::value{{"type", "expression"},
                            {"expression", {{"version", "1"}, {"rules", parse(rules)}}}};
}

inline Filter compiled(std::string_view rules) {
  auto filter = Filter::compile(expression_doc(rules), "exports[0].filter");
  EXPECT_TRUE(filter.has_value()) << (filter ? "" : filter.error().message);
  if (!filter) std::abort();
  return *filter;
}

// Whether `record` passes `rules`; fails the test when evaluation errs.
inline bool passes(std::string_view rules, std::string_view record, const FilterContext& ctx = {}) {
  const Filter filter = compiled(rules);
  auto result = filter.matches(parse(record), ctx);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result && *result;
}

// The message of the record error evaluating `rules` on `record` ("" if it did not fail).
inline std::string run_error(std::string_view rules, std::string_view record) {
  auto result = compiled(rules).matches(parse(record), {});
  return result ? std::string() : result.error().message;
}

// The message refusing `rules` ("" if they compiled).
inline std::string compile_error(std::string_view rules) {
  auto filter = Filter::compile(expression_doc(rules), "exports[0].filter");
  return filter ? std::string() : filter.error().message;
}

}  // namespace sluice::host::filter::testing
