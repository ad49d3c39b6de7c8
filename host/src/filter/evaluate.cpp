// Filter::matches: walks the compiled rules for one record. Values are views into the record,
// the settings and the rules (see value.hpp), so the common path allocates nothing.
#include <exception>
#include <optional>
#include <string>

#include "filter/convert.hpp"
#include "filter/filter.hpp"
#include "filter/program.hpp"
#include "filter/value.hpp"

namespace sluice::host::filter {

namespace json = boost::json;
using detail::Kind;
using detail::Node;
using detail::Op;
using detail::Program;
using detail::Value;

namespace {

// a === b as JavaScript compares JSON values; arrays and objects are never equal (JavaScript
// compares them by identity).
bool strict_equals(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kMissing:
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.boolean == b.boolean;
    case Kind::kNumber:
      return a.number == b.number;
    case Kind::kString:
      return a.str() == b.str();
    case Kind::kArray:
    case Kind::kObject:
      return false;
  }
  return false;
}

// -1, 0, 1 for two numbers, two strings (by code point: UTF-8 bytes compare in that order) or two
// booleans; nullopt for any other pair (the comparison is false).
std::optional<int> order(const Value& a, const Value& b) {
  if (a.kind != b.kind) return std::nullopt;
  switch (a.kind) {
    case Kind::kNumber:
      if (a.number < b.number) return -1;
      if (a.number > b.number) return 1;
      if (a.number == b.number) return 0;
      return std::nullopt;  // NaN
    case Kind::kString: {
      const int c = a.str().compare(b.str());
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Kind::kBool:
      return static_cast<int>(a.boolean) - static_cast<int>(b.boolean);
    default:
      return std::nullopt;
  }
}

bool is_empty(const Value& v) {
  switch (v.kind) {
    case Kind::kMissing:
    case Kind::kNull:
      return true;
    case Kind::kString:
      return v.str().empty();
    case Kind::kArray:
      return v.json->get_array().empty();
    case Kind::kObject:
      return v.json->get_object().empty();
    default:
      return false;
  }
}

bool in_list(const Value& item, const json::array& list) {
  Value element;
  for (const json::value& candidate : list) {
    element.set_json(&candidate);
    if (strict_equals(item, element)) return true;
  }
  return false;
}

class Evaluator {
 public:
  Evaluator(const Program& program, const json::value& record, const FilterContext& ctx)
      : program_(program), record_(record), ctx_(ctx) {}

  std::optional<Error> error;

  // Evaluates node `index` into `out`; false when `error` was set. Reads (literals, extract)
  // are handled here without a call: they are most of the nodes a rule evaluates.
  bool eval(uint32_t index, Value& out) {
    const Node& n = program_.nodes[index];
    if (n.op == Op::kExtract) {
      out.set_json(n.path->find(record_));
      return true;
    }
    if (n.op == Op::kLiteral) {
      out.set_json(&n.literal);
      return true;
    }
    return eval_operator(n, out);
  }

 private:
  [[gnu::noinline]] bool eval_operator(const Node& n, Value& out) {
    switch (n.op) {
      case Op::kLiteral:
      case Op::kExtract:
        return eval(static_cast<uint32_t>(&n - program_.nodes.data()), out);
      case Op::kSettings:
        out.set_json(find_setting(n));
        return true;
      case Op::kNumber:
      case Op::kString:
      case Op::kBoolean:
      case Op::kEpochtime:
      case Op::kLowercase:
      case Op::kUppercase:
      case Op::kCeiling:
      case Op::kFloor:
      case Op::kAbs:
        return convert(n, out);
      case Op::kAnd:
      case Op::kOr:
      case Op::kNot:
        return logic(n, out);
      case Op::kEmpty:
      case Op::kNotEmpty: {
        Value v;
        if (!eval(child(n, 0), v)) return false;
        out.set_bool(is_empty(v) == (n.op == Op::kEmpty));
        return true;
      }
      default:
        return compare(n, out);
    }
  }

  [[gnu::noinline]] bool convert(const Node& n, Value& out) {
    Value in;
    if (!eval(child(n, 0), in)) return false;
    std::string problem;
    if (!detail::convert(n.op, in, out, problem)) return fail(n, problem);
    return true;
  }

  bool logic(const Node& n, Value& out) {
    if (n.op == Op::kNot) {
      Value v;
      if (!eval(child(n, 0), v)) return false;
      out.set_bool(!truth(v));
      return true;
    }
    const bool want = n.op == Op::kOr;  // the value that decides
    for (uint32_t i = 0; i < n.child_count; ++i) {
      Value v;
      if (!eval(child(n, i), v)) return false;
      if (truth(v) == want) {
        out.set_bool(want);
        return true;
      }
    }
    out.set_bool(!want);
    return true;
  }

  const Program& program_;
  const json::value& record_;
  const FilterContext& ctx_;

  uint32_t child(const Node& n, uint32_t i) const { return program_.children[n.first_child + i]; }

  // A condition's value: conditions give booleans (compile() checks it); anything else is false.
  static bool truth(const Value& v) { return v.kind == Kind::kBool && v.boolean; }

  bool fail(const Node& n, const std::string& problem) {
    Error e = make_error(Status::kInvalidConfig, n.where + " " + n.text + ": " + problem);
    e.details = json::object{{"rule", n.where}};
    error = std::move(e);
    return false;
  }

  const json::value* find_setting(const Node& n) const {
    const json::object* settings = nullptr;
    switch (n.scope) {
      case detail::Scope::kFlow:
        settings = ctx_.flow_settings;
        break;
      case detail::Scope::kExport:
        settings = ctx_.export_settings;
        break;
      case detail::Scope::kImport:
        settings = ctx_.import_settings;
        break;
      case detail::Scope::kIntegration:
        settings = ctx_.integration_settings;
        break;
    }
    if (!settings) return nullptr;
    const auto& segments = n.path->segments();
    const json::value* first = settings->if_contains(segments.front().key);
    if (!first || segments.size() == 1) return first;
    // The rest of the path from the first value: a FieldPath without its first segment would
    // allocate, so walk it here.
    const json::value* at = first;
    for (size_t i = 1; i < segments.size() && at; ++i) {
      const auto& seg = segments[i];
      if (const json::object* obj = at->if_object()) {
        at = obj->if_contains(seg.key);
      } else if (const json::array* arr = at->if_array()) {
        at = (seg.index && *seg.index < arr->size()) ? &(*arr)[*seg.index] : nullptr;
      } else {
        at = nullptr;
      }
    }
    return at;
  }

  bool compare(const Node& n, Value& out) {
    Value a, b;
    if (!eval(child(n, 0), a) || !eval(child(n, 1), b)) return false;
    switch (n.op) {
      case Op::kEquals:
        out.set_bool(strict_equals(a, b));
        return true;
      case Op::kNotEquals:
        out.set_bool(!strict_equals(a, b));
        return true;
      case Op::kGreaterThan:
      case Op::kGreaterThanEquals:
      case Op::kLessThan:
      case Op::kLessThanEquals: {
        const std::optional<int> c = order(a, b);
        bool result = false;
        if (c) {
          result = n.op == Op::kGreaterThan         ? *c > 0
                   : n.op == Op::kGreaterThanEquals ? *c >= 0
                   : n.op == Op::kLessThan          ? *c < 0
                                                    : *c <= 0;
        }
        out.set_bool(result);
        return true;
      }
      case Op::kStartsWith:
      case Op::kEndsWith: {
        bool result = false;
        if (a.kind == Kind::kString && b.kind == Kind::kString) {
          const std::string_view s = a.str(), affix = b.str();
          result = affix.size() <= s.size() &&
                   (n.op == Op::kStartsWith ? s.substr(0, affix.size()) == affix
                                            : s.substr(s.size() - affix.size()) == affix);
        }
        out.set_bool(result);
        return true;
      }
      case Op::kContains:
      case Op::kDoesNotContain: {
        bool found = false;
        if (a.kind == Kind::kString && b.kind == Kind::kString) {
          found = a.str().find(b.str()) != std::string_view::npos;
        } else if (a.kind == Kind::kArray) {
          found = in_list(b, a.json->get_array());
        }
        out.set_bool(found == (n.op == Op::kContains));
        return true;
      }
      case Op::kMatches:
        return matches(n, a, b, out);
      case Op::kAnyOf: {
        bool found = false;
        if (b.kind == Kind::kArray) {
          const json::array& list = b.json->get_array();
          if (a.kind == Kind::kArray) {
            Value element;
            for (const json::value& item : a.json->get_array()) {
              element.set_json(&item);
              if (in_list(element, list)) {
                found = true;
                break;
              }
            }
          } else {
            found = in_list(a, list);
          }
        } else if (b.kind != Kind::kMissing && b.kind != Kind::kNull) {
          return fail(n, "anyof needs a list of values, found " + detail::describe(b));
        }
        out.set_bool(found);
        return true;
      }
      default:
        return fail(n, "internal: not an operator");
    }
  }

  [[gnu::noinline]] bool matches(const Node& n, const Value& subject, const Value& pattern,
                                 Value& out) {
    if (subject.kind != Kind::kString) {
      out.set_bool(false);
      return true;
    }
    std::optional<boost::regex> dynamic;
    const boost::regex* re = n.regex ? &*n.regex : nullptr;
    if (!re) {
      if (pattern.kind == Kind::kMissing || pattern.kind == Kind::kNull) {
        out.set_bool(false);
        return true;
      }
      if (pattern.kind != Kind::kString)
        return fail(n, "expected a regular expression, found " + detail::describe(pattern));
      try {
        dynamic.emplace(pattern.str().begin(), pattern.str().end(), detail::kRegexOptions);
      } catch (const std::exception& e) {
        return fail(n, "the regular expression " + detail::describe(pattern) +
                           " is not valid: " + e.what());
      }
      re = &*dynamic;
    }
    const std::string_view s = subject.str();
    try {
      // One match_results per thread, reused: searching then allocates nothing once it has
      // grown to the pattern's groups (Boost.Regex caches its backtracking blocks itself).
      thread_local boost::match_results<std::string_view::const_iterator> groups;
      out.set_bool(boost::regex_search(s.begin(), s.end(), groups, *re));
    } catch (const std::exception& e) {
      // Boost.Regex gives up (instead of running for ever) on catastrophic backtracking.
      return fail(n, "the regular expression could not be matched against " +
                         detail::describe(subject) + ": " + e.what() + "; simplify the pattern");
    }
    return true;
  }
};

}  // namespace

Result<bool> Filter::matches(const json::value& record, const FilterContext& ctx) const {
  if (script_) {
    return make_error(Status::kUnsupported,
                      json_path_ + " is a script filter (" + script_->script_id + ", function " +
                          script_->function + "): run it with the script engine");
  }
  if (!program_ || !program_->root) return true;
  Evaluator evaluator(*program_, record, ctx);
  Value result;
  if (!evaluator.eval(*program_->root, result)) return std::move(*evaluator.error);
  return result.kind == detail::Kind::kBool && result.boolean;
}

}  // namespace sluice::host::filter
