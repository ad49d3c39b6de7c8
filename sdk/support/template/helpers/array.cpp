#include <algorithm>
#include <cmath>
#include <string>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace json = boost::json;

namespace {

// Array.prototype.slice(begin, end) bounds for an array of `size`.
size_t slice_bound(double index, size_t size) {
  if (std::isnan(index)) return 0;
  const double n = static_cast<double>(size);
  const double i =
      index < 0 ? std::max(0.0, n + std::trunc(index)) : std::min(n, std::trunc(index));
  return static_cast<size_t>(i);
}

Result<const json::array*> array_argument(const HelperCall& c) {
  const Value& v = arg(c, 0);
  if (v.undefined || v.json.is_null()) return nullptr;
  if (!v.json.is_array())
    return helper_error("the first argument must be an array, got " + std::string(js_type_of(v)));
  return &v.json.get_array();
}

bool flag(const boost::json::object& hash, std::string_view key) {
  const auto* v = hash.if_contains(key);
  if (v == nullptr) return false;
  if (v->is_string()) return v->get_string() == "true";
  return js_truthy(*v);
}

}  // namespace

void add_array_helpers(HelperTable& t) {
  t["after"] = [](const HelperCall& c) -> Result<Value> {
    auto array = array_argument(c);
    if (!array) return array.error();
    if (*array == nullptr) return make_string("");
    const auto& a = **array;
    const size_t begin = slice_bound(to_js_number(arg(c, 1)), a.size());
    return make_value(json::array(a.begin() + static_cast<std::ptrdiff_t>(begin), a.end()));
  };
  t["before"] = [](const HelperCall& c) -> Result<Value> {
    auto array = array_argument(c);
    if (!array) return array.error();
    if (*array == nullptr) return make_string("");
    const auto& a = **array;
    const size_t end = slice_bound(-to_js_number(arg(c, 1)), a.size());
    return make_value(json::array(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(end)));
  };
  t["arrayify"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    if (v.undefined || v.json.is_null()) return make_value(json::array());
    if (v.json.is_array()) return make_value(v.json);
    json::array out;
    out.push_back(v.json);
    return make_value(json::value(std::move(out)));
  };
  // {{getValue "record.a.b" default}}: the value at a path from `this` (else from `this.record`);
  // the default when it is missing or null.
  t["getValue"] = [](const HelperCall& c) -> Result<Value> {
    const Value& path = arg(c, 0);
    const json::value* found = nullptr;
    if (!path.undefined && !path.json.is_null() && !c.self.undefined) {
      const std::string text = to_js_string(path);
      found = find_path(c.self.json, text);
      // Celigo's nested example reads a bare field name from the record.
      if (found == nullptr && c.self.json.is_object())
        if (const auto* record = c.self.json.get_object().if_contains("record"))
          found = find_path(*record, text);
    }
    if (found == nullptr || found->is_null()) return arg(c, 1);
    return make_value(*found);
  };
  t["pluck"] = [](const HelperCall& c) -> Result<Value> {
    auto array = array_argument(c);
    if (!array) return array.error();
    if (*array == nullptr) return make_string("");
    const std::string property = to_js_string(arg(c, 1));
    json::array out;
    for (const auto& element : **array) {
      const json::value* found = find_path(element, property);
      out.push_back(found ? *found : json::value());
    }
    return make_value(json::value(std::move(out)));
  };
  // {{sort array [number="true"] [reverse="true"]}}: by text (JavaScript's default sort) or as
  // numbers; stable.
  t["sort"] = [](const HelperCall& c) -> Result<Value> {
    auto array = array_argument(c);
    if (!array) return array.error();
    if (*array == nullptr) return make_string("");
    json::array out = **array;
    const bool numeric = flag(c.hash, "number");
    const bool reverse = flag(c.hash, "reverse");
    std::stable_sort(out.begin(), out.end(), [&](const json::value& a, const json::value& b) {
      if (numeric) {
        const double x = to_js_number(a), y = to_js_number(b);
        return reverse ? x > y : x < y;
      }
      const auto x = utf8_decode(to_js_string(a)), y = utf8_decode(to_js_string(b));
      return reverse ? y < x : x < y;
    });
    return make_value(json::value(std::move(out)));
  };
  t["unique"] = [](const HelperCall& c) -> Result<Value> {
    auto array = array_argument(c);
    if (!array) return array.error();
    if (*array == nullptr) return make_value(json::array());
    json::array out;
    for (const auto& element : **array) {
      const Value candidate = make_value(element);
      bool seen = false;
      for (const auto& kept : out) seen = seen || js_strict_equals(make_value(kept), candidate);
      if (!seen) out.push_back(element);
    }
    return make_value(json::value(std::move(out)));
  };
}

}  // namespace sluice::support::tmpl
