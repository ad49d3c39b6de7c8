#include "sluice/schema.hpp"

#include <algorithm>
#include <string_view>

namespace sluice {

namespace json = boost::json;

std::string_view to_string(FieldType type) noexcept {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kNumber:
      return "number";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kObject:
      return "object";
    case FieldType::kArray:
      return "array";
    case FieldType::kTemplate:
      return "template";
  }
  return "string";
}

namespace {

std::string_view json_type(FieldType type) {
  switch (type) {
    case FieldType::kEnum:
    case FieldType::kTemplate:
      return "string";
    default:
      return to_string(type);
  }
}

void add_unique(json::object& node, std::string_view name) {
  auto& required = node["required"];
  if (!required.is_array()) required = json::array();
  auto& list = required.as_array();
  if (std::find(list.begin(), list.end(), json::value(name)) == list.end()) list.emplace_back(name);
}

json::object new_object_node() {
  return json::object{{"type", "object"}, {"properties", json::object()}};
}

}  // namespace

Field::Field(std::string path, FieldType type) : path_(std::move(path)), type_(type) {}
Field::Field(const Field& other) { *this = other; }
Field& Field::operator=(const Field& other) {
  if (this == &other) return *this;
  path_ = other.path_;
  type_ = other.type_;
  label_ = other.label_;
  help_ = other.help_;
  group_ = other.group_;
  required_ = other.required_;
  secret_ = other.secret_;
  one_or_many_ = other.one_or_many_;
  has_default_ = other.has_default_;
  default_ = other.default_;
  enum_values_ = other.enum_values_;
  unsupported_values_ = other.unsupported_values_;
  shown_when_path_ = other.shown_when_path_;
  shown_when_values_ = other.shown_when_values_;
  has_minimum_ = other.has_minimum_;
  has_maximum_ = other.has_maximum_;
  minimum_ = other.minimum_;
  maximum_ = other.maximum_;
  item_type_ = other.item_type_;
  item_schema_ = other.item_schema_ ? std::make_unique<Schema>(*other.item_schema_) : nullptr;
  return *this;
}
Field::Field(Field&&) noexcept = default;
Field& Field::operator=(Field&&) noexcept = default;
Field::~Field() = default;

Field& Field::label(std::string text) {
  label_ = std::move(text);
  return *this;
}
Field& Field::help(std::string text) {
  help_ = std::move(text);
  return *this;
}
Field& Field::required(bool yes) {
  required_ = yes;
  return *this;
}
Field& Field::default_value(json::value value) {
  default_ = std::move(value);
  has_default_ = true;
  return *this;
}
Field& Field::group(std::string name) {
  group_ = std::move(name);
  return *this;
}
Field& Field::secret(bool yes) {
  secret_ = yes;
  return *this;
}
Field& Field::shown_when(std::string path, std::vector<json::value> values) {
  shown_when_path_ = std::move(path);
  shown_when_values_ = std::move(values);
  return *this;
}
Field& Field::shown_when(std::string path, json::value value) {
  return shown_when(std::move(path), std::vector<json::value>{std::move(value)});
}
Field& Field::unsupported_values(std::vector<std::string> values) {
  unsupported_values_ = std::move(values);
  return *this;
}
std::vector<std::string> Field::implemented_enum_values() const {
  std::vector<std::string> out;
  for (const std::string& v : enum_values_) {
    if (std::find(unsupported_values_.begin(), unsupported_values_.end(), v) ==
        unsupported_values_.end()) {
      out.push_back(v);
    }
  }
  return out;
}
Field& Field::one_or_many(bool yes) {
  one_or_many_ = yes;
  return *this;
}
Field& Field::minimum(double value) {
  minimum_ = value;
  has_minimum_ = true;
  return *this;
}
Field& Field::maximum(double value) {
  maximum_ = value;
  has_maximum_ = true;
  return *this;
}
Field& Field::items(FieldType type) {
  item_type_ = type;
  item_schema_.reset();
  return *this;
}
Field& Field::items(const Schema& item_schema) {
  item_type_ = FieldType::kObject;
  item_schema_ = std::make_unique<Schema>(item_schema);
  return *this;
}

json::object Field::to_json() const {
  json::object out;
  out["type"] = json_type(type_);
  if (!label_.empty()) out["title"] = label_;
  if (!help_.empty()) out["description"] = help_;
  if (has_default_) out["default"] = default_;
  if (type_ == FieldType::kEnum) {
    json::array values;
    for (const auto& v : enum_values_) values.emplace_back(v);
    out["enum"] = std::move(values);
    if (!unsupported_values_.empty()) {
      json::array unsupported;
      for (const auto& v : unsupported_values_) unsupported.emplace_back(v);
      out["x-sluice-unsupportedValues"] = std::move(unsupported);
    }
  }
  if (type_ == FieldType::kTemplate) out["x-sluice-template"] = true;
  if (type_ == FieldType::kObject) out["properties"] = json::object();
  if (type_ == FieldType::kArray) {
    if (item_schema_) {
      out["items"] = item_schema_->to_json();
      out["items"].as_object().erase("$schema");
    } else {
      out["items"] = json::object{{"type", json_type(item_type_)}};
    }
  }
  // Whole bounds are written as integers so that messages and forms show "1", not "1E0".
  auto bound = [](double v) -> json::value {
    if (v == static_cast<double>(static_cast<int64_t>(v))) return static_cast<int64_t>(v);
    return v;
  };
  if (has_minimum_) out["minimum"] = bound(minimum_);
  if (has_maximum_) out["maximum"] = bound(maximum_);
  if (one_or_many_) out["x-sluice-oneOrMany"] = true;
  if (required_) out["x-sluice-required"] = true;
  if (secret_) {
    out["writeOnly"] = true;
    out["x-sluice-secret"] = true;
  }
  if (!group_.empty()) out["x-sluice-group"] = group_;
  if (!shown_when_path_.empty()) {
    json::array values(shown_when_values_.begin(), shown_when_values_.end());
    out["x-sluice-showWhen"] = json::object{{"path", shown_when_path_}, {"in", std::move(values)}};
  }
  return out;
}

Field& Schema::add(std::string path, FieldType type) {
  fields_.emplace_back(std::move(path), type);
  return fields_.back();
}
Field& Schema::string(std::string path) { return add(std::move(path), FieldType::kString); }
Field& Schema::integer(std::string path) { return add(std::move(path), FieldType::kInteger); }
Field& Schema::number(std::string path) { return add(std::move(path), FieldType::kNumber); }
Field& Schema::boolean(std::string path) { return add(std::move(path), FieldType::kBoolean); }
Field& Schema::enumeration(std::string path, std::vector<std::string> values) {
  Field& field = add(std::move(path), FieldType::kEnum);
  field.enum_values_ = std::move(values);
  return field;
}
Field& Schema::object(std::string path) { return add(std::move(path), FieldType::kObject); }
Field& Schema::array(std::string path) { return add(std::move(path), FieldType::kArray); }
Field& Schema::tmpl(std::string path) { return add(std::move(path), FieldType::kTemplate); }

Schema& Schema::unsupported(std::string path, std::string help) {
  markers_.push_back({std::move(path), "x-sluice-unsupported", std::move(help)});
  return *this;
}
Schema& Schema::ignored(std::string path, std::string help) {
  markers_.push_back({std::move(path), "x-sluice-ignored", std::move(help)});
  return *this;
}

json::object Schema::to_json() const {
  json::object root = new_object_node();
  root.emplace("$schema", "https://json-schema.org/draft/2020-12/schema");
  for (const Field& field : fields_) {
    json::object* node = &root;
    std::string_view rest = field.path_;
    std::vector<std::string_view> parts;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      parts.push_back(rest.substr(0, dot));
      rest.remove_prefix(dot + 1);
    }
    const bool unconditional_required = field.required_ && field.shown_when_path_.empty();
    for (std::string_view part : parts) {
      auto& props = (*node)["properties"];
      if (!props.is_object()) props = json::object();
      auto& child = props.as_object()[part];
      if (!child.is_object()) child = new_object_node();
      if (unconditional_required) add_unique(*node, part);
      node = &child.as_object();
      if (!node->contains("properties")) (*node)["properties"] = json::object();
    }
    auto& props = (*node)["properties"];
    if (!props.is_object()) props = json::object();
    json::object leaf = field.to_json();
    if (auto* existing = props.as_object().if_contains(rest); existing && existing->is_object()) {
      // An object field declared after its children keeps the children it already has.
      if (auto* kids = existing->as_object().if_contains("properties")) leaf["properties"] = *kids;
      if (auto* req = existing->as_object().if_contains("required")) leaf["required"] = *req;
    }
    props.as_object()[rest] = std::move(leaf);
    if (unconditional_required) add_unique(*node, rest);
  }
  // After the fields, so that declared fields keep their order (forms, messages).
  for (const Marker& marker : markers_) {
    json::object* node = &root;
    std::string_view rest = marker.path;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      auto& props = (*node)["properties"];
      if (!props.is_object()) props = json::object();
      auto& child = props.as_object()[rest.substr(0, dot)];
      if (!child.is_object()) child = new_object_node();
      node = &child.as_object();
      rest.remove_prefix(dot + 1);
    }
    auto& props = (*node)["properties"];
    if (!props.is_object()) props = json::object();
    json::object leaf{{marker.key, true}};
    if (!marker.help.empty()) leaf["description"] = marker.help;
    props.as_object()[rest] = std::move(leaf);
  }
  return root;
}

}  // namespace sluice
