#include "plugins/settings_schema.hpp"

#include <cmath>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

std::string str_of(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

bool flag(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

const json::object* properties_of(const json::object& node) {
  auto* p = node.if_contains("properties");
  return p && p->is_object() ? &p->as_object() : nullptr;
}

std::string join_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string show_when_text(const json::object& field) {
  auto* sw = field.if_contains("x-sluice-showWhen");
  if (!sw || !sw->is_object()) return {};
  std::vector<std::string> values;
  if (auto* in = sw->as_object().if_contains("in"); in && in->is_array()) {
    for (const auto& v : in->as_array())
      values.push_back(v.is_string() ? std::string(v.as_string()) : json::serialize(v));
  }
  return fmt::format("{} = {}", str_of(sw->as_object(), "path"), fmt::join(values, "|"));
}

bool contains_name(const json::object& node, std::string_view name) {
  if (auto* req = node.if_contains("required"); req && req->is_array()) {
    for (const auto& r : req->as_array()) {
      if (r.is_string() && r.as_string() == name) return true;
    }
  }
  return false;
}

void flatten(const json::object& node, const std::string& prefix, std::vector<SettingRow>& rows,
             bool parent_required) {
  const json::object* props = properties_of(node);
  if (props == nullptr) return;
  for (const auto& [name, child_value] : *props) {
    if (!child_value.is_object()) continue;
    const json::object& child = child_value.as_object();
    const std::string path = join_path(prefix, name);
    const std::string type = str_of(child, "type");
    const json::object* kids = properties_of(child);
    const bool is_group = type == "object" && kids != nullptr && !kids->empty();
    const bool required =
        flag(child, "x-sluice-required") || (parent_required && contains_name(node, name));
    if (is_group && !child.contains("title")) {
      flatten(child, path, rows, required);
      continue;
    }
    SettingRow row;
    row.path = path;
    row.type = child.contains("enum")             ? "enum"
               : flag(child, "x-sluice-template") ? "template"
                                                  : type;
    row.required = required;
    row.shown_when = show_when_text(child);
    if (auto* d = child.if_contains("default")) row.default_value = json::serialize(*d);
    row.label = str_of(child, "title");
    row.help = str_of(child, "description");
    row.group = str_of(child, "x-sluice-group");
    row.secret = flag(child, "x-sluice-secret");
    if (auto* e = child.if_contains("enum"); e && e->is_array()) {
      for (const auto& v : e->as_array())
        row.values.push_back(v.is_string() ? std::string(v.as_string()) : json::serialize(v));
    }
    rows.push_back(std::move(row));
    if (is_group) flatten(child, path, rows, required);
  }
}

void collect_secrets(const json::object& node, const std::string& prefix,
                     std::vector<std::string>& out) {
  const json::object* props = properties_of(node);
  if (props == nullptr) return;
  for (const auto& [name, child] : *props) {
    if (!child.is_object()) continue;
    const std::string path = join_path(prefix, name);
    if (flag(child.as_object(), "x-sluice-secret")) out.push_back(path);
    collect_secrets(child.as_object(), path, out);
  }
}

struct Validator {
  const json::value& root;
  std::vector<ValidationIssue> issues;

  bool condition_holds(const json::object& field) const {
    auto* sw = field.if_contains("x-sluice-showWhen");
    if (!sw || !sw->is_object()) return true;
    const json::value* actual = find_path(root, str_of(sw->as_object(), "path"));
    if (actual == nullptr) return false;
    if (auto* in = sw->as_object().if_contains("in"); in && in->is_array()) {
      for (const auto& v : in->as_array()) {
        if (v == *actual) return true;
      }
    }
    return false;
  }

  std::string expected_text(const json::object& schema) const {
    std::string type = str_of(schema, "type");
    if (auto* e = schema.if_contains("enum"); e && e->is_array()) {
      std::vector<std::string> values;
      for (const auto& v : e->as_array()) values.push_back(json::serialize(v));
      return fmt::format("one of {}", fmt::join(values, ", "));
    }
    if (type == "integer") return "an integer";
    if (type == "object") return "an object";
    if (type == "array") return "an array";
    return "a " + type;
  }

  bool type_matches(const json::object& schema, const json::value& v) const {
    const std::string type = str_of(schema, "type");
    if (type == "string") return v.is_string();
    if (type == "integer")
      return v.is_int64() || v.is_uint64() ||
             (v.is_double() && std::floor(v.as_double()) == v.as_double());
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_bool();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    return true;
  }

  // `absent_optional`: v stands for an optional group the document leaves out, so only settings
  // required by a condition that holds are missing.
  void check(const json::value& v, const json::object& schema, const std::string& path,
             bool absent_optional = false) {
    if (!type_matches(schema, v)) {
      issues.push_back({path, expected_text(schema), describe_json(&v)});
      return;
    }
    if (auto* e = schema.if_contains("enum"); e && e->is_array()) {
      bool ok = false;
      for (const auto& allowed : e->as_array()) ok = ok || allowed == v;
      if (!ok) {
        issues.push_back({path, expected_text(schema), describe_json(&v)});
        return;
      }
    }
    if (v.is_number()) {
      const double n = v.to_number<double>();
      if (auto* min = schema.if_contains("minimum");
          min && min->is_number() && n < min->to_number<double>()) {
        issues.push_back(
            {path, fmt::format("a number >= {}", json::serialize(*min)), describe_json(&v)});
      }
      if (auto* max = schema.if_contains("maximum");
          max && max->is_number() && n > max->to_number<double>()) {
        issues.push_back(
            {path, fmt::format("a number <= {}", json::serialize(*max)), describe_json(&v)});
      }
    }
    if (v.is_array()) {
      if (auto* items = schema.if_contains("items"); items && items->is_object()) {
        size_t i = 0;
        for (const auto& item : v.as_array())
          check(item, items->as_object(), fmt::format("{}[{}]", path, i++));
      }
    }
    if (v.is_object()) {
      const json::object* props = properties_of(schema);
      if (props == nullptr) return;
      for (const auto& [name, child_schema] : *props) {
        if (!child_schema.is_object()) continue;
        const json::object& cs = child_schema.as_object();
        const std::string child_path = path + "." + std::string(name);
        const json::value* child = v.as_object().if_contains(name);
        if (child == nullptr || child->is_null()) {
          const json::object* kids = properties_of(cs);
          if (str_of(cs, "type") == "object" && kids != nullptr && !kids->empty()) {
            // An absent group: report whichever of its settings are required (now).
            check(json::value(json::object()), cs, child_path,
                  absent_optional || !contains_name(schema, name));
            continue;
          }
          const bool always = !absent_optional && contains_name(schema, name);
          const bool conditional = flag(cs, "x-sluice-required") &&
                                   cs.contains("x-sluice-showWhen") && condition_holds(cs);
          if (always || conditional) {
            issues.push_back({child_path,
                              "a value (required" +
                                  (conditional ? " when " + show_when_text(cs) : std::string()) +
                                  ")",
                              "nothing"});
          }
          continue;
        }
        check(*child, cs, child_path);
      }
    }
  }
};

}  // namespace

std::string describe_json(const json::value* value) {
  if (value == nullptr) return "nothing";
  switch (value->kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return value->as_bool() ? "true" : "false";
    case json::kind::string: {
      std::string text = json::serialize(*value);
      if (text.size() > 60) text = text.substr(0, 57) + "...\"";
      return "string " + text;
    }
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return fmt::format("an array of {}", value->as_array().size());
    default:
      return "number " + json::serialize(*value);
  }
}

std::string ValidationIssue::to_string() const {
  return fmt::format("{}: expected {}, found {}", path, expected, found);
}

std::vector<SettingRow> flatten_schema(const json::object& schema) {
  std::vector<SettingRow> rows;
  flatten(schema, "", rows, true);
  return rows;
}

std::vector<std::string> secret_paths(const json::object& schema) {
  std::vector<std::string> out;
  collect_secrets(schema, "", out);
  return out;
}

std::vector<ValidationIssue> validate_against_schema(const json::value& doc,
                                                     const json::object& schema) {
  Validator v{doc, {}};
  v.check(doc, schema, "$");
  return std::move(v.issues);
}

}  // namespace sluice::host
