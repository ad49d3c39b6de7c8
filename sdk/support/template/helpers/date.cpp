#include <cmath>
#include <cstdlib>
#include <string>

#include "helper_table.hpp"
#include "js_value.hpp"
#include "sluice/support/template/moment.hpp"

namespace sluice::support::tmpl {

namespace {

using moment::Millis;

// The instant a date argument names: a number is milliseconds since 1970 (as moment(number)); a
// string is read by `input_format` when given, else as ISO 8601 or a form JavaScript's Date reads.
Result<Millis> instant_of(const Value& v, const std::string& input_format, const HelperEnv& env) {
  if (v.undefined || v.json.is_null())
    return helper_error("the date is missing (got " +
                        std::string(v.undefined ? "undefined" : "null") + ")");
  if (v.json.is_number()) {
    const double ms = to_js_number(v);
    if (!(std::fabs(ms) <= static_cast<double>(moment::kMaxMillis)))
      return helper_error("the date " + to_js_string(v) +
                          " is not a number of milliseconds within 28,000 years of 1970");
    return Millis{std::chrono::milliseconds{static_cast<long long>(ms)}};
  }
  const std::string text = to_js_string(v);
  std::optional<Millis> t;
  if (!input_format.empty()) {
    const auto year = date::year_month_day{date::floor<date::days>(env.now)}.year();
    t = moment::parse_with(text, input_format, static_cast<int>(year));
    if (!t)
      return helper_error("the date \"" + text + "\" does not match the input format \"" +
                          input_format + "\"");
  } else {
    t = moment::parse_auto(text);
    if (!t)
      return helper_error("the date \"" + text +
                          "\" is not ISO 8601 (e.g. 2025-03-26T12:34:56Z) nor a form JavaScript's "
                          "Date reads; pass its input format");
  }
  return *t;
}

Result<const date::time_zone*> zone_of(const Value& v, const HelperEnv& env) {
  const std::string name = (v.undefined || v.json.is_null()) ? "" : to_js_string(v);
  return moment::zone(name.empty() ? env.timezone : name);
}

std::string optional_text(const Value& v) {
  return (v.undefined || v.json.is_null()) ? "" : to_js_string(v);
}

}  // namespace

void add_date_helpers(HelperTable& t) {
  // {{dateFormat outputFormat date [inputFormat] [timezone]}}.
  t["dateFormat"] = [](const HelperCall& c) -> Result<Value> {
    auto instant = instant_of(arg(c, 1), optional_text(arg(c, 2)), c.env);
    if (!instant) return instant.error();
    auto zone = zone_of(arg(c, 3), c.env);
    if (!zone) return zone.error();
    return make_string(moment::format(*instant, *zone, optional_text(arg(c, 0))));
  };
  // {{dateAdd date [milliseconds] [timezone]}}: ISO 8601 with milliseconds.
  t["dateAdd"] = [](const HelperCall& c) -> Result<Value> {
    auto instant = instant_of(arg(c, 0), "", c.env);
    if (!instant) return instant.error();
    const Value& offset = arg(c, 1);
    double ms = 0;
    if (!offset.undefined && !offset.json.is_null() && to_js_string(offset) != "") {
      ms = to_js_number(offset);
      if (!(std::fabs(ms) <= static_cast<double>(moment::kMaxMillis)))
        return helper_error("the offset \"" + to_js_string(offset) +
                            "\" is not a number of milliseconds within 28,000 years");
    }
    auto zone = zone_of(arg(c, 2), c.env);
    if (!zone) return zone.error();
    const Millis shifted = *instant + std::chrono::milliseconds{static_cast<long long>(ms)};
    if (std::llabs(shifted.time_since_epoch().count()) > moment::kMaxMillis)
      return helper_error("the date plus the offset is more than 28,000 years from 1970");
    return make_string(moment::iso(shifted, *zone));
  };
  // {{timestamp [format] [timezone]}}: now.
  t["timestamp"] = [](const HelperCall& c) -> Result<Value> {
    auto zone = zone_of(arg(c, 1), c.env);
    if (!zone) return zone.error();
    const Millis now = date::floor<std::chrono::milliseconds>(c.env.now);
    return make_string(moment::format(now, *zone, optional_text(arg(c, 0))));
  };
}

}  // namespace sluice::support::tmpl
