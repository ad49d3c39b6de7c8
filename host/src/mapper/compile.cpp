// Mapper::compile and Mapper::compile_mappings: a transform document checked field by field and
// turned into a Program. Every error names the JSON path, what was found and what was expected.
#include <algorithm>
#include <initializer_list>
#include <set>

#include <boost/json.hpp>

#include "mapper/mapper.hpp"
#include "mapper/program.hpp"
#include "mapper/shared.hpp"

namespace sluice::mapper {
namespace {

namespace json = boost::json;
using detail::as_object;
using detail::check_fields;
using detail::child;
using detail::Condition;
using detail::config_error;
using detail::expected;
using detail::index;
using detail::Lookup;
using detail::Node;
using detail::optional_string;
using detail::Program;
using detail::required_string;
using detail::Rule;

constexpr std::string_view kDataTypes =
    "string, number, boolean, object, stringarray, numberarray, booleanarray, objectarray, "
    "arrayarray";

Result<Rule> compile_rule(const json::value& value, const std::string& path) {
  auto object = as_object(value, path);
  if (!object) return object.error();
  if (auto ok = check_fields(**object, path, {"extract", "generate", "key"}); !ok)
    return ok.error();
  auto extract = required_string(**object, "extract", path, "a path into the record");
  if (!extract) return extract.error();
  auto generate = required_string(**object, "generate", path, "a path in the output record");
  if (!generate) return generate.error();
  if (auto key = optional_string(**object, "key", path); !key) return key.error();
  Rule rule;
  rule.json_path = path;
  auto from = Path::parse_rule(*extract, child(path, "extract"));
  if (!from) return from.error();
  auto to = Path::parse_rule(*generate, child(path, "generate"));
  if (!to) return to.error();
  if (to->wildcards() > 1)
    return config_error(
        child(path, "generate"),
        "found \"" + std::string(*generate) + "\" with more than one *, expected at most one");
  if (to->wildcards() == 1 && !from->has_wildcard())
    return config_error(child(path, "generate"), "a * in generate needs a * in extract (\"" +
                                                     std::string(*extract) + "\" names one value)");
  for (const Path::Step& step : to->steps())
    if (step.kind == Path::Step::Kind::kKey && step.key.empty())
      return config_error(child(path, "generate"), "found an empty name, expected a name");
  rule.extract = std::move(*from);
  rule.generate = std::move(*to);
  return rule;
}

Result<void> compile_rules(const json::value& rules, const std::string& path, Program& program) {
  if (!rules.is_array()) return expected(path, rules, "an array of rule groups");
  const json::array& groups = rules.get_array();
  if (groups.empty())
    return config_error(path, "found an empty array, expected at least one rule group");
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::string group_path = index(path, g);
    if (!groups[g].is_array())
      return expected(group_path, groups[g], "an array of {extract, generate} rules");
    std::vector<Rule> group;
    const json::array& rules_of_group = groups[g].get_array();
    for (std::size_t r = 0; r < rules_of_group.size(); ++r) {
      auto rule = compile_rule(rules_of_group[r], index(group_path, r));
      if (!rule) return rule.error();
      group.push_back(std::move(*rule));
    }
    program.groups.push_back(std::move(group));
  }
  return {};
}

// Child mappings nest at most this deep (apply recurses once per level).
constexpr int kMaxDepth = 64;

struct NodeScope {
  Program& program;
  Target target;
  int depth = 0;
  bool inner_arrays = false;  // compiling an arrayarray helper's mappings: no generate
};

Result<std::optional<DataType>> source_data_type(const json::object& object,
                                                 const std::string& path) {
  auto name = optional_string(object, "sourceDataType", path);
  if (!name) return name.error();
  if (!*name) return std::optional<DataType>();
  const auto type = parse_data_type(**name);
  if (!type)
    return config_error(
        child(path, "sourceDataType"),
        "found \"" + std::string(**name) + "\", expected one of " + std::string(kDataTypes));
  return std::optional<DataType>(*type);
}

Result<std::vector<Node>> compile_nodes(const json::value& mappings, const std::string& path,
                                        std::string_view parent_field, NodeScope& scope);

Result<std::vector<detail::ArrayHelper>> compile_helpers(const json::value& helpers,
                                                         const std::string& path, const Node& node,
                                                         NodeScope& scope) {
  if (!helpers.is_array()) return expected(path, helpers, "an array of {extract, mappings}");
  const json::array& array = helpers.get_array();
  if (array.empty())
    return config_error(path, "found an empty array, expected at least one {extract, mappings}");
  std::vector<detail::ArrayHelper> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = index(path, i);
    auto object = as_object(array[i], at);
    if (!object) return object.error();
    if (auto ok = check_fields(**object, at,
                               {"extract", "sourceDataType", "default", "conditional", "mappings"});
        !ok)
      return ok.error();
    detail::ArrayHelper helper;
    helper.json_path = at;
    auto extract = optional_string(**object, "extract", at);
    if (!extract) return extract.error();
    if (*extract && !(*extract)->empty()) {
      if ((*extract)->substr(0, 1) != "$")
        return config_error(child(at, "extract"),
                            "found \"" + std::string(**extract) +
                                "\", expected a JSON path starting with $ (buildArrayHelper "
                                "extracts are JSON paths)");
      auto parsed = Path::parse_json(**extract, child(at, "extract"));
      if (!parsed) return parsed.error();
      helper.path = std::move(*parsed);
      helper.has_path = true;
    }
    auto source = source_data_type(**object, at);
    if (!source) return source.error();
    helper.source_type = *source;
    if (const json::value* fallback = object.value()->if_contains("default")) {
      if (!fallback->is_string()) return expected(child(at, "default"), *fallback, "a string");
      helper.fallback = *fallback;
    }
    if (const json::value* conditional = object.value()->if_contains("conditional")) {
      const std::string cat = child(at, "conditional");
      auto cond = as_object(*conditional, cat);
      if (!cond) return cond.error();
      if (auto ok = check_fields(**cond, cat, {"when"}); !ok) return ok.error();
      auto when = required_string(**cond, "when", cat, "extract_not_empty");
      if (!when) return when.error();
      if (*when != "extract_not_empty")
        return config_error(child(cat, "when"),
                            "found \"" + std::string(*when) +
                                "\", expected extract_not_empty (the only condition of an "
                                "array element)");
      helper.extract_not_empty = true;
    }
    if (const json::value* mappings = object.value()->if_contains("mappings")) {
      if (node.type != DataType::kObjectArray && node.type != DataType::kArrayArray)
        return config_error(child(at, "mappings"),
                            "found mappings under dataType \"" + std::string(to_string(node.type)) +
                                "\", expected dataType \"objectarray\" or \"arrayarray\" (a " +
                                std::string(to_string(node.type)) +
                                " is built from extracts only)");
      if (scope.depth + 1 >= kMaxDepth)
        return config_error(child(at, "mappings"),
                            "mappings nest more than " + std::to_string(kMaxDepth) +
                                " levels deep; expected at most " + std::to_string(kMaxDepth));
      ++scope.depth;
      const bool inner = scope.inner_arrays;
      scope.inner_arrays = node.type == DataType::kArrayArray;
      auto children = compile_nodes(*mappings, child(at, "mappings"), node.field, scope);
      scope.inner_arrays = inner;
      --scope.depth;
      if (!children) return children.error();
      helper.children = std::move(*children);
      helper.has_children = true;
    }
    if (!helper.has_path && !helper.has_children && !helper.fallback)
      return config_error(at, "has no extract, default or mappings; expected at least one");
    out.push_back(std::move(helper));
  }
  return out;
}

Result<Node> compile_node(const json::value& value, const std::string& path,
                          std::string_view parent_field, NodeScope& scope);

// The children of an arrayarray helper are inner arrays: no generate, an array dataType.
Result<Node> compile_inner_or_node(const json::value& value, const std::string& path,
                                   std::string_view parent_field, NodeScope& scope,
                                   bool inner_array) {
  if (!inner_array) return compile_node(value, path, parent_field, scope);
  auto object = as_object(value, path);
  if (!object) return object.error();
  json::object copy = **object;
  if (const json::value* generate = copy.if_contains("generate")) {
    if (!generate->is_string() || !generate->get_string().empty())
      return expected(child(path, "generate"), *generate,
                      "no generate (an inner array of an arrayarray has no name)");
  }
  copy["generate"] = "[]";  // how the element is named in messages ("matrix.[]")
  auto node = compile_node(copy, path, parent_field, scope);
  if (!node) return node.error();
  if (!is_array(node->type))
    return config_error(child(path, "dataType"),
                        "found \"" + std::string(to_string(node->type)) +
                            "\", expected an array type (an element of an arrayarray is an "
                            "array)");
  return node;
}

Result<std::vector<Node>> compile_nodes(const json::value& mappings, const std::string& path,
                                        std::string_view parent_field, NodeScope& scope) {
  if (!mappings.is_array()) return expected(path, mappings, "an array of mappings");
  const bool inner_arrays = scope.inner_arrays;
  scope.inner_arrays = false;  // only the direct children of an arrayarray helper
  std::vector<Node> nodes;
  const json::array& array = mappings.get_array();
  nodes.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto node = compile_inner_or_node(array[i], index(path, i), parent_field, scope, inner_arrays);
    if (!node) return node.error();
    for (std::size_t j = 0; j < nodes.size() && !inner_arrays; ++j)
      if (nodes[j].generate == node->generate)
        return config_error(child(index(path, i), "generate"),
                            "\"" + node->generate + "\" is generated twice (also by " +
                                index(path, j) + "); expected each field once per level");
    nodes.push_back(std::move(*node));
  }
  return nodes;
}

Result<Node> compile_node(const json::value& value, const std::string& path,
                          std::string_view parent_field, NodeScope& scope) {
  auto object_result = as_object(value, path);
  if (!object_result) return object_result.error();
  const json::object& object = **object_result;
  if (auto ok = check_fields(
          object, path,
          {"generate", "dataType", "extract", "extractDateFormat", "extractDateTimezone",
           "generateDateFormat", "generateDateTimezone", "default", "lookupName", "description",
           "mappings", "status", "conditional", "buildArrayHelper", "sourceDataType"});
      !ok)
    return ok.error();
  Node node;
  node.json_path = path;
  auto generate = required_string(object, "generate", path, "the output field's name");
  if (!generate) return generate.error();
  node.generate = std::string(*generate);
  node.field =
      parent_field.empty() ? node.generate : std::string(parent_field) + "." + node.generate;
  auto type_name =
      required_string(object, "dataType", path, std::string("one of ") + std::string(kDataTypes));
  if (!type_name) return type_name.error();
  const auto type = parse_data_type(*type_name);
  if (!type)
    return config_error(
        child(path, "dataType"),
        "found \"" + std::string(*type_name) + "\", expected one of " + std::string(kDataTypes));
  node.type = *type;
  if (auto text = optional_string(object, "description", path); !text) return text.error();
  if (auto status = optional_string(object, "status", path); !status) {
    return status.error();
  } else if (*status && **status != "Active") {
    return config_error(child(path, "status"),
                        "found \"" + std::string(**status) + "\", expected \"Active\"");
  }

  auto extract = optional_string(object, "extract", path);
  if (!extract) return extract.error();
  if (*extract && !(*extract)->empty()) {
    const std::string_view text = **extract;
    const std::string where = child(path, "extract");
    if (text.substr(0, 1) == "$") {
      auto parsed = Path::parse_json(text, where);
      if (!parsed) return parsed.error();
      node.path = std::move(*parsed);
      node.source = Node::Source::kPath;
    } else if (text.find("{{") != std::string_view::npos) {
      auto parsed = support::Template::parse(text, where);
      if (!parsed) return parsed.error();
      node.tmpl = std::move(*parsed);
      node.plain = PlainTemplate::match(text);
      node.source = Node::Source::kTemplate;
      scope.program.uses_templates = true;
    } else {
      node.literal = json::string(text);
      node.source = Node::Source::kLiteral;
    }
  }

  if (const json::value* fallback = object.if_contains("default")) {
    if (!fallback->is_string()) return expected(child(path, "default"), *fallback, "a string");
    node.fallback = *fallback;
  }

  auto lookup_name = optional_string(object, "lookupName", path);
  if (!lookup_name) return lookup_name.error();
  if (*lookup_name) {
    for (const Lookup& lookup : scope.program.lookups)
      if (lookup.name == **lookup_name) node.lookup = &lookup;
    if (node.lookup == nullptr) {
      std::string names;
      for (const Lookup& lookup : scope.program.lookups)
        names += (names.empty() ? "" : ", ") + lookup.name;
      return config_error(child(path, "lookupName"),
                          "\"" + std::string(**lookup_name) +
                              "\" names no lookup; expected one of "
                              "the lookups' names (" +
                              (names.empty() ? "there are none" : names) + ")");
    }
    if (node.source == Node::Source::kNone)
      return config_error(child(path, "extract"), "missing; a lookup needs an extract to look up");
  }

  if (const json::value* conditional = object.if_contains("conditional")) {
    const std::string at = child(path, "conditional");
    auto cond = as_object(*conditional, at);
    if (!cond) return cond.error();
    if (auto ok = check_fields(**cond, at, {"when"}); !ok) return ok.error();
    auto when =
        required_string(**cond, "when", at, "extract_not_empty, record_created or record_updated");
    if (!when) return when.error();
    if (*when == "extract_not_empty") {
      node.condition = Condition::kExtractNotEmpty;
    } else if (*when == "record_created" || *when == "record_updated") {
      if (scope.target != Target::kImport)
        return config_error(child(at, "when"),
                            "\"" + std::string(*when) +
                                "\" applies to import mappings only; a transform has no record "
                                "being created or updated (use extract_not_empty)");
      node.condition =
          *when == "record_created" ? Condition::kRecordCreated : Condition::kRecordUpdated;
    } else {
      return config_error(child(at, "when"), "found \"" + std::string(*when) +
                                                 "\", expected extract_not_empty, record_created "
                                                 "or record_updated");
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
    if (node.type != DataType::kString)
      return config_error(child(path, "dataType"),
                          "found \"" + std::string(*type_name) +
                              "\" with a date format, expected \"string\" (dates are strings)");
    auto conversion = DateConversion::make(formats[0], formats[1], formats[2], formats[3], path);
    if (!conversion) return conversion.error();
    node.date = std::move(*conversion);
  }

  auto source = source_data_type(object, path);
  if (!source) return source.error();
  node.source_type = *source;

  if (const json::value* helpers = object.if_contains("buildArrayHelper")) {
    const std::string at = child(path, "buildArrayHelper");
    if (!is_array(node.type))
      return config_error(at, "found under dataType \"" + std::string(*type_name) +
                                  "\", expected an array dataType (stringarray, numberarray, "
                                  "booleanarray, objectarray or arrayarray)");
    if (node.source != Node::Source::kNone || node.fallback || node.lookup != nullptr ||
        node.date || object.contains("mappings"))
      return config_error(path,
                          "a mapping with buildArrayHelper takes no extract, default, lookupName, "
                          "date formats or mappings of its own; put them in the "
                          "buildArrayHelper entries");
    auto built = compile_helpers(*helpers, at, node, scope);
    if (!built) return built.error();
    node.helpers = std::move(*built);
    node.has_helpers = true;
    return node;
  }

  if (const json::value* mappings = object.if_contains("mappings")) {
    if (node.type != DataType::kObject) {
      if (is_array(node.type))
        return config_error(child(path, "mappings"),
                            "found mappings directly under an array dataType, expected them in "
                            "buildArrayHelper: [{\"extract\": ..., \"mappings\": [...]}]");
      return config_error(child(path, "mappings"), "found child mappings under dataType \"" +
                                                       std::string(*type_name) +
                                                       "\", expected dataType \"object\"");
    }
    if (node.lookup != nullptr || node.date)
      return config_error(path,
                          "an object with child mappings takes no lookupName or date "
                          "formats; put them on the child mapping");
    if (scope.depth + 1 >= kMaxDepth)
      return config_error(child(path, "mappings"),
                          "mappings nest more than " + std::to_string(kMaxDepth) +
                              " levels deep; expected at most " + std::to_string(kMaxDepth));
    ++scope.depth;
    auto children = compile_nodes(*mappings, child(path, "mappings"), node.field, scope);
    --scope.depth;
    if (!children) return children.error();
    node.children = std::move(*children);
    node.has_children = true;
  }
  if (node.source == Node::Source::kNone && !node.has_children && !node.fallback)
    return config_error(path, "has no extract, default or mappings; expected at least one");
  return node;
}

}  // namespace

Result<Mapper> Mapper::compile_mappings(const json::value& mappings, const json::value* lookups,
                                        Mode mode, std::string_view json_path, Target target,
                                        InputContext input) {
  auto program = std::make_shared<Program>();
  program->kind = Kind::kMappings;
  program->mode = mode;
  program->input = input;
  const std::string base(json_path);
  if (auto ok =
          detail::compile_lookups(lookups, detail::sibling(base, "lookups"), program->lookups);
      !ok)
    return ok.error();
  NodeScope scope{*program, target};
  auto nodes = compile_nodes(mappings, base, "", scope);
  if (!nodes) return nodes.error();
  program->nodes = std::move(*nodes);
  Mapper mapper;
  mapper.program_ = std::move(program);
  return mapper;
}

Result<Mapper> Mapper::compile(const json::value& transform_doc, std::string_view json_path) {
  const std::string path(json_path);
  auto object = as_object(transform_doc, path);
  if (!object) return object.error();
  if (auto ok = check_fields(**object, path, {"type", "expression", "script"}); !ok)
    return ok.error();
  auto type = required_string(**object, "type", path, "\"expression\" or \"script\"");
  if (!type) return type.error();
  const json::value* expression = object.value()->if_contains("expression");
  const json::value* script = object.value()->if_contains("script");

  if (*type == "script") {
    if (expression != nullptr)
      return config_error(child(path, "expression"),
                          "not used when type is \"script\"; remove it (or set type "
                          "\"expression\")");
    const std::string at = child(path, "script");
    if (script == nullptr)
      return config_error(at, "missing; expected {_scriptId, function} with type \"script\"");
    auto script_object = as_object(*script, at);
    if (!script_object) return script_object.error();
    if (auto ok = check_fields(**script_object, at, {"_scriptId", "function"}); !ok)
      return ok.error();
    auto id = required_string(**script_object, "_scriptId", at, "the _id of a Script resource");
    if (!id) return id.error();
    auto function =
        required_string(**script_object, "function", at, "the name of a function of the script");
    if (!function) return function.error();
    auto program = std::make_shared<Program>();
    program->kind = Kind::kScript;
    program->script = ScriptRef{std::string(*id), std::string(*function)};
    Mapper mapper;
    mapper.program_ = std::move(program);
    return mapper;
  }
  if (*type != "expression")
    return config_error(child(path, "type"), "found \"" + std::string(*type) +
                                                 "\", expected \"expression\" or \"script\"");
  if (script != nullptr)
    return config_error(child(path, "script"),
                        "not used when type is \"expression\"; remove it (or set type "
                        "\"script\")");
  const std::string at = child(path, "expression");
  if (expression == nullptr)
    return config_error(at, "missing; expected {version, rules} or {version, rulesTwoDotZero}");
  auto expression_object = as_object(*expression, at);
  if (!expression_object) return expression_object.error();
  const json::object& expr = **expression_object;
  if (auto ok = check_fields(expr, at, {"version", "rules", "rulesTwoDotZero"}); !ok)
    return ok.error();
  auto version = required_string(expr, "version", at, "\"1\" or \"2\"");
  if (!version) return version.error();
  const json::value* rules = expr.if_contains("rules");
  const json::value* two = expr.if_contains("rulesTwoDotZero");

  if (*version == "1") {
    if (two != nullptr)
      return config_error(child(at, "rulesTwoDotZero"),
                          "not used with version \"1\"; remove it (or set version \"2\")");
    if (rules == nullptr)
      return config_error(child(at, "rules"), "missing; expected an array of rule groups");
    auto program = std::make_shared<Program>();
    program->kind = Kind::kRules;
    if (auto ok = compile_rules(*rules, child(at, "rules"), *program); !ok) return ok.error();
    Mapper mapper;
    mapper.program_ = std::move(program);
    return mapper;
  }
  if (*version != "2")
    return config_error(child(at, "version"),
                        "found \"" + std::string(*version) + "\", expected \"1\" or \"2\"");
  // integrator.io keeps an empty `rules` beside rulesTwoDotZero; it carries nothing.
  if (rules != nullptr && !(rules->is_array() && rules->get_array().empty()))
    return config_error(child(at, "rules"),
                        "not used with version \"2\"; remove it (or set version \"1\")");
  const std::string two_path = child(at, "rulesTwoDotZero");
  if (two == nullptr)
    return config_error(two_path, "missing; expected {mode, mappings, lookups} with version \"2\"");
  auto two_object = as_object(*two, two_path);
  if (!two_object) return two_object.error();
  if (auto ok = check_fields(**two_object, two_path, {"mode", "mappings", "lookups"}); !ok)
    return ok.error();
  auto mode = required_string(**two_object, "mode", two_path, "\"create\" or \"modify\"");
  if (!mode) return mode.error();
  if (*mode != "create" && *mode != "modify")
    return config_error(child(two_path, "mode"),
                        "found \"" + std::string(*mode) + "\", expected \"create\" or \"modify\"");
  const json::value* mappings = two_object.value()->if_contains("mappings");
  if (mappings == nullptr)
    return config_error(child(two_path, "mappings"), "missing; expected an array of mappings");
  return compile_mappings(*mappings, two_object.value()->if_contains("lookups"),
                          *mode == "create" ? Mode::kCreate : Mode::kModify,
                          child(two_path, "mappings"), Target::kTransform);
}

Mapper::Kind Mapper::kind() const noexcept { return program_->kind; }

const ScriptRef* Mapper::script() const noexcept {
  return program_->kind == Kind::kScript ? &program_->script : nullptr;
}

bool Mapper::uses_templates() const noexcept { return program_->uses_templates; }

}  // namespace sluice::mapper
