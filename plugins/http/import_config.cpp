#include "import_config.hpp"

#include <algorithm>

#include "config.hpp"
#include "settings.hpp"
#include "sluice/json_path.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::Template;

namespace {

Error invalid(std::string message) {
  return make_error(Status::kInvalidConfig, std::move(message));
}

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// The values of a one-or-many setting (Field::one_or_many): empty when absent, one for a single
// value, else one per array entry. Each is checked as the setting checks a single value, the
// message naming its index.
Result<std::vector<std::string>> read_entries(const Setting<std::string>& setting,
                                              const json::object& doc) {
  std::vector<std::string> out;
  const json::value* raw = find_path(doc, setting.path());
  if (raw == nullptr || raw->is_null()) {
    if (!setting.field().declared_default()) return out;
    auto value = setting.read(doc);
    if (!value) return value.error();
    out.push_back(std::move(*value));
    return out;
  }
  if (!raw->is_array()) {
    auto value = setting.read(doc);
    if (!value) return value.error();
    out.push_back(std::move(*value));
    return out;
  }
  const json::array& entries = raw->get_array();
  if (entries.empty()) {
    return invalid(setting.path() +
                   " is an empty array: give one value, or one per "
                   "http.requestType entry");
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    // The entry alone, read through the same declaration, so that it is checked the same way.
    json::value one(json::object{});
    set_path(one, setting.path(), entries[i]);
    auto value = setting.read(one.get_object());
    if (!value) {
      std::string message = value.error().message;
      if (message.starts_with(setting.path())) {
        message.replace(0, setting.path().size(), indexed(setting.path(), i));
      }
      return invalid(std::move(message));
    }
    out.push_back(std::move(*value));
  }
  return out;
}

// `entries` stretched to one per operation: a single value serves every operation.
Result<std::vector<std::string>> per_operation(const Setting<std::string>& setting,
                                               std::vector<std::string> entries, size_t count,
                                               const std::string& types) {
  if (entries.empty()) return std::vector<std::string>(count);
  if (entries.size() == 1) return std::vector<std::string>(count, entries.front());
  if (entries.size() != count) {
    return invalid(setting.path() + " has " + std::to_string(entries.size()) +
                   " entries but http.requestType has " + std::to_string(count) + " (" + types +
                   "): give one value for all, or one per request type in the same order");
  }
  return entries;
}

}  // namespace

bool has_value(const json::value* value) noexcept {
  if (value == nullptr || value->is_null()) return false;
  return !(value->is_string() && value->get_string().empty());
}

namespace {

bool is_empty_node(const json::value& v) {
  return v.is_null() || (v.is_string() && v.get_string().empty()) ||
         (v.is_array() && v.get_array().empty()) || (v.is_object() && v.get_object().empty());
}

}  // namespace

void drop_empty_nodes(json::value& value) {
  if (json::object* object = value.if_object()) {
    // Rebuilt rather than erased from: object::erase moves the last member into the gap, and
    // the body keeps the record's key order.
    json::object kept(object->storage());
    kept.reserve(object->size());
    for (auto& member : *object) {
      drop_empty_nodes(member.value());
      if (!is_empty_node(member.value())) kept.emplace(member.key(), std::move(member.value()));
    }
    *object = std::move(kept);
  } else if (json::array* array = value.if_array()) {
    for (auto it = array->begin(); it != array->end();) {
      drop_empty_nodes(*it);
      it = is_empty_node(*it) ? array->erase(it) : std::next(it);
    }
  }
}

Result<ImportPlan> ImportPlan::read(const json::object& doc, const TemplateUse& use) {
  const ImportSettings& s = import_settings();
  ImportPlan plan;

  auto types = read_entries(s.request_type, doc);
  if (!types) return types.error();
  for (size_t i = 0; i < types->size(); ++i) {
    if (std::find(types->begin(), types->begin() + i, (*types)[i]) != types->begin() + i) {
      return invalid(s.request_type.path() + " lists " + (*types)[i] +
                     " twice: give each request type once, e.g. [\"UPDATE\", \"CREATE\"]");
    }
  }
  std::string type_list;
  for (const auto& t : *types) type_list.append(type_list.empty() ? "" : ", ").append(t);

  auto methods = read_entries(s.method, doc);
  if (!methods) return methods.error();
  auto uris = read_entries(s.relative_uri, doc);
  if (!uris) return uris.error();
  auto bodies = read_entries(s.body, doc);
  if (!bodies) return bodies.error();

  size_t count = std::max<size_t>(types->size(), 1);
  if (types->empty()) {
    for (auto [setting, entries] :
         {std::pair{&s.method, &*methods}, std::pair{&s.relative_uri, &*uris},
          std::pair{&s.body, &*bodies}}) {
      if (entries->size() > 1) {
        return invalid(setting->path() + " has " + std::to_string(entries->size()) +
                       " entries but http.requestType is not set: with several requests, say "
                       "which is which, e.g. \"requestType\": [\"UPDATE\", \"CREATE\"], with "
                       "http.existingExtract naming the field that says a record exists");
      }
    }
  }
  auto method_of = per_operation(s.method, std::move(*methods), count, type_list);
  if (!method_of) return method_of.error();
  auto uri_of = per_operation(s.relative_uri, std::move(*uris), count, type_list);
  if (!uri_of) return uri_of.error();
  auto body_of = per_operation(s.body, std::move(*bodies), count, type_list);
  if (!body_of) return body_of.error();

  std::vector<std::vector<std::string>> paths;
  for (const Setting<std::string>* setting :
       {&s.resource_path, &s.resource_id_path, &s.success_path, &s.fail_path, &s.error_path}) {
    auto entries = read_entries(*setting, doc);
    if (!entries) return entries.error();
    auto stretched = per_operation(*setting, std::move(*entries), count, type_list);
    if (!stretched) return stretched.error();
    paths.push_back(std::move(*stretched));
  }
  auto success_values = read_values(s.success_values, doc);
  if (!success_values) return success_values.error();
  auto fail_values = read_values(s.fail_values, doc);
  if (!fail_values) return fail_values.error();

  // A template is named with its index only where the document gives an array.
  const auto name_of = [&](const Setting<std::string>& setting, size_t i) {
    const json::value* raw = find_path(doc, setting.path());
    return raw != nullptr && raw->is_array() && raw->get_array().size() > 1
               ? indexed(setting.path(), i)
               : setting.path();
  };
  for (size_t i = 0; i < count; ++i) {
    auto uri = Template::parse((*uri_of)[i], name_of(s.relative_uri, i));
    if (!uri) return uri.error();
    if (auto checked = check_variables(*uri, use); !checked) return checked.error();
    std::optional<Template> body;
    if (!(*body_of)[i].empty()) {
      auto parsed = Template::parse((*body_of)[i], name_of(s.body, i));
      if (!parsed) return parsed.error();
      if (auto checked = check_variables(*parsed, use); !checked) return checked.error();
      body = std::move(*parsed);
    }
    Operation op{.request_type = types->empty() ? std::string() : (*types)[i],
                 .method = (*method_of)[i],
                 .relative_uri = std::move(*uri),
                 .body = std::move(body),
                 .response = {.resource_path = paths[0][i],
                              .id_path = paths[1][i],
                              .success_path = paths[2][i],
                              .success_values = *success_values,
                              .fail_path = paths[3][i],
                              .fail_values = *fail_values,
                              .error_path = paths[4][i]}};
    plan.operations_.push_back(std::move(op));
  }
  for (const auto& [path, values, setting_path, values_path] :
       {std::tuple{&paths[2], &*success_values, s.success_path.path(), s.success_values.path()},
        std::tuple{&paths[3], &*fail_values, s.fail_path.path(), s.fail_values.path()}}) {
    const bool any_path =
        std::any_of(path->begin(), path->end(), [](const std::string& p) { return !p.empty(); });
    if (any_path && values->empty()) {
      return invalid(values_path + " is required when " + setting_path +
                     " is set: the values "
                     "that mean the record " +
                     (setting_path == s.success_path.path() ? "succeeded" : "failed"));
    }
  }

  for (auto [setting, target] : {std::pair{&s.existing_extract, &plan.existing_extract_},
                                 std::pair{&s.ignore_extract, &plan.ignore_extract_}}) {
    auto value = setting->read(doc);
    if (!value) return value.error();
    *target = std::move(*value);
  }
  for (auto [setting, target] : {std::pair{&s.ignore_existing, &plan.ignore_existing_},
                                 std::pair{&s.ignore_missing, &plan.ignore_missing_},
                                 std::pair{&s.ignore_empty_nodes, &plan.ignore_empty_nodes_},
                                 std::pair{&s.strict_handlebars, &plan.strict_}}) {
    auto value = setting->read(doc);
    if (!value) return value.error();
    *target = *value;
  }

  if (count == 2) {
    plan.update_ = (*types)[0] == "UPDATE" ? 0 : 1;
    if (plan.existing_extract_.empty()) {
      return invalid(
          "http.existingExtract is required when http.requestType has both CREATE "
          "and UPDATE: the record field whose value means the record exists (then "
          "the UPDATE request is sent, else the CREATE one), e.g. \"customerId\"");
    }
  } else if (!plan.existing_extract_.empty() && !plan.ignore_existing_ && !plan.ignore_missing_) {
    return invalid(
        "http.existingExtract is set but only used with http.requestType [\"UPDATE\", "
        "\"CREATE\"] (which request a record takes) or with ignoreExisting / "
        "ignoreMissing; add the other request type or remove it");
  }
  if (plan.ignore_existing_ && plan.ignore_missing_) {
    return invalid(
        "ignoreExisting and ignoreMissing are both true, which would ignore every "
        "record: keep one");
  }
  if (plan.ignore_existing_ || plan.ignore_missing_) {
    if (plan.ignore_extract_.empty()) plan.ignore_extract_ = plan.existing_extract_;
    if (plan.ignore_extract_.empty()) {
      return invalid(std::string(plan.ignore_existing_ ? "ignoreExisting" : "ignoreMissing") +
                     " needs http.ignoreExtract: the record field whose value means the record "
                     "already exists in the destination, e.g. \"customerId\"");
    }
  } else if (!plan.ignore_extract_.empty()) {
    return invalid(
        "http.ignoreExtract is only used with ignoreExisting or ignoreMissing set to "
        "true; set one of them or remove it");
  }
  return plan;
}

std::optional<size_t> ImportPlan::operation_for(const json::value& record) const {
  if (ignore_existing_ || ignore_missing_) {
    const bool exists = has_value(find_path(record, ignore_extract_));
    if (exists ? ignore_existing_ : ignore_missing_) return std::nullopt;
  }
  if (!update_) return 0;
  return has_value(find_path(record, existing_extract_)) ? *update_ : 1 - *update_;
}

}  // namespace sluice::plugins::http
