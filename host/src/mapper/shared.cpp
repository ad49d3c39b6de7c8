#include "mapper/shared.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace sluice::mapper::detail {

namespace json = boost::json;

Error config_error(std::string_view path, std::string_view what) {
  std::string message(path);
  message.append(": ").append(what);
  return make_error(Status::kInvalidConfig, std::move(message));
}

std::string child(std::string_view path, std::string_view key) {
  std::string out(path);
  out.append(".").append(key);
  return out;
}

std::string index(std::string_view path, std::size_t i) {
  std::string out(path);
  out.append("[").append(std::to_string(i)).append("]");
  return out;
}

std::string sibling(std::string_view path, std::string_view name) {
  const std::size_t cut = path.find_last_of(". ");
  std::string out(cut == std::string_view::npos ? std::string_view() : path.substr(0, cut + 1));
  out.append(name);
  return out;
}

std::string found(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return json::serialize(value) + " (a string)";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return json::serialize(value) + " (a number)";
    case json::kind::bool_:
      return json::serialize(value) + " (a boolean)";
    case json::kind::null:
      return "null";
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
  }
  return "a value";
}

Error expected(std::string_view path, const json::value& value, std::string_view what) {
  return config_error(path, "found " + found(value) + ", expected " + std::string(what));
}

Result<void> check_fields(const json::object& object, std::string_view path,
                          std::initializer_list<std::string_view> known,
                          std::initializer_list<std::string_view> unsupported) {
  for (const auto& member : object) {
    const std::string_view key = member.key();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    if (std::find(unsupported.begin(), unsupported.end(), key) != unsupported.end())
      return config_error(child(path, key),
                          "not supported yet (integrator.io has it; Sluice does not do it yet, "
                          "see docs/mappings.md); remove it");
    std::string list;
    for (std::string_view k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    return config_error(child(path, key), "unknown field; expected one of " + list);
  }
  return {};
}

Result<const json::object*> as_object(const json::value& value, std::string_view path) {
  if (!value.is_object()) return expected(path, value, "an object");
  return &value.get_object();
}

Result<std::optional<std::string_view>> optional_string(const json::object& object,
                                                        std::string_view key,
                                                        std::string_view path) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return std::optional<std::string_view>();
  if (!value->is_string()) return expected(child(path, key), *value, "a string");
  return std::optional<std::string_view>(std::string_view(value->get_string()));
}

Result<std::string_view> required_string(const json::object& object, std::string_view key,
                                         std::string_view path, std::string_view what) {
  auto value = optional_string(object, key, path);
  if (!value) return value.error();
  if (!*value || (*value)->empty())
    return config_error(child(path, key), "missing; expected " + std::string(what));
  return **value;
}

Result<bool> optional_bool(const json::object& object, std::string_view key, std::string_view path,
                           bool fallback) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr) return fallback;
  if (!value->is_bool()) return expected(child(path, key), *value, "true or false");
  return value->get_bool();
}

Result<void> compile_lookups(const json::value* lookups, const std::string& path,
                             std::vector<Lookup>& out) {
  if (lookups == nullptr) return {};
  if (!lookups->is_array()) return expected(path, *lookups, "an array of lookups");
  const json::array& array = lookups->get_array();
  out.reserve(out.size() + array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = index(path, i);
    auto object = as_object(array[i], at);
    if (!object) return object.error();
    if (auto ok =
            check_fields(**object, at, {"name", "map", "default", "allowFailures"},
                         {"_lookupCacheId", "extract", "relativeURI", "method", "body", "postBody",
                          "recordType", "searchField", "resultField", "operator", "expression"});
        !ok)
      return ok.error();
    auto name = required_string(**object, "name", at, "the lookup's name");
    if (!name) return name.error();
    for (const Lookup& other : out)
      if (other.name == *name)
        return config_error(child(at, "name"), "\"" + std::string(*name) +
                                                   "\" names two lookups; expected unique names");
    Lookup lookup;
    lookup.name = std::string(*name);
    const json::value* map = object.value()->if_contains("map");
    if (map == nullptr)
      return config_error(child(at, "map"), "missing; expected an object of value → value");
    if (!map->is_object()) return expected(child(at, "map"), *map, "an object of value → value");
    for (const auto& entry : map->get_object())
      if (entry.value().is_object() || entry.value().is_array())
        return expected(child(child(at, "map"), entry.key()), entry.value(),
                        "a string, number, boolean or null");
    lookup.map = map->get_object();
    if (const json::value* fallback = object.value()->if_contains("default")) {
      if (fallback->is_object() || fallback->is_array())
        return expected(child(at, "default"), *fallback, "a string, number, boolean or null");
      lookup.fallback = *fallback;
    }
    auto allow = optional_bool(**object, "allowFailures", at);
    if (!allow) return allow.error();
    lookup.allow_failures = *allow;
    out.push_back(std::move(lookup));
  }
  return {};
}

Result<const Lookup*> find_lookup(const std::vector<Lookup>& lookups, std::string_view name,
                                  std::string_view path) {
  for (const Lookup& lookup : lookups)
    if (lookup.name == name) return &lookup;
  std::string names;
  for (const Lookup& lookup : lookups) names += (names.empty() ? "" : ", ") + lookup.name;
  return config_error(path, "\"" + std::string(name) +
                                "\" names no lookup; expected one of the lookups' names (" +
                                (names.empty() ? "there are none" : names) + ")");
}

std::string quoted(const json::value& value) {
  std::string text = json::serialize(value);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

bool is_empty(const json::value* value) noexcept {
  return value == nullptr || value->is_null() ||
         (value->is_string() && value->get_string().empty()) ||
         (value->is_array() && value->get_array().empty());
}

void set_path(json::value& root, const std::vector<Path::Step>& steps, json::value value,
              std::size_t slot) {
  json::value* at = &root;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Path::Step& step = steps[i];
    json::value* next = nullptr;
    if (step.kind == Path::Step::Kind::kKey) {
      if (!at->is_object()) *at = json::object(at->storage());
      next = &at->get_object()[step.key];
    } else {
      const std::size_t n = step.kind == Path::Step::Kind::kIndex ? step.index : slot;
      if (!at->is_array()) *at = json::array(at->storage());
      json::array& array = at->get_array();
      if (array.size() <= n) array.resize(n + 1);
      next = &array[n];
    }
    at = next;
  }
  *at = std::move(value);
}

}  // namespace sluice::mapper::detail
