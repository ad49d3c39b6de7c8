// Filter::compile: checks a filter document and turns its rules into a Program. Every refusal
// names the JSON path inside the document, what was found and what was expected.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/serialize.hpp>

#include "filter/filter.hpp"
#include "filter/program.hpp"

namespace sluice::host::filter {

namespace json = boost::json;
using detail::Node;
using detail::Op;
using detail::Program;
using detail::Scope;

namespace {

// Rules nested deeper than this are refused (the evaluator recurses once per level).
constexpr int kMaxDepth = 32;
constexpr size_t kMaxShown = 60;

// What an operator gives, known at compile time: conditions need kBool.
enum class Type { kAny, kBool, kNumber, kString };

enum class Shape {
  kAccessor,    // ["extract", "path"], ["settings", "flow.path"]
  kUnary,       // casts and transforms: one operand
  kBinary,      // comparisons: two operands
  kEmptyCheck,  // one operand
  kAnyOf,       // operand, list
  kLogic,       // and / or: one condition or more
  kNot,         // one condition
};

struct OperatorInfo {
  std::string_view name;
  Op op;
  Shape shape;
  Type type;
};

constexpr std::array kOperators = {
    OperatorInfo{"extract", Op::kExtract, Shape::kAccessor, Type::kAny},
    OperatorInfo{"settings", Op::kSettings, Shape::kAccessor, Type::kAny},
    OperatorInfo{"number", Op::kNumber, Shape::kUnary, Type::kNumber},
    OperatorInfo{"string", Op::kString, Shape::kUnary, Type::kString},
    OperatorInfo{"boolean", Op::kBoolean, Shape::kUnary, Type::kBool},
    OperatorInfo{"epochtime", Op::kEpochtime, Shape::kUnary, Type::kNumber},
    OperatorInfo{"lowercase", Op::kLowercase, Shape::kUnary, Type::kString},
    OperatorInfo{"uppercase", Op::kUppercase, Shape::kUnary, Type::kString},
    OperatorInfo{"ceiling", Op::kCeiling, Shape::kUnary, Type::kNumber},
    OperatorInfo{"floor", Op::kFloor, Shape::kUnary, Type::kNumber},
    OperatorInfo{"abs", Op::kAbs, Shape::kUnary, Type::kNumber},
    OperatorInfo{"equals", Op::kEquals, Shape::kBinary, Type::kBool},
    OperatorInfo{"notequals", Op::kNotEquals, Shape::kBinary, Type::kBool},
    OperatorInfo{"greaterthan", Op::kGreaterThan, Shape::kBinary, Type::kBool},
    OperatorInfo{"greaterthanequals", Op::kGreaterThanEquals, Shape::kBinary, Type::kBool},
    OperatorInfo{"lessthan", Op::kLessThan, Shape::kBinary, Type::kBool},
    OperatorInfo{"lessthanequals", Op::kLessThanEquals, Shape::kBinary, Type::kBool},
    OperatorInfo{"startswith", Op::kStartsWith, Shape::kBinary, Type::kBool},
    OperatorInfo{"endswith", Op::kEndsWith, Shape::kBinary, Type::kBool},
    OperatorInfo{"contains", Op::kContains, Shape::kBinary, Type::kBool},
    OperatorInfo{"doesnotcontain", Op::kDoesNotContain, Shape::kBinary, Type::kBool},
    OperatorInfo{"matches", Op::kMatches, Shape::kBinary, Type::kBool},
    OperatorInfo{"empty", Op::kEmpty, Shape::kEmptyCheck, Type::kBool},
    OperatorInfo{"isempty", Op::kEmpty, Shape::kEmptyCheck, Type::kBool},
    OperatorInfo{"notempty", Op::kNotEmpty, Shape::kEmptyCheck, Type::kBool},
    OperatorInfo{"isnotempty", Op::kNotEmpty, Shape::kEmptyCheck, Type::kBool},
    OperatorInfo{"anyof", Op::kAnyOf, Shape::kAnyOf, Type::kBool},
    OperatorInfo{"and", Op::kAnd, Shape::kLogic, Type::kBool},
    OperatorInfo{"or", Op::kOr, Shape::kLogic, Type::kBool},
    OperatorInfo{"not", Op::kNot, Shape::kNot, Type::kBool},
};

const OperatorInfo* find_operator(std::string_view name) {
  for (const OperatorInfo& info : kOperators)
    if (info.name == name) return &info;
  return nullptr;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string lowercase_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The JSON text of `v`, cut to kMaxShown characters.
std::string shown(const json::value& v) {
  std::string text = json::serialize(v);
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

std::string quoted(std::string_view s) { return json::serialize(json::value(json::string(s))); }

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](unsigned char c) { return std::isalpha(c) || c == '_' || c == '$'; };
  if (!start(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) {
    return start(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
  });
}

Error invalid(const std::string& where, const std::string& what) {
  return make_error(Status::kInvalidConfig, where + ": " + what);
}

std::string index_path(const std::string& where, size_t i) {
  return where + "[" + std::to_string(i) + "]";
}

constexpr std::string_view kOperandExample = "an operand like [\"extract\", \"path\"] or a literal";
constexpr std::string_view kConditionExample =
    "a condition like [\"equals\", [\"extract\", \"status\"], \"open\"]";

class Compiler {
 public:
  Program program;

  // A rule in a place that needs true or false.
  Result<uint32_t> condition(const json::value& v, const std::string& where, int depth) {
    if (v.is_bool()) return literal(v, where);
    if (!v.is_array())
      return invalid(where, "expected " + std::string(kConditionExample) + ", found " + shown(v));
    auto index = expression(v.get_array(), where, depth);
    if (!index) return index;
    if (type_of(*index) != Type::kBool) {
      return invalid(where, "expected " + std::string(kConditionExample) + ", found " + shown(v) +
                                ", which gives a value, not true or false; compare it (e.g. "
                                "[\"equals\", ..., true]) or wrap it in [\"boolean\", ...]");
    }
    return index;
  }

  // A rule in a place that needs a value: a literal or an expression.
  Result<uint32_t> operand(const json::value& v, const std::string& where, int depth) {
    if (v.is_array()) return expression(v.get_array(), where, depth);
    if (v.is_object())
      return invalid(where, "expected " + std::string(kOperandExample) + ", found " + shown(v));
    return literal(v, where);
  }

 private:
  std::vector<Type> types_;  // per node

  Type type_of(uint32_t index) const {
    const Node& n = program.nodes[index];
    if (n.op == Op::kLiteral) {
      if (n.literal.is_bool()) return Type::kBool;
      if (n.literal.is_number()) return Type::kNumber;
      if (n.literal.is_string()) return Type::kString;
      return Type::kAny;
    }
    return types_[index];
  }

  uint32_t add(Node node, Type type, const std::vector<uint32_t>& kids) {
    node.first_child = static_cast<uint32_t>(program.children.size());
    node.child_count = static_cast<uint32_t>(kids.size());
    program.children.insert(program.children.end(), kids.begin(), kids.end());
    program.nodes.push_back(std::move(node));
    types_.push_back(type);
    return static_cast<uint32_t>(program.nodes.size() - 1);
  }

  Result<uint32_t> literal(const json::value& v, const std::string& where) {
    Node node;
    node.op = Op::kLiteral;
    node.literal = v;
    node.where = where;
    node.text = shown(v);
    return add(std::move(node), Type::kAny, {});
  }

  Result<uint32_t> expression(const json::array& rule, const std::string& where, int depth) {
    const std::string text = shown(json::value(rule));
    if (depth > kMaxDepth) {
      return invalid(where, "the rules are nested more than " + std::to_string(kMaxDepth) +
                                " levels deep; split the condition");
    }
    if (rule.empty()) {
      return invalid(where, "expected " + std::string(kConditionExample) +
                                " (an operator name, then its operands), found []");
    }
    if (!rule[0].is_string()) {
      return invalid(index_path(where, 0),
                     "expected an operator name such as \"equals\" or \"extract\", found " +
                         shown(rule[0]) + " in " + text);
    }
    const std::string_view name = rule[0].get_string();
    const OperatorInfo* info = find_operator(name);
    if (!info) return unknown_operator(name, index_path(where, 0));
    const size_t operands = rule.size() - 1;

    auto arity = [&](size_t want, std::string_view example) -> Result<uint32_t> {
      return invalid(where, std::string(name) + " takes " + std::to_string(want) + " operand" +
                                (want == 1 ? "" : "s") + ", found " + std::to_string(operands) +
                                " in " + text + "; write it like " + std::string(example));
    };

    Node node;
    node.op = info->op;
    node.where = where;
    node.text = text;
    std::vector<uint32_t> kids;

    switch (info->shape) {
      case Shape::kAccessor: {
        const bool settings = info->op == Op::kSettings;
        if (operands != 1)
          return arity(1,
                       settings ? "[\"settings\", \"flow.name\"]" : "[\"extract\", \"a.b[0].c\"]");
        const std::string at = index_path(where, 1);
        if (!rule[1].is_string()) {
          return invalid(
              at, std::string("expected a ") +
                      (settings ? "setting like \"flow.name\"" : "field path like \"a.b[0].c\"") +
                      ", found " + shown(rule[1]));
        }
        std::string_view path = rule[1].get_string();
        if (settings) {
          const size_t dot = path.find('.');
          const std::string_view scope = path.substr(0, dot);
          if (scope == "flow") {
            node.scope = Scope::kFlow;
          } else if (scope == "export") {
            node.scope = Scope::kExport;
          } else if (scope == "import") {
            node.scope = Scope::kImport;
          } else if (scope == "integration") {
            node.scope = Scope::kIntegration;
          } else {
            return invalid(at,
                           "expected a setting that starts with flow., export., import. or "
                           "integration. (e.g. \"flow." +
                               std::string(path) + "\"), found " + quoted(path));
          }
          if (dot == std::string_view::npos || dot + 1 == path.size()) {
            return invalid(at, "expected the name of a setting after \"" + std::string(scope) +
                                   ".\", found " + quoted(path));
          }
          path = path.substr(dot + 1);
        }
        std::string problem;
        node.path = detail::FieldPath::parse(path, problem);
        if (!node.path) {
          return invalid(at,
                         "the path " + quoted(rule[1].get_string()) + " is not valid: " + problem);
        }
        return add(std::move(node), Type::kAny, kids);
      }
      case Shape::kUnary: {
        if (operands != 1)
          return arity(1, "[\"" + std::string(name) + "\", [\"extract\", \"field\"]]");
        auto child = operand(rule[1], index_path(where, 1), depth + 1);
        if (!child) return child;
        const Type in = type_of(*child);
        const bool wants_string = info->op == Op::kLowercase || info->op == Op::kUppercase;
        const bool wants_number =
            info->op == Op::kCeiling || info->op == Op::kFloor || info->op == Op::kAbs;
        if ((wants_string && (in == Type::kNumber || in == Type::kBool)) ||
            (wants_number && (in == Type::kString || in == Type::kBool))) {
          return invalid(index_path(where, 1),
                         std::string(name) + " needs a " + (wants_string ? "string" : "number") +
                             ", found " + shown(rule[1]) + "; convert it first with [\"" +
                             (wants_string ? "string" : "number") + "\", ...]");
        }
        kids.push_back(*child);
        return add(std::move(node), info->type, kids);
      }
      case Shape::kBinary: {
        if (operands != 2)
          return arity(2, "[\"" + std::string(name) + "\", [\"extract\", \"field\"], \"value\"]");
        auto left = operand(rule[1], index_path(where, 1), depth + 1);
        if (!left) return left;
        kids.push_back(*left);
        if (info->op == Op::kMatches) {
          const std::string at = index_path(where, 2);
          if (rule[2].is_string()) {
            const std::string_view pattern = rule[2].get_string();
            try {
              node.regex.emplace(pattern.begin(), pattern.end(), detail::kRegexOptions);
            } catch (const std::exception& e) {
              return invalid(
                  at, "the regular expression " + quoted(pattern) + " is not valid: " + e.what());
            }
          } else if (!rule[2].is_array()) {
            return invalid(at,
                           "expected a regular expression (a string like \"^HC[0-9]+\"), found " +
                               shown(rule[2]));
          }
        }
        auto right = operand(rule[2], index_path(where, 2), depth + 1);
        if (!right) return right;
        kids.push_back(*right);
        return add(std::move(node), Type::kBool, kids);
      }
      case Shape::kEmptyCheck: {
        if (operands != 1)
          return arity(1, "[\"" + std::string(name) + "\", [\"extract\", \"field\"]]");
        auto child = operand(rule[1], index_path(where, 1), depth + 1);
        if (!child) return child;
        kids.push_back(*child);
        return add(std::move(node), Type::kBool, kids);
      }
      case Shape::kAnyOf: {
        if (operands != 2) return arity(2, "[\"anyof\", [\"extract\", \"field\"], [\"a\", \"b\"]]");
        auto left = operand(rule[1], index_path(where, 1), depth + 1);
        if (!left) return left;
        kids.push_back(*left);
        const json::value& list = rule[2];
        const std::string at = index_path(where, 2);
        Result<uint32_t> right = 0u;
        if (list.is_array() && !names_value_operator(list.get_array())) {
          right = literal(list, at);  // a literal list of values
        } else if (list.is_array()) {
          right = operand(list, at, depth + 1);
        } else {
          return invalid(at,
                         "expected a list of values like [\"Urgent\", \"High Priority\"] or "
                         "[\"settings\", \"flow.list\"], found " +
                             shown(list));
        }
        if (!right) return right;
        kids.push_back(*right);
        return add(std::move(node), Type::kBool, kids);
      }
      case Shape::kLogic:
      case Shape::kNot: {
        const bool is_not = info->shape == Shape::kNot;
        if (is_not && operands != 1)
          return arity(1, "[\"not\", [\"equals\", [\"extract\", \"status\"], \"open\"]]");
        if (!is_not && operands == 0) {
          return invalid(where,
                         std::string(name) + " takes one condition or more, found none in " + text);
        }
        for (size_t i = 1; i < rule.size(); ++i) {
          auto child = condition(rule[i], index_path(where, i), depth + 1);
          if (!child) return child;
          kids.push_back(*child);
        }
        return add(std::move(node), Type::kBool, kids);
      }
    }
    return invalid(where, "internal: unhandled operator " + std::string(name));
  }

  // True when `list` is an expression giving a value (["settings", ...], ["extract", ...], a
  // cast or a transform) rather than a literal list of values.
  static bool names_value_operator(const json::array& list) {
    if (list.empty() || !list[0].is_string()) return false;
    const OperatorInfo* info = find_operator(list[0].get_string());
    return info && (info->shape == Shape::kAccessor || info->shape == Shape::kUnary);
  }

  static Error unknown_operator(std::string_view name, const std::string& where) {
    std::string message = "unknown operator " + quoted(name);
    const std::string lower = lowercase_ascii(name);
    if (lower != name && find_operator(lower)) {
      message += "; operator names are lowercase: write \"" + lower + "\"";
      return invalid(where, message);
    }
    std::string_view best;
    size_t best_distance = 3;
    for (const OperatorInfo& info : kOperators) {
      const size_t d = edit_distance(lower, info.name);
      if (d < best_distance) {
        best_distance = d;
        best = info.name;
      }
    }
    if (!best.empty()) {
      message += "; did you mean \"" + std::string(best) + "\"?";
    } else {
      message += "; expected one of";
      for (const OperatorInfo& info : kOperators) message += " " + std::string(info.name);
    }
    return invalid(where, message);
  }
};

Result<std::shared_ptr<const detail::Program>> compile_rules(const json::value& expression,
                                                             const std::string& where) {
  const json::object* obj = expression.if_object();
  if (!obj) {
    return invalid(where,
                   "expected an expression like {\"version\": \"1\", \"rules\": [...]}, "
                   "found " +
                       shown(expression));
  }
  for (const auto& [key, value] : *obj) {
    if (key != "version" && key != "rules") {
      return invalid(where + "." + std::string(key),
                     "unknown field; an expression has \"version\" and \"rules\"");
    }
  }
  if (const json::value* version = obj->if_contains("version")) {
    if (!version->is_string() || version->get_string() != "1") {
      return invalid(
          where + ".version",
          "expected \"1\" (the only version of the rule language), found " + shown(*version));
    }
  }
  auto program = std::make_shared<Program>();
  const json::value* rules = obj->if_contains("rules");
  if (!rules || (rules->is_array() && rules->get_array().empty())) return program;
  Compiler compiler;
  auto root = compiler.condition(*rules, where + ".rules", 0);
  if (!root) return root.error();
  compiler.program.root = *root;
  *program = std::move(compiler.program);
  return program;
}

}  // namespace

Result<Filter> Filter::compile_expression(const json::value& expression,
                                          std::string_view json_path) {
  auto program = compile_rules(expression, std::string(json_path));
  if (!program) return program.error();
  Filter filter;
  filter.program_ = std::move(*program);
  filter.json_path_ = std::string(json_path);
  return filter;
}

Result<Filter> Filter::compile(const json::value& filter_doc, std::string_view json_path) {
  const std::string where(json_path);
  const json::object* obj = filter_doc.if_object();
  if (!obj) {
    return invalid(where,
                   "expected a filter like {\"type\": \"expression\", \"expression\": "
                   "{\"version\": \"1\", \"rules\": [...]}}, found " +
                       shown(filter_doc));
  }
  for (const auto& [key, value] : *obj) {
    if (key != "type" && key != "expression" && key != "script") {
      return invalid(where + "." + std::string(key),
                     "unknown field; a filter has \"type\", \"expression\" and \"script\"");
    }
  }
  const json::value* type = obj->if_contains("type");
  if (!type) {
    return invalid(where,
                   "\"type\" is missing; expected \"expression\" (with \"expression\": "
                   "{\"version\": \"1\", \"rules\": [...]}) or \"script\" (with \"script\": "
                   "{\"_scriptId\", \"function\"})");
  }
  if (!type->is_string() ||
      (type->get_string() != "expression" && type->get_string() != "script")) {
    return invalid(where + ".type", "expected \"expression\" or \"script\", found " + shown(*type));
  }
  if (type->get_string() == "expression") {
    const json::value* expression = obj->if_contains("expression");
    if (!expression) {
      return invalid(where,
                     "\"type\" is \"expression\" but \"expression\" is missing; add "
                     "\"expression\": {\"version\": \"1\", \"rules\": [...]}");
    }
    auto filter = compile_expression(*expression, where + ".expression");
    if (filter) filter->json_path_ = where;
    return filter;
  }
  const json::value* script = obj->if_contains("script");
  if (!script) {
    return invalid(where,
                   "\"type\" is \"script\" but \"script\" is missing; add \"script\": "
                   "{\"_scriptId\": \"<id of a Script>\", \"function\": \"<its function>\"}");
  }
  const json::object* s = script->if_object();
  if (!s) {
    return invalid(
        where + ".script",
        "expected {\"_scriptId\": \"...\", \"function\": \"...\"}, found " + shown(*script));
  }
  for (const auto& [key, value] : *s) {
    if (key != "_scriptId" && key != "function") {
      return invalid(where + ".script." + std::string(key),
                     "unknown field; a filter script has \"_scriptId\" and \"function\"");
    }
  }
  const json::value* id = s->if_contains("_scriptId");
  if (!id || !id->is_string() || id->get_string().empty()) {
    return invalid(where + ".script._scriptId",
                   "expected the id of a Script resource (a non-empty string), found " +
                       (id ? shown(*id) : std::string("nothing")));
  }
  const json::value* function = s->if_contains("function");
  if (!function || !function->is_string() || !is_identifier(function->get_string())) {
    return invalid(where + ".script.function",
                   "expected the name of a JavaScript function (like \"filterRecords\"), found " +
                       (function ? shown(*function) : std::string("nothing")));
  }
  Filter filter;
  filter.script_ = std::make_shared<ScriptRef>(
      ScriptRef{std::string(id->get_string()), std::string(function->get_string())});
  filter.json_path_ = where;
  return filter;
}

const std::string& Filter::json_path() const noexcept { return json_path_; }

bool Filter::keeps_everything() const noexcept { return program_ && !program_->root.has_value(); }

}  // namespace sluice::host::filter
