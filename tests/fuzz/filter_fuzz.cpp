// libFuzzer target: the filter engine on any input. The input is a filter document, or its
// rules alone (wrapped into an expression). Compiling must not crash or hang; whatever compiles
// is evaluated against a few records and settings, where it must give true, false or an Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "filter/filter.hpp"

namespace {

const boost::json::array& records() {
  static const boost::json::array value = boost::json::parse(R"([
    {"status": "open", "n": "12.5", "d": "2021-01-01T00:00:00Z", "a": [1, "x", null],
     "o": {"b": [{"c": "É"}]}, "e": "", "t": true},
    {"status": 7, "n": "abc", "d": "soon", "a": [], "o": {}, "e": null},
    [],
    "text"
  ])").as_array();
  return value;
}

const boost::json::object& settings() {
  static const boost::json::object value =
      boost::json::parse(R"({"x": "open", "list": ["a", 1], "re": "^o", "bad": "(a"})").as_object();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  boost::json::error_code ec;
  boost::json::value input = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  if (!input.is_object())
    input = {{"type", "expression"}, {"expression", {{"version", "1"}, {"rules", input}}}};
  auto filter = sluice::host::filter::Filter::compile(input, "fuzz.filter");
  if (!filter) return 0;
  sluice::host::filter::FilterContext ctx{&settings(), &settings(), &settings(), &settings()};
  for (const auto& record : records()) (void)filter->matches(record, ctx);
  return 0;
}
