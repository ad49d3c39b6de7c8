#include "config.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

const json::value* find_setting(const json::object& doc, std::string_view path) noexcept {
  const size_t dot = path.find('.');
  const json::value* first = doc.if_contains(path.substr(0, dot));
  if (first == nullptr || dot == std::string_view::npos) return first;
  return find_path(*first, path.substr(dot + 1));
}

std::string text_of(const json::value* value) {
  if (value == nullptr || value->is_null()) return "null";
  if (value->is_string()) return std::string(value->get_string());
  return json::serialize(*value);
}

bool matches_any(const json::value* value, const std::vector<std::string>& values) {
  const std::string text = text_of(value);
  return std::find(values.begin(), values.end(), text) != values.end();
}

std::string describe_value(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "'" + std::string(value.get_string()) + "'";
    default:
      return json::serialize(value);
  }
}

Result<std::string> Config::string(std::string_view path, std::string fallback) const {
  const json::value* v = find(path);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_string()) {
    return make_error(Status::kInvalidConfig,
                      std::string(path) + " must be a string, got " + describe_value(*v));
  }
  return std::string(v->get_string());
}

Result<std::string> Config::one_of(std::string_view path,
                                   std::initializer_list<std::string_view> allowed,
                                   std::string fallback) const {
  auto text = string(path, fallback);
  if (!text) return text;
  if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) return text;
  std::string list;
  for (std::string_view a : allowed) list.append(list.empty() ? "" : ", ").append(a);
  return make_error(Status::kInvalidConfig,
                    std::string(path) + " must be one of " + list + ", got '" + *text + "'");
}

Result<int64_t> Config::integer(std::string_view path, int64_t fallback, int64_t min,
                                int64_t max) const {
  const json::value* v = find(path);
  if (v == nullptr || v->is_null()) return fallback;
  int64_t n = 0;
  bool ok = false;
  if (v->is_int64()) {
    n = v->get_int64();
    ok = true;
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v->get_uint64());
    ok = true;
  } else if (v->is_double() &&
             v->get_double() == static_cast<double>(static_cast<int64_t>(v->get_double()))) {
    n = static_cast<int64_t>(v->get_double());
    ok = true;
  } else if (v->is_string()) {
    const json::string& s = v->get_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    ok = ec == std::errc() && end == s.data() + s.size() && !s.empty();
  }
  if (!ok) {
    return make_error(Status::kInvalidConfig,
                      std::string(path) + " must be an integer, got " + describe_value(*v));
  }
  if (n < min || n > max) {
    return make_error(Status::kInvalidConfig,
                      std::string(path) + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got " + std::to_string(n));
  }
  return n;
}

Result<std::vector<std::string>> Config::values(std::string_view path) const {
  std::vector<std::string> out;
  const json::value* v = find(path);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    if (v->is_object()) {
      return make_error(Status::kInvalidConfig,
                        std::string(path) + " must be an array of values, got an object");
    }
    out.push_back(text_of(v));
    return out;
  }
  for (const json::value& item : v->get_array()) {
    if (item.is_object() || item.is_array()) {
      return make_error(Status::kInvalidConfig,
                        std::string(path) + " must hold strings, numbers or booleans, got " +
                            describe_value(item));
    }
    out.push_back(text_of(&item));
  }
  return out;
}

Result<support::http::Headers> Config::headers(std::string_view path) const {
  support::http::Headers out;
  const json::value* v = find(path);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    return make_error(Status::kInvalidConfig,
                      std::string(path) + " must be an array of {\"name\", \"value\"}, got " +
                          describe_value(*v));
  }
  size_t index = 0;
  for (const json::value& item : v->get_array()) {
    const std::string where = std::string(path) + "." + std::to_string(index++);
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
