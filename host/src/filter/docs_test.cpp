// docs/filters.md stays true: every rule it shows in backquotes compiles.
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "filter/filter.hpp"

namespace sluice::host::filter {
namespace {

std::string docs() {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/filters.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Docs, EveryRuleShownCompiles) {
  const std::string text = docs();
  ASSERT_FALSE(text.empty());
  const std::regex quoted("`(\\[[^`]*\\])`");
  int rules = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), quoted), end; it != end; ++it) {
    const std::string rule = (*it)[1];
    boost::json::error_code ec;
    const boost::json::value parsed = boost::json::parse(rule, ec);
    if (ec || !parsed.is_array() || parsed.get_array().size() < 2 ||
        !parsed.get_array()[0].is_string())
      continue;  // a fragment like [...], a path like ["a.b"] or a list of values
    // An operand (["extract", ...]) is shown inside a condition.
    const boost::json::value condition = boost::json::array{"notempty", parsed};
    auto as_rule = Filter::compile_expression(boost::json::value{{"rules", parsed}}, "docs");
    auto as_operand = Filter::compile_expression(boost::json::value{{"rules", condition}}, "docs");
    EXPECT_TRUE(as_rule || as_operand) << rule << ": " << as_rule.error().message;
    ++rules;
  }
  EXPECT_GE(rules, 20);  // the tables' examples were found
}

}  // namespace
}  // namespace sluice::host::filter
