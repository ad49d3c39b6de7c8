#include "config.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

namespace sluice::plugins::http {

namespace json = boost::json;

std::string text_of(const json::value* value) {
  if (value == nullptr || value->is_null()) return "null";
  if (value->is_string()) return std::string(value->get_string());
  return json::serialize(*value);
}

bool matches_any(const json::value* value, const std::vector<std::string>& values) {
  const std::string text = text_of(value);
  return std::find(values.begin(), values.end(), text) != values.end();
}

Result<std::vector<std::string>> read_values(const Setting<json::value>& setting,
                                             const json::object& doc) {
  std::vector<std::string> out;
  auto v = setting.read(doc);
  if (!v) return v.error();
  const std::string& path = setting.path();
  if (v->is_null()) return out;
  if (!v->is_array()) {
    if (v->is_object()) {
      return make_error(Status::kInvalidConfig,
                        path + " must be an array of values, got an object");
    }
    out.push_back(text_of(&*v));
    return out;
  }
  for (const json::value& item : v->get_array()) {
    if (item.is_object() || item.is_array()) {
      return make_error(
          Status::kInvalidConfig,
          path + " must hold strings, numbers or booleans, got " + describe_value(item));
    }
    out.push_back(text_of(&item));
  }
  return out;
}

Result<support::http::Headers> read_headers(const Setting<json::value>& setting,
                                            const json::object& doc) {
  support::http::Headers out;
  auto v = setting.read(doc);
  if (!v) return v.error();
  const std::string& path = setting.path();
  if (v->is_null()) return out;
  if (!v->is_array()) {
    return make_error(
        Status::kInvalidConfig,
        path + " must be an array of {\"name\", \"value\"}, got " + describe_value(*v));
  }
  size_t index = 0;
  for (const json::value& item : v->get_array()) {
    const std::string where = path + "." + std::to_string(index++);
    const json::object* header = item.if_object();
    const json::value* name = header ? header->if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string() || name->get_string().empty()) {
      return make_error(Status::kInvalidConfig, where + ".name must be a non-empty string");
    }
    const json::value* value = header->if_contains("value");
    if (value != nullptr && (value->is_object() || value->is_array())) {
      return make_error(Status::kInvalidConfig,
                        where + ".value must be a string, got " + describe_value(*value));
    }
    out.push_back({std::string(name->get_string()),
                   value == nullptr || value->is_null() ? std::string() : text_of(value)});
  }
  return out;
}

}  // namespace sluice::plugins::http
