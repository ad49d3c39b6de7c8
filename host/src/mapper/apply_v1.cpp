// Mapper 1.0 fields and lists applied to one record (docs/mappings.md, "Mapper 1.0").
#include <array>
#include <optional>

#include <boost/json.hpp>

#include "mapper/mapping_v1.hpp"
#include "mapper/shared.hpp"

namespace sluice::mapper::detail {
namespace {

namespace json = boost::json;

// One record's mapping. The template context {record, settings, ...extra} is built on first
// use, in a buffer that lives for this call only.
struct RunV1 {
  const json::value& record;
  const MapContext& context;
  json::storage_ptr sp;
  std::vector<const json::value*> found;
  std::string text;
  json::monotonic_resource* scratch;
  std::optional<json::value> template_context_;

  const json::value& template_context() {
    if (!template_context_) {
      json::object object(scratch);
      object.reserve(2 + (context.extra != nullptr ? context.extra->size() : 0));
      object.emplace("record", record);
      if (context.settings != nullptr) object.emplace("settings", *context.settings);
      if (context.extra != nullptr)
        for (const auto& member : *context.extra) object.emplace(member.key(), member.value());
      template_context_.emplace(std::move(object));
    }
    return *template_context_;
  }
};

// Where a field writes, for messages: "total", or "items[1].qty" inside list items.
struct Place {
  const ListV1* list = nullptr;
  std::size_t element = 0;
};

std::string field_name(const FieldV1& field, const Place& place) {
  if (place.list == nullptr) return field.generate.text();
  return place.list->generate.text() + "[" + std::to_string(place.element) + "]." +
         field.generate.text();
}

Error record_error(const FieldV1& field, const Place& place, const json::value& value,
                   std::string what) {
  const std::string name = field_name(field, place);
  Error error = make_error(Status::kInvalidConfig, "field " + name + ": " + std::move(what));
  error.details = json::object{{"field", name},
                               {"value", value},
                               {"dataType", field.type ? to_string(*field.type) : "none"},
                               {"mapping", field.json_path}};
  return error;
}

Result<void> apply_field(const FieldV1& field, const json::value* element, const Place& place,
                         json::value& target, RunV1& run) {
  const Operation operation = run.context.operation;
  if (field.immutable && operation == Operation::kUpdate) return {};
  if (field.when == FieldV1::When::kRecordCreated && operation != Operation::kCreate) return {};
  if (field.when == FieldV1::When::kRecordUpdated && operation != Operation::kUpdate) return {};

  const json::value* value = nullptr;
  json::value holder(run.sp);
  switch (field.source) {
    case FieldV1::Source::kPath: {
      const json::value& base = field.relative && element != nullptr ? *element : run.record;
      if (field.extract.has_wildcard()) {
        run.found.clear();
        field.extract.find_all(base, run.found);
        if (run.found.empty()) break;
        json::array values(run.sp);
        values.reserve(run.found.size());
        for (const json::value* v : run.found) values.push_back(*v);
        holder = std::move(values);
        value = &holder;
      } else {
        value = field.extract.find(base);
        if (value == nullptr && field.length_of) {
          const json::value* of = field.length_of->find(base);
          if (of != nullptr && of->is_array()) {
            holder = static_cast<std::int64_t>(of->get_array().size());
            value = &holder;
          } else if (of != nullptr && of->is_string()) {
            holder = static_cast<std::int64_t>(of->get_string().size());
            value = &holder;
          }
        }
      }
      break;
    }
    case FieldV1::Source::kTemplate: {
      run.text.clear();
      if (!field.plain || !field.plain->render_to(run.text, run.record)) {
        run.text.clear();
        auto ok =
            field.tmpl->evaluate_to(run.text, run.template_context(),
                                    {.escape = support::Escape::kNone, .env = run.context.env});
        if (!ok)
          return record_error(field, place, nullptr,
                              "the extract template failed: " + ok.error().message);
      }
      holder = json::string(run.text, run.sp);
      value = &holder;
      break;
    }
    case FieldV1::Source::kHardCoded:
      value = &field.hard_coded;
      break;
  }

  if (field.when == FieldV1::When::kExtractNotEmpty && is_empty(value)) return {};
  if (field.condition_lookup != nullptr) {
    const bool hit = !is_empty(value) && field.condition_lookup->map.contains(to_text(*value));
    if (field.when == FieldV1::When::kLookupNotEmpty && !hit) return {};
    if (field.when == FieldV1::When::kLookupEmpty && hit) return {};
  }
  if (field.lookup != nullptr && !is_empty(value)) {
    if (const json::value* hit = field.lookup->map.if_contains(to_text(*value))) {
      value = hit;
    } else if (field.lookup->fallback) {
      value = &*field.lookup->fallback;
    } else if (field.lookup->allow_failures) {
      return {};  // no entry, no default: the field is left out
    } else {
      return record_error(field, place, *value,
                          "lookup '" + field.lookup->name + "' has no entry for " + quoted(*value) +
                              " (add it to the map, or give the lookup a default or "
                              "allowFailures: true)");
    }
  }
  if (field.date && !is_empty(value)) {
    auto text = field.date->convert(*value);
    if (!text)
      return record_error(field, place, *value,
                          "cannot read " + quoted(*value) + " as a date" +
                              " (extractDateFormat in the mapping " + field.json_path + ")");
    holder = json::string(*text, run.sp);
    value = &holder;
  }
  if (field.discard_if_empty && is_empty(value)) return {};
  if (value == nullptr) {
    if (field.omit_missing) return {};
    set_path(target, field.generate.steps(), json::value(nullptr, run.sp), 0);
    return {};
  }
  if (!field.type) {
    set_path(target, field.generate.steps(), json::value(*value, run.sp), 0);
    return {};
  }
  if (is_empty(value) && !value->is_array() && *field.type != DataType::kString) {
    set_path(target, field.generate.steps(), json::value(nullptr, run.sp), 0);
    return {};
  }
  auto converted = convert(*value, *field.type, run.sp);
  if (!converted)
    return record_error(
        field, place, *value,
        "cannot convert " + quoted(*value) + " to " + std::string(to_string(*field.type)));
  set_path(target, field.generate.steps(), std::move(*converted), 0);
  return {};
}

Result<void> apply_list(const ListV1& list, json::value& out, RunV1& run) {
  json::array elements(run.sp);
  const auto build = [&](const json::value* element, std::size_t i) -> Result<void> {
    json::value object(json::object(run.sp));
    const Place place{&list, i};
    for (const FieldV1& field : list.fields)
      if (auto ok = apply_field(field, element, place, object, run); !ok) return ok.error();
    elements.push_back(std::move(object));
    return {};
  };
  if (!list.source) {
    if (auto ok = build(nullptr, 0); !ok) return ok.error();
  } else if (const json::value* source = list.source->find(run.record); source != nullptr) {
    if (const json::array* array = source->if_array()) {
      elements.reserve(array->size());
      for (std::size_t i = 0; i < array->size(); ++i)
        if (auto ok = build(&(*array)[i], i); !ok) return ok.error();
    } else if (source->is_object()) {
      if (auto ok = build(source, 0); !ok) return ok.error();
    }
  }
  if (elements.empty()) return {};  // no array to build from: the list is left out
  set_path(out, list.generate.steps(), json::value(std::move(elements)), 0);
  return {};
}

}  // namespace

Result<void> apply_v1(const std::vector<FieldV1>& fields, const std::vector<ListV1>& lists,
                      const json::value& source, json::value& out, const MapContext& context) {
  if (!out.is_object()) out = json::object(out.storage());
  if (out.get_object().empty()) out.get_object().reserve(fields.size() + lists.size());
  std::array<unsigned char, 4096> buffer;
  json::monotonic_resource scratch(buffer.data(), buffer.size());
  RunV1 run{source, context, out.storage(), {}, {}, &scratch, std::nullopt};
  for (const FieldV1& field : fields)
    if (auto ok = apply_field(field, nullptr, Place{}, out, run); !ok) return ok.error();
  for (const ListV1& list : lists)
    if (auto ok = apply_list(list, out, run); !ok) return ok.error();
  return {};
}

}  // namespace sluice::mapper::detail
