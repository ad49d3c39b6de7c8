#include "plugins/settings_schema.hpp"

#include "sluice/support/template.hpp"

#include <algorithm>
#include <cctype>
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
    if (flag(child, "x-sluice-unsupported") || flag(child, "x-sluice-ignored")) continue;
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
      const json::value* unsupported = child.if_contains("x-sluice-unsupportedValues");
      for (const auto& v : e->as_array()) {
        if (unsupported && unsupported->is_array() &&
            std::find(unsupported->as_array().begin(), unsupported->as_array().end(), v) !=
                unsupported->as_array().end()) {
          row.unsupported_values.push_back(v.is_string() ? std::string(v.as_string())
                                                         : json::serialize(v));
          continue;  // the platform's value, not implemented by this plugin
        }
        row.values.push_back(v.is_string() ? std::string(v.as_string()) : json::serialize(v));
      }
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

// "$.a.b" for plain names, "$.a[\"odd name\"]" (JSON-escaped) for any other.
std::string child_path(const std::string& parent, std::string_view name) {
  const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '$' || c == '-';
  });
  if (plain) return parent + "." + std::string(name);
  return parent + "[" + json::serialize(json::string(name)) + "]";
}

// An object schema is closed unless it says "additionalProperties": true or declares no
// properties at all (a free-form object).
bool is_closed(const json::object& schema) {
  if (auto* ap = schema.if_contains("additionalProperties"); ap && ap->is_bool())
    return !ap->as_bool();
  const json::object* props = properties_of(schema);
  return props != nullptr && !props->empty();
}

std::string bound_text(const json::value& v) { return json::serialize(v); }

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
      for (const auto& v : e->as_array()) {
        if (!is_unsupported_value(schema, v)) values.push_back(json::serialize(v));
      }
      return fmt::format("one of {}", fmt::join(values, ", "));
    }
    std::string what = type == "integer"  ? "an integer"
                       : type == "object" ? "an object"
                       : type == "array"  ? "an array"
                                          : "a " + type;
    const json::value* min = schema.if_contains("minimum");
    const json::value* max = schema.if_contains("maximum");
    if (min && !min->is_number()) min = nullptr;
    if (max && !max->is_number()) max = nullptr;
    if (min && max)
      return fmt::format("{} from {} to {}", what, bound_text(*min), bound_text(*max));
    if (min) return fmt::format("{} >= {}", what, bound_text(*min));
    if (max) return fmt::format("{} <= {}", what, bound_text(*max));
    return what;
  }

  static bool is_unsupported_value(const json::object& schema, const json::value& v) {
    auto* list = schema.if_contains("x-sluice-unsupportedValues");
    if (!list || !list->is_array()) return false;
    for (const auto& u : list->as_array()) {
      if (u == v) return true;
    }
    return false;
  }

  static bool type_matches(const json::object& schema, const json::value& v) {
    const std::string type = str_of(schema, "type");
    if (type == "string") return v.is_string();
    // Exact: 1.0, 1e2 and 18446744073709551615 are not integers here.
    if (type == "integer")
      return v.is_int64() || (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX));
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_bool();
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    return true;
  }

  static bool below(const json::value& v, const json::value& bound) {
    if (v.is_int64() && bound.is_int64()) return v.as_int64() < bound.as_int64();
    return v.to_number<double>() < bound.to_number<double>();
  }

  bool full() const { return issues.size() >= kMaxValidationIssues; }

  void add(const std::string& path, std::string expected, const json::value* found) {
    issues.push_back({path, std::move(expected), describe_json(found), {}});
  }

  void add_message(const std::string& path, std::string message) {
    issues.push_back({path, {}, {}, std::move(message)});
  }

  void unknown_field(const std::string& path, std::string_view name, const json::object& props) {
    if (full()) return;
    std::vector<std::string> known;   // candidates for the suggestion
    std::vector<std::string> usable;  // what to list when nothing is near
    for (const auto& [k, v] : props) {
      const json::object* field = v.if_object();
      if (field != nullptr && flag(*field, "x-sluice-ignored")) continue;
      known.emplace_back(k);
      if (field == nullptr || !flag(*field, "x-sluice-unsupported")) usable.emplace_back(k);
    }
    std::string message = "unknown field";
    if (auto near = nearest_name(name, known)) {
      message += fmt::format("; did you mean \"{}\"?", *near);
    } else if (!usable.empty() && usable.size() <= 20) {
      message += fmt::format("; the fields here are {}", fmt::join(usable, ", "));
    }
    add_message(path, std::move(message));
  }

  // `absent_optional`: v stands for an optional group the document leaves out, so only settings
  // required by a condition that holds are missing.
  void check(const json::value& v, const json::object& schema, const std::string& path,
             bool absent_optional = false) {
    if (full()) return;
    if (flag(schema, "x-sluice-ignored")) return;
    if (flag(schema, "x-sluice-unsupported")) {
      std::string message = "not supported yet by this version of Sluice";
      if (auto help = str_of(schema, "description"); !help.empty())
        message += ": " + help;
      else
        message += "; remove it";
      add_message(path, std::move(message));
      return;
    }
    if (v.is_array() && flag(schema, "x-sluice-oneOrMany")) {
      json::object one = schema;
      one.erase("x-sluice-oneOrMany");
      size_t i = 0;
      for (const auto& item : v.as_array()) check(item, one, fmt::format("{}[{}]", path, i++));
      return;
    }
    if (!type_matches(schema, v)) {
      add(path, expected_text(schema), &v);
      return;
    }
    if (auto* e = schema.if_contains("enum"); e && e->is_array()) {
      if (is_unsupported_value(schema, v)) {
        add_message(path, fmt::format("{} is not supported yet by this version of Sluice; use {}",
                                      json::serialize(v), expected_text(schema)));
        return;
      }
      bool ok = false;
      for (const auto& allowed : e->as_array()) ok = ok || allowed == v;
      if (!ok) {
        add(path, expected_text(schema), &v);
        return;
      }
    }
    if (v.is_string() && flag(schema, "x-sluice-template")) {
      // A template that does not parse is refused here, at apply, not when a flow runs.
      const std::string name = path.rfind("$.", 0) == 0 ? path.substr(2) : path;
      if (auto t = support::Template::parse(v.get_string(), name); !t) {
        add_message(path, t.error().message);
        return;
      }
    }
    if (v.is_number()) {
      auto* min = schema.if_contains("minimum");
      auto* max = schema.if_contains("maximum");
      if ((min && min->is_number() && below(v, *min)) ||
          (max && max->is_number() && below(*max, v))) {
        add(path, expected_text(schema), &v);
        return;
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
      const bool closed = props != nullptr && is_closed(schema);
      // Present fields in the document's order, then what is missing in the schema's.
      for (const auto& [name, child] : v.as_object()) {
        const json::value* child_schema = props ? props->if_contains(name) : nullptr;
        if (child_schema == nullptr) {
          if (closed) unknown_field(child_path(path, name), name, *props);
          continue;
        }
        if (child.is_null() || !child_schema->is_object()) continue;
        check(child, child_schema->as_object(), child_path(path, name));
      }
      if (props == nullptr) return;
      for (const auto& [name, child_schema] : *props) {
        if (!child_schema.is_object()) continue;
        const json::object& cs = child_schema.as_object();
        const json::value* child = v.as_object().if_contains(name);
        if (child != nullptr && !child->is_null()) continue;
        if (flag(cs, "x-sluice-unsupported") || flag(cs, "x-sluice-ignored")) continue;
        const std::string child_path_text = child_path(path, name);
        const json::object* kids = properties_of(cs);
        if (str_of(cs, "type") == "object" && kids != nullptr && !kids->empty()) {
          // An absent group: report whichever of its settings are required (now).
          check(json::value(json::object()), cs, child_path_text,
                absent_optional || !contains_name(schema, name));
          continue;
        }
        const bool always = !absent_optional && contains_name(schema, name);
        const bool conditional = flag(cs, "x-sluice-required") &&
                                 cs.contains("x-sluice-showWhen") && condition_holds(cs);
        if (always || conditional) {
          if (full()) return;
          issues.push_back({child_path_text,
                            "a value (required" +
                                (conditional ? " when " + show_when_text(cs) : std::string()) + ")",
                            "nothing",
                            {}});
        }
      }
    }
  }
};

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).
size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

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
    case json::kind::double_: {
      const double d = value->as_double();
      // An integral double was written with a fraction or exponent (1.0, 1e2) or is too large
      // for int64; say so, since "number 1" would not explain why it is not an integer.
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
        return fmt::format("number {:.1f} (written with a fraction or an exponent)", d);
      return fmt::format("number {}", d);
    }
    default:
      return "number " + json::serialize(*value);
  }
}

std::string ValidationIssue::to_string() const {
  if (!message.empty()) return fmt::format("{}: {}", path, message);
  return fmt::format("{}: expected {}, found {}", path, expected, found);
}

std::optional<std::string> nearest_name(std::string_view name,
                                        const std::vector<std::string>& known) {
  // Names longer than this are not compared: a suggestion is for typos, and the distance table
  // is quadratic in the length.
  constexpr size_t kLongest = 128;
  if (name.empty() || name.size() > kLongest) return std::nullopt;
  const std::string wanted = lower(name);
  for (const std::string& k : known) {
    if (lower(k) == wanted) return k;
  }
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const std::string& k : known) {
    if (k.size() > kLongest) continue;
    // The distance is at least the difference in length: skip what cannot be near.
    const size_t gap = k.size() > name.size() ? k.size() - name.size() : name.size() - k.size();
    if (gap > std::max<size_t>(1, std::min(name.size(), k.size()) / 3)) continue;
    const size_t distance = edit_distance(wanted, lower(k));
    if (best == nullptr || distance < best_distance) {
      best = &k;
      best_distance = distance;
    }
  }
  // At most one edit in three characters (and at least one): "htp" -> "http",
  // "pageProcesors" -> "pageProcessors", but "bogus" suggests nothing.
  const size_t allowed = std::max<size_t>(1, std::min(name.size(), best ? best->size() : 0) / 3);
  if (best == nullptr || best_distance > allowed) return std::nullopt;
  return *best;
}

namespace {

void collect_unsupported(const json::object& node, const std::string& prefix,
                         std::vector<UnsupportedSetting>& out) {
  const json::object* props = properties_of(node);
  if (props == nullptr) return;
  for (const auto& [name, child] : *props) {
    if (!child.is_object()) continue;
    const std::string path = join_path(prefix, name);
    if (flag(child.as_object(), "x-sluice-unsupported")) {
      out.push_back({path, str_of(child.as_object(), "description")});
      continue;
    }
    collect_unsupported(child.as_object(), path, out);
  }
}

}  // namespace

std::vector<UnsupportedSetting> unsupported_settings(const json::object& schema) {
  std::vector<UnsupportedSetting> out;
  collect_unsupported(schema, "", out);
  return out;
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
  if (v.full()) {
    v.issues.push_back(
        {"$",
         {},
         {},
         fmt::format("more problems not shown (the first {} are)", kMaxValidationIssues)});
  }
  return std::move(v.issues);
}

}  // namespace sluice::host
