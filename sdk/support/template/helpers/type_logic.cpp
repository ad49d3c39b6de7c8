#include <charconv>
#include <string>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

void add_type_logic_helpers(HelperTable& t) {
  // Loose equality (==), as Celigo documents it; as a block it renders fn or inverse.
  t["eq"] = [](const HelperCall& c) -> Result<Value> {
    return block_or_bool(c, js_loose_equals(arg(c, 0), arg(c, 1)));
  };
  t["isTruthy"] = [](const HelperCall& c) -> Result<Value> {
    return block_or_bool(c, js_truthy(arg(c, 0)));
  };
  t["isFalsey"] = [](const HelperCall& c) -> Result<Value> {
    return block_or_bool(c, !js_truthy(arg(c, 0)));
  };
  t["typeOf"] = [](const HelperCall& c) -> Result<Value> {
    return make_string(std::string(js_type_of(arg(c, 0))));
  };
  t["hasNoItems"] = [](const HelperCall& c) -> Result<Value> {
    const Value& v = arg(c, 0);
    bool empty = false;
    if (v.undefined || v.json.is_null())
      empty = true;
    else if (v.json.is_array())
      empty = v.json.get_array().empty();
    else if (v.json.is_object())
      empty = v.json.get_object().empty();
    else if (v.json.is_string())
      empty = v.json.get_string().empty();
    return block_or_bool(c, empty);
  };
  t["hasOwn"] = [](const HelperCall& c) -> Result<Value> {
    const Value& object = arg(c, 0);
    const std::string key = to_js_string(arg(c, 1));
    bool found = false;
    if (!object.undefined && object.json.is_object()) {
      found = object.json.get_object().contains(key);
    } else if (!object.undefined && object.json.is_array()) {
      size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      found = key == "length" ||
              (ec == std::errc() && p == key.data() + key.size() &&
               index < object.json.get_array().size() && (key == "0" || key[0] != '0'));
    } else if (!object.undefined && object.json.is_string()) {
      found = key == "length";
    }
    return block_or_bool(c, found);
  };
}

}  // namespace sluice::support::tmpl
