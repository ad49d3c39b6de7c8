#include "sluice/json_path.hpp"

#include <charconv>

namespace sluice {

namespace json = boost::json;

namespace {

std::string_view next_part(std::string_view& rest) {
  const auto dot = rest.find('.');
  std::string_view part = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  return part;
}

}  // namespace

json::value* find_path(json::value& root, std::string_view path) noexcept {
  json::value* node = &root;
  while (!path.empty()) {
    const std::string_view part = next_part(path);
    if (auto* object = node->if_object()) {
      node = object->if_contains(part);
    } else if (auto* array = node->if_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size() || index >= array->size()) {
        return nullptr;
      }
      node = &(*array)[index];
    } else {
      return nullptr;
    }
    if (node == nullptr) return nullptr;
  }
  return node;
}

const json::value* find_path(const json::value& root, std::string_view path) noexcept {
  return find_path(const_cast<json::value&>(root), path);
}

const json::value* find_path(const json::object& root, std::string_view path) noexcept {
  if (path.empty()) return nullptr;
  const json::value* first = root.if_contains(next_part(path));
  if (first == nullptr || path.empty()) return first;
  return find_path(*first, path);
}

bool set_path(json::value& root, std::string_view path, json::value value) {
  json::value* node = &root;
  while (true) {
    const std::string_view part = next_part(path);
    if (node->is_null()) *node = json::object();
    auto* object = node->if_object();
    if (object == nullptr) return false;
    if (path.empty()) {
      (*object)[part] = std::move(value);
      return true;
    }
    node = &(*object)[part];
  }
}

}  // namespace sluice
