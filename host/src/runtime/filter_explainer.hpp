// Why an expression filter (filter/filter.hpp) did not match a record, in words, for
// `sluice flow test` (flow_tester.hpp): the first false condition of its top-level `and`
// (recursively), by its path inside `rules`, with the values its ["extract", ...] operands found,
// and a hint when a string field is compared with a number. Each condition is compiled once, when
// the explainer is built; explaining is meant for dropped records only.
#pragma once

#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include "filter/filter.hpp"

namespace sluice::runtime {

class FilterExplainer {
 public:
  // `filter` is an export's `filter` document; a script filter, or rules that do not compile,
  // explain nothing.
  explicit FilterExplainer(const boost::json::value& filter);
  ~FilterExplainer();
  FilterExplainer(FilterExplainer&&) noexcept;
  FilterExplainer& operator=(FilterExplainer&&) noexcept;

  // E.g. `rules[2] ["lessthanequals",["extract","n"],3] is false: n is 4`; empty when it cannot
  // say.
  std::string why(const boost::json::value& record,
                  const host::filter::FilterContext& context) const;

  struct Node;

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace sluice::runtime
