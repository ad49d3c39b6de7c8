#include <algorithm>
#include <cmath>
#include <string>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace json = boost::json;

namespace {

Result<bool> compare(const Value& a, std::string_view op, const Value& b) {
  if (op == "==") return js_loose_equals(a, b);
  if (op == "===") return js_strict_equals(a, b);
  if (op == "!=") return !js_loose_equals(a, b);
  if (op == "!==") return !js_strict_equals(a, b);
  if (op == "<") return js_less(a, b, false);
  if (op == ">") return js_less(b, a, false);
  if (op == "<=") return js_less(a, b, true);
  if (op == ">=") return js_less(b, a, true);
  if (op == "typeof") return js_type_of(a) == to_js_string(b);
  return helper_error("the operator \"" + std::string(op) +
                      "\" is not one of ==, ===, !=, !==, <, >, <=, >=, typeof");
}

bool contains(const Value& collection, const Value& value, double start) {
  if (collection.undefined || collection.json.is_null()) return false;
  if (collection.json.is_array()) {
    const auto& array = collection.json.get_array();
    for (size_t i = start > 0 ? static_cast<size_t>(start) : 0; i < array.size(); ++i)
      if (js_strict_equals(make_value(array[i]), value)) return true;
    return false;
  }
  if (collection.json.is_object()) return false;
  const std::u32string haystack = utf8_decode(to_js_string(collection));
  const std::u32string needle = utf8_decode(to_js_string(value));
  const size_t from = start > 0 ? static_cast<size_t>(start) : 0;
  return from <= haystack.size() && haystack.find(needle, from) != std::u32string::npos;
}

Result<bool> satisfies(std::string_view condition, const json::value& element) {
  const Value v = make_value(element);
  if (condition == "isTruthy") return js_truthy(v);
  if (condition == "isFalsy" || condition == "isFalsey") return !js_truthy(v);
  if (condition == "isArray") return element.is_array();
  if (condition == "isString") return element.is_string();
  if (condition == "isObject") return element.is_object();
  if (condition == "isNumber") return element.is_number();
  if (condition == "isBoolean") return element.is_bool();
  return helper_error("the condition \"" + std::string(condition) +
                      "\" is not one of isTruthy, isFalsy, isArray, isString, isObject, "
                      "isNumber, isBoolean");
}

Result<Value> render(const HelperCall& c, bool fn, const ValueRef& self, const json::object& data) {
  const auto& section = fn ? c.block->fn : c.block->inverse;
  if (!section) return Value::safe_string("");
  auto text = section(self, data, {});
  if (!text) return text.error();
  return Value::safe_string(std::move(*text));
}

}  // namespace

void add_block_helpers(HelperTable& t) {
  t["and"] = [](const HelperCall& c) -> Result<Value> {
    bool all = !c.args.empty();
    for (const auto& a : c.args) all = all && js_truthy(a);
    return block_or_bool(c, all);
  };
  t["or"] = [](const HelperCall& c) -> Result<Value> {
    bool any = false;
    for (const auto& a : c.args) any = any || js_truthy(a);
    return block_or_bool(c, any);
  };
  t["not"] = [](const HelperCall& c) -> Result<Value> {
    return block_or_bool(c, !js_truthy(arg(c, 0)));
  };
  t["neither"] = [](const HelperCall& c) -> Result<Value> {
    return block_or_bool(c, !js_truthy(arg(c, 0)) && !js_truthy(arg(c, 1)));
  };
  t["compare"] = [](const HelperCall& c) -> Result<Value> {
    if (c.args.size() < 3)
      return helper_error(
          "expects 3 arguments (a value, an operator such as \"===\", a value), "
          "got " +
          std::to_string(c.args.size()));
    if (c.args[1].undefined || !c.args[1].json.is_string())
      return helper_error("the operator (second argument) must be a string such as \"===\"");
    auto result = compare(c.args[0], c.args[1].json.get_string(), c.args[2]);
    if (!result) return result.error();
    return block_or_bool(c, *result);
  };
  t["contains"] = [](const HelperCall& c) -> Result<Value> {
    const double start = arg(c, 2).undefined ? 0 : to_js_number(arg(c, 2));
    return block_or_bool(
        c, contains(arg(c, 0), arg(c, 1), std::isnan(start) ? 0 : std::clamp(start, 0.0, 1e15)));
  };
  t["inArray"] = [](const HelperCall& c) -> Result<Value> {
    const Value& array = arg(c, 0);
    bool found = false;
    if (!array.undefined && array.json.is_array())
      for (const auto& element : array.json.get_array())
        found = found || js_strict_equals(make_value(element), arg(c, 1));
    return block_or_bool(c, found);
  };
  t["ifEven"] = [](const HelperCall& c) -> Result<Value> {
    return block_or_bool(c, std::fmod(to_js_number(arg(c, 0)), 2) == 0);
  };
  t["isEmpty"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    bool empty = true;
    if (!v.undefined && v.json.is_array())
      empty = v.json.get_array().empty();
    else if (!v.undefined && v.json.is_object())
      empty = v.json.get_object().empty();
    return block_or_bool(c, empty);
  };
  t["startsWith"] = [](const HelperCall& c) -> Result<Value> {
    const Value& prefix = arg(c, 0);
    const Value& text = arg(c, 1);
    if (prefix.undefined || text.undefined) {
      if (c.block == nullptr) return make_bool(false);
      return Value::safe_string("");
    }
    const bool match = text.json.is_string() &&
                       std::string_view(text.json.get_string()).starts_with(to_js_string(prefix));
    return block_or_bool(c, match);
  };
  t["some"] = [](const HelperCall& c) -> Result<Value> {
    const Value& array = arg(c, 0);
    std::string condition;
    if (!arg(c, 1).undefined && arg(c, 1).json.is_string())
      condition = std::string(arg(c, 1).json.get_string());
    else if (c.arg_paths.size() > 1)
      condition = std::string(c.arg_paths[1]);
    if (condition.empty())
      return helper_error(
          "the second argument must name a condition: isTruthy, isFalsy, "
          "isArray, isString, isObject, isNumber or isBoolean");
    bool any = false;
    if (!array.undefined && array.json.is_array()) {
      for (const auto& element : array.json.get_array()) {
        auto ok = satisfies(condition, element);
        if (!ok) return ok.error();
        if (*ok) {
          any = true;
          break;
        }
      }
    } else {
      auto ok = satisfies(condition, json::value());  // still refuse an unknown condition
      if (!ok) return ok.error();
    }
    return block_or_bool(c, any);
  };
  // {{#filter array value [property]}}: fn once per element equal (===) to value (or whose
  // property is), with the element as `this`; inverse when none; nothing when not an array.
  t["filter"] = [](const HelperCall& c) -> Result<Value> {
    const Value& array = arg(c, 0);
    const Value& wanted = arg(c, 1);
    const Value& property = arg(c, 2);
    json::array matches;
    if (array.undefined || !array.json.is_array()) {
      if (c.block == nullptr) return make_value(json::array());
      return Value::safe_string("");
    }
    for (const auto& element : array.json.get_array()) {
      Value candidate = make_value(element);
      if (!property.undefined && !property.json.is_null()) {
        const json::value* found = find_path(element, to_js_string(property));
        candidate = found ? make_value(*found) : Value::make_undefined();
      }
      if (js_strict_equals(candidate, wanted)) matches.push_back(element);
    }
    if (c.block == nullptr) return make_value(json::value(std::move(matches)));
    if (matches.empty()) return render(c, false, c.self, json::object());
    std::string out;
    for (size_t i = 0; i < matches.size(); ++i) {
      json::object data;
      data["index"] = i;
      data["first"] = i == 0;
      data["last"] = i + 1 == matches.size();
      auto text = render(c, true, make_value(matches[i]), data);
      if (!text) return text.error();
      out += text->json.get_string();
    }
    return Value::safe_string(std::move(out));
  };
}

}  // namespace sluice::support::tmpl
