// integrator.io's filters: the `filter` of an export (output filter), the `inputFilter` of an
// import or lookup and the `inputFilter` of a router branch. A filter document is
//
//   {"type": "expression", "expression": {"version": "1", "rules": [...]}}   rules, compiled here
//   {"type": "script", "script": {"_scriptId": "...", "function": "..."}}  run by the script engine
//
// Rules are integrator.io's prefix rule language (docs/filters.md is the reference for
// integrators: every operator, how missing values compare, how casts fail):
//   ["and", ["equals", ["extract", "status"], "open"],
//           ["greaterthan", ["number", ["extract", "total"]], ["settings", "flow.minTotal"]]]
//
// Compile once (when a document is applied, and once per step per job), evaluate per record.
// Evaluating does not allocate on the common path (extract a field, cast it to a number or a
// string, compare it to a literal or a setting, match a literal regular expression): field paths
// are split and regular expressions compiled by compile().
//
// Thread-safety: a Filter is immutable; any number of threads may call matches() on one Filter
// at once. Copies share the compiled rules.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::host::filter {

// The settings documents `["settings", "<scope>.<path>"]` reads. A null pointer reads as a
// missing value (every comparison with it is false). The objects must outlive the call.
struct FilterContext {
  const boost::json::object* flow_settings = nullptr;         // "flow.x": the flow's settings
  const boost::json::object* export_settings = nullptr;       // "export.x": the export's
  const boost::json::object* import_settings = nullptr;       // "import.x": the import's
  const boost::json::object* integration_settings = nullptr;  // "integration.x"
};

// `filter.script` of a script filter: the step calls `function` of the Script `script_id` with
// integrator.io's options (`record`, `settings`, ...) and keeps the record when it returns true.
struct ScriptRef {
  std::string script_id;  // `_scriptId`, non-empty
  std::string function;   // a JavaScript identifier
};

namespace detail {
struct Program;
}

class Filter {
 public:
  enum class Kind { kExpression, kScript };

  // Compiles `filter_doc` (the value of an export's `filter` or an import's `inputFilter`).
  // `json_path` names the document for messages, e.g. "exports[0].filter"; an Error
  // (Status::kInvalidConfig) gives the path inside it, what was found and what was expected:
  //   exports[0].filter.expression.rules[2][1]: expected an operand like ["extract", "path"] or a
  //   literal, found {"a":1}
  // An expression whose `rules` is absent or [] keeps every record (integrator.io stores an
  // empty filter that way).
  static Result<Filter> compile(const boost::json::value& filter_doc, std::string_view json_path);

  // Compiles an `expression` object alone ({"version": "1", "rules": [...]}), for places that
  // store the expression without its `type`; `json_path` names that object.
  static Result<Filter> compile_expression(const boost::json::value& expression,
                                           std::string_view json_path);

  Kind kind() const noexcept { return script_ ? Kind::kScript : Kind::kExpression; }

  // The script to call, for a script filter; nullptr for an expression.
  const ScriptRef* script() const noexcept { return script_.get(); }

  // True when an expression filter has no rules and so keeps every record.
  bool keeps_everything() const noexcept;

  // Whether `record` passes (true: it goes on; false: the step drops it, counted as ignored).
  // An Error (Status::kInvalidConfig) means the rules cannot be evaluated for this record -- a
  // value a cast cannot convert, a regular expression too complex for the value -- and names the
  // rule (its JSON path and text) and the value; the step fails that record only. On a script
  // filter, returns an Error (Status::kUnsupported): call the script engine instead.
  Result<bool> matches(const boost::json::value& record, const FilterContext& ctx) const;

  // Where the filter document is (the `json_path` given to compile).
  const std::string& json_path() const noexcept;

 private:
  Filter() = default;

  std::shared_ptr<const detail::Program> program_;  // set for an expression
  std::shared_ptr<const ScriptRef> script_;         // set for a script
  std::string json_path_;
};

}  // namespace sluice::host::filter
