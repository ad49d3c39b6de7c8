// Mapper 1.0 (mapping.fields[], mapping.lists[]) and the fields and lists of response mappings,
// checked field by field and compiled. Every error names the JSON path, what was found and what
// was expected.
#include <boost/json.hpp>

#include "mapper/mapper.hpp"
#include "mapper/mapping_v1.hpp"
#include "mapper/shared.hpp"

namespace sluice::mapper {
namespace detail {
namespace {

namespace json = boost::json;

constexpr std::string_view kDataTypes =
    "string, number, boolean, object, stringarray, numberarray, booleanarray, objectarray, "
    "arrayarray";

bool same_steps(const std::vector<Path::Step>& a, const std::vector<Path::Step>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].key != b[i].key || a[i].index != b[i].index) return false;
  return true;
}

Result<Path> parse_generate(const json::object& object, const std::string& path,
                            std::string_view what) {
  auto generate = required_string(object, "generate", path, what);
  if (!generate) return generate.error();
  const std::string at = child(path, "generate");
  auto parsed = Path::parse_rule(*generate, at);
  if (!parsed) return parsed.error();
  if (parsed->has_wildcard())
    return config_error(at, "found \"" + std::string(*generate) +
                                "\" with a *, expected a field path (build arrays with "
                                "mapping.lists)");
  for (const Path::Step& step : parsed->steps())
    if (step.kind == Path::Step::Kind::kKey && step.key.empty())
      return config_error(at, "found an empty name, expected a name");
  return parsed;
}

Result<FieldV1::When> parse_when(std::string_view when, const std::string& at) {
  if (when == "record_created") return FieldV1::When::kRecordCreated;
  if (when == "record_updated") return FieldV1::When::kRecordUpdated;
  if (when == "extract_not_empty") return FieldV1::When::kExtractNotEmpty;
  if (when == "lookup_not_empty") return FieldV1::When::kLookupNotEmpty;
  if (when == "lookup_empty") return FieldV1::When::kLookupEmpty;
  if (when == "ignore_if_set")
    return config_error(at,
                        "\"ignore_if_set\" is not supported yet (it needs the destination record; "
                        "see docs/mappings.md); remove it");
  return config_error(at, "found \"" + std::string(when) +
                              "\", expected record_created, record_updated, extract_not_empty, "
                              "lookup_not_empty or lookup_empty");
}

Result<FieldV1> compile_field(const json::value& value, const std::string& path,
                              const std::vector<Lookup>& lookups, FieldsOf of, ListV1* list) {
  auto object_result = as_object(value, path);
  if (!object_result) return object_result.error();
  const json::object& object = **object_result;
  if (of == FieldsOf::kResponse) {
    if (auto ok = check_fields(object, path, {"extract", "generate"}); !ok) return ok.error();
  } else if (auto ok =
                 check_fields(object, path,
                              {"extract", "hardCodedValue", "generate", "dataType", "lookupName",
                               "discardIfEmpty", "immutable", "conditional", "extractDateFormat",
                               "extractDateTimezone", "generateDateFormat", "generateDateTimezone"},
                              {"internalId", "isKey", "subRecordMapping"});
             !ok) {
    return ok.error();
  }
  FieldV1 field;
  field.json_path = path;
  field.omit_missing = of == FieldsOf::kResponse;

  auto extract = optional_string(object, "extract", path);
  if (!extract) return extract.error();
  const json::value* hard_coded = object.if_contains("hardCodedValue");
  if (*extract && hard_coded != nullptr)
    return config_error(path, "has both extract and hardCodedValue; expected one of them");
  if (hard_coded != nullptr) {
    if (hard_coded->is_object() || hard_coded->is_array())
      return expected(child(path, "hardCodedValue"), *hard_coded,
                      "a string, number, boolean or null");
    field.source = FieldV1::Source::kHardCoded;
    field.hard_coded = *hard_coded;
  } else if (!*extract || (*extract)->empty()) {
    return config_error(child(path, "extract"),
                        of == FieldsOf::kResponse
                            ? "missing; expected a path into the response"
                            : "missing; expected a path into the record (or a hardCodedValue)");
  } else if (of == FieldsOf::kImport && (*extract)->find("{{") != std::string_view::npos) {
    auto parsed = support::Template::parse(**extract, child(path, "extract"));
    if (!parsed) return parsed.error();
    field.tmpl = std::move(*parsed);
    field.plain = PlainTemplate::match(**extract);
    field.source = FieldV1::Source::kTemplate;
  } else {
    const std::string at = child(path, "extract");
    auto parsed = Path::parse_rule(**extract, at);
    if (!parsed) return parsed.error();
    field.source = FieldV1::Source::kPath;
    if (list != nullptr && parsed->has_wildcard() && !list->elements_are_context) {
      auto [array, rest] = parsed->split_at_wildcard();
      if (!list->source) {
        list->source = std::move(array);
      } else if (!same_steps(list->source->steps(), array.steps())) {
        return config_error(at, "found \"" + std::string(**extract) +
                                    "\", which reads another array than the list's other fields "
                                    "(\"" +
                                    list->source->text() +
                                    "\"); expected every [*] of a list to read the same array");
      }
      field.extract = std::move(rest);
      field.relative = true;
    } else {
      field.relative = list != nullptr && list->elements_are_context;
      field.extract = std::move(*parsed);
    }
  }

  auto generate = parse_generate(object, path, "the output field's path");
  if (!generate) return generate.error();
  field.generate = std::move(*generate);
  if (of == FieldsOf::kResponse) {
    const std::vector<Path::Step>& steps = field.extract.steps();
    if (!steps.empty() && steps.back().kind == Path::Step::Kind::kKey &&
        steps.back().key == "length")
      field.length_of = Path::from_steps(std::vector<Path::Step>(steps.begin(), steps.end() - 1),
                                         field.extract.text());
    return field;
  }

  auto type_name = optional_string(object, "dataType", path);
  if (!type_name) return type_name.error();
  if (*type_name) {
    const auto type = parse_data_type(**type_name);
    if (!type)
      return config_error(
          child(path, "dataType"),
          "found \"" + std::string(**type_name) + "\", expected one of " + std::string(kDataTypes));
    field.type = *type;
  }
  auto lookup_name = optional_string(object, "lookupName", path);
  if (!lookup_name) return lookup_name.error();
  if (*lookup_name) {
    auto lookup = find_lookup(lookups, **lookup_name, child(path, "lookupName"));
    if (!lookup) return lookup.error();
    field.lookup = *lookup;
  }
  auto discard = optional_bool(object, "discardIfEmpty", path);
  if (!discard) return discard.error();
  field.discard_if_empty = *discard;
  auto immutable = optional_bool(object, "immutable", path);
  if (!immutable) return immutable.error();
  field.immutable = *immutable;

  if (const json::value* conditional = object.if_contains("conditional")) {
    const std::string at = child(path, "conditional");
    auto cond = as_object(*conditional, at);
    if (!cond) return cond.error();
    if (auto ok = check_fields(**cond, at, {"when", "lookupName"}); !ok) return ok.error();
    auto when = required_string(**cond, "when", at,
                                "record_created, record_updated, extract_not_empty, "
                                "lookup_not_empty or lookup_empty");
    if (!when) return when.error();
    auto parsed = parse_when(*when, child(at, "when"));
    if (!parsed) return parsed.error();
    field.when = *parsed;
    auto name = optional_string(**cond, "lookupName", at);
    if (!name) return name.error();
    const bool on_lookup =
        field.when == FieldV1::When::kLookupEmpty || field.when == FieldV1::When::kLookupNotEmpty;
    if (*name && !on_lookup)
      return config_error(child(at, "lookupName"),
                          "is used only with when lookup_empty or lookup_not_empty; remove it");
    if (on_lookup) {
      if (*name) {
        auto lookup = find_lookup(lookups, **name, child(at, "lookupName"));
        if (!lookup) return lookup.error();
        field.condition_lookup = *lookup;
      } else if (field.lookup != nullptr) {
        field.condition_lookup = field.lookup;
      } else {
        return config_error(child(at, "lookupName"),
                            "missing; \"" + std::string(*when) +
                                "\" needs the lookup to try (here or as the field's lookupName)");
      }
    }
  }

  std::string formats[4];
  const char* format_keys[4] = {"extractDateFormat", "extractDateTimezone", "generateDateFormat",
                                "generateDateTimezone"};
  bool has_date = false;
  for (int i = 0; i < 4; ++i) {
    auto text = optional_string(object, format_keys[i], path);
    if (!text) return text.error();
    if (*text) {
      formats[i] = std::string(**text);
      has_date = true;
    }
  }
  if (has_date) {
    if (field.type && *field.type != DataType::kString)
      return config_error(child(path, "dataType"),
                          "found \"" + std::string(**type_name) +
                              "\" with a date format, expected \"string\" or no dataType (dates "
                              "are strings)");
    auto conversion = DateConversion::make(formats[0], formats[1], formats[2], formats[3], path);
    if (!conversion) return conversion.error();
    field.date = std::move(*conversion);
  }
  return field;
}

}  // namespace

Result<void> compile_fields_v1(const json::value& fields, const std::string& path,
                               const std::vector<Lookup>& lookups, FieldsOf of,
                               std::vector<FieldV1>& out, ListV1* list) {
  if (!fields.is_array())
    return expected(path, fields,
                    of == FieldsOf::kResponse ? "an array of {extract, generate}"
                                              : "an array of field mappings");
  const json::array& array = fields.get_array();
  out.reserve(out.size() + array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto field = compile_field(array[i], index(path, i), lookups, of, list);
    if (!field) return field.error();
    out.push_back(std::move(*field));
  }
  return {};
}

Result<void> compile_lists_v1(const json::value& lists, const std::string& path,
                              const std::vector<Lookup>& lookups, FieldsOf of,
                              std::vector<ListV1>& out) {
  if (!lists.is_array()) return expected(path, lists, "an array of {generate, fields}");
  const json::array& array = lists.get_array();
  out.reserve(out.size() + array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = index(path, i);
    auto object = as_object(array[i], at);
    if (!object) return object.error();
    if (auto ok = of == FieldsOf::kResponse
                      ? check_fields(**object, at, {"generate", "fields"})
                      : check_fields(**object, at, {"generate", "jsonPath", "fields"});
        !ok)
      return ok.error();
    ListV1 list;
    list.json_path = at;
    auto generate = parse_generate(**object, at, "the path of the array to build");
    if (!generate) return generate.error();
    list.generate = std::move(*generate);
    if (of == FieldsOf::kResponse) {
      // A response list is built from the elements of the lookup's `data`.
      auto data = Path::parse_rule("data", at);
      if (!data) return data.error();
      list.source = std::move(*data);
      list.elements_are_context = true;
    }
    auto json_path = optional_string(**object, "jsonPath", at);
    if (!json_path) return json_path.error();
    if (*json_path) {
      auto parsed = Path::parse_rule(**json_path, child(at, "jsonPath"));
      if (!parsed) return parsed.error();
      if (parsed->has_wildcard())
        return config_error(
            child(at, "jsonPath"),
            "found \"" + std::string(**json_path) + "\" with a *, expected the path of one array");
      list.source = std::move(*parsed);
      list.elements_are_context = true;
    }
    const json::value* fields = object.value()->if_contains("fields");
    if (fields == nullptr)
      return config_error(child(at, "fields"), "missing; expected an array of field mappings");
    if (fields->is_array() && fields->get_array().empty())
      return config_error(child(at, "fields"), "found an empty array, expected at least one field");
    if (auto ok = compile_fields_v1(*fields, child(at, "fields"), lookups, of, list.fields, &list);
        !ok)
      return ok.error();
    out.push_back(std::move(list));
  }
  return {};
}

}  // namespace detail

Result<Mapper> Mapper::compile_mapping_v1(const boost::json::value& mapping,
                                          const boost::json::value* lookups,
                                          std::string_view json_path) {
  const std::string path(json_path);
  auto object = detail::as_object(mapping, path);
  if (!object) return object.error();
  if (auto ok = detail::check_fields(**object, path, {"fields", "lists"}); !ok) return ok.error();
  auto program = std::make_shared<detail::Program>();
  program->kind = Kind::kMappingV1;
  if (auto ok =
          detail::compile_lookups(lookups, detail::sibling(path, "lookups"), program->lookups);
      !ok)
    return ok.error();
  if (const boost::json::value* fields = object.value()->if_contains("fields"))
    if (auto ok =
            detail::compile_fields_v1(*fields, detail::child(path, "fields"), program->lookups,
                                      detail::FieldsOf::kImport, program->fields, nullptr);
        !ok)
      return ok.error();
  if (const boost::json::value* lists = object.value()->if_contains("lists"))
    if (auto ok = detail::compile_lists_v1(*lists, detail::child(path, "lists"), program->lookups,
                                           detail::FieldsOf::kImport, program->lists);
        !ok)
      return ok.error();
  for (const detail::FieldV1& field : program->fields)
    if (field.source == detail::FieldV1::Source::kTemplate) program->uses_templates = true;
  for (const detail::ListV1& list : program->lists)
    for (const detail::FieldV1& field : list.fields)
      if (field.source == detail::FieldV1::Source::kTemplate) program->uses_templates = true;
  program->pass_through = program->fields.empty() && program->lists.empty();
  Mapper mapper;
  mapper.program_ = std::move(program);
  return mapper;
}

}  // namespace sluice::mapper
