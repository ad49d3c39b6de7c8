#include <cmath>
#include <string>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace {

// "1234567.5" → "1,234,567.5": commas in the integer digits only.
std::string with_commas(const std::string& number) {
  const size_t start = (!number.empty() && number[0] == '-') ? 1 : 0;
  size_t end = number.find_first_of(".e", start);
  if (end == std::string::npos) end = number.size();
  std::string out = number.substr(0, start);
  const std::string integer = number.substr(start, end - start);
  for (size_t i = 0; i < integer.size(); ++i) {
    if (i > 0 && (integer.size() - i) % 3 == 0) out += ',';
    out += integer[i];
  }
  return out + number.substr(end);
}

bool is_numeric(const Value& v) {
  if (v.undefined) return false;
  if (v.json.is_number()) return true;
  return v.json.is_string() && !v.json.get_string().empty() && !std::isnan(to_js_number(v));
}

}  // namespace

void add_format_helpers(HelperTable& t) {
  t["addCommas"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    if (!is_numeric(v)) return make_string("");
    return make_string(with_commas(js_number_to_string(to_js_number(v))));
  };
  t["bytes"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    if (v.undefined || v.json.is_null()) return make_string("0 B");
    double number = 0;
    if (is_numeric(v)) {
      number = to_js_number(v);
    } else {
      // Not a number: the length of its text (handlebars-helpers measures `.length`).
      number = v.json.is_array() ? static_cast<double>(v.json.get_array().size())
                                 : static_cast<double>(js_length(to_js_string(v)));
      if (number == 0) return make_string("0 B");
    }
    const Value& p = arg(c, 1);
    const double precision = std::pow(10.0, is_numeric(p) ? to_js_number(p) : 2.0);
    static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    for (int power = 8; power >= 0; --power) {
      const double size = std::pow(10.0, power * 3);
      if (size <= number + 1) {
        const double scaled = number * precision / size;
        const double rounded = std::floor(scaled) + (scaled - std::floor(scaled) >= 0.5 ? 1 : 0);
        return make_string(js_number_to_string(rounded / precision) + " " + kUnits[power]);
      }
    }
    return make_string(js_number_to_string(number));
  };
  t["ordinalize"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    const double x = to_js_number(v);
    const double rounded = std::fabs(std::floor(x + 0.5));
    const std::string text = to_js_string(v);
    if (std::isnan(rounded)) return make_string(text + "th");
    const double hundred = std::fmod(rounded, 100);
    if (hundred == 11 || hundred == 12 || hundred == 13) return make_string(text + "th");
    const double ten = std::fmod(rounded, 10);
    return make_string(text + (ten == 1 ? "st" : ten == 2 ? "nd" : ten == 3 ? "rd" : "th"));
  };
}

}  // namespace sluice::support::tmpl
