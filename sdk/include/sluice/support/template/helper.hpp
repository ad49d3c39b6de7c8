// The interface between the Handlebars engine (<sluice/support/template.hpp>) and the helpers of
// integrator.io's dialect. The engine evaluates a tag's arguments, finds the helper by name and
// calls it; the helper returns a value that the engine prints (escaped for the setting's context
// unless it is marked safe). The engine's own built-ins (if, unless, each, with, lookup, log) are
// not helpers in this sense.
//
// A helper is a pure function of its call: it keeps no state between calls and may run on any
// thread. Expected failures (bad arguments) are Errors (Status::kInvalidConfig) whose message says
// what was wrong with which argument, without the helper's name or the template's location (the
// engine adds both).
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::support::tmpl {

// A JavaScript-like value as handlebars.js sees it: JSON, plus `undefined` (a missing path, a
// missing argument) as distinct from null, plus "safe" text (a SafeString: block output, or a
// helper result that must not be escaped).
struct Value {
  boost::json::value json;  // null when undefined
  bool undefined = false;
  bool safe = false;  // only meaningful for strings

  static Value make_undefined() { return Value{boost::json::value(), true, false}; }
  static Value safe_string(std::string text) {
    return Value{boost::json::value(boost::json::string(text)), false, true};
  }
};

// A Value borrowed, not owned: `this` as the engine holds it (no copy per helper call), or a Value
// (or JSON value) that the caller keeps alive while the view is used. Undefined views refer to a
// null.
struct ValueRef {
  const boost::json::value& json;  // a null when undefined
  bool undefined = false;
  bool safe = false;  // only meaningful for strings

  ValueRef(const Value& v) : json(v.json), undefined(v.undefined), safe(v.safe) {}  // NOLINT
  // nullptr is undefined.
  explicit ValueRef(const boost::json::value* v)
      : json(v != nullptr ? *v : null_value()), undefined(v == nullptr) {}

  // An owned copy, for a helper that must keep or return it.
  Value to_value() const { return Value{json, undefined, safe}; }

 private:
  static const boost::json::value& null_value() {
    static const boost::json::value kNull;
    return kNull;
  }
};

// The sections of a block helper: {{#name ...}}fn{{else}}inverse{{/name}}.
struct BlockBody {
  // Renders a section with `self` as `this`; pass the call's `self` to render with `this`
  // unchanged. `data` adds or overrides @-variables for the section (e.g. {"index": 0, "first":
  // true, "key": "a"}); `block_params` binds {{#x as |a b|}} names in order. An empty inverse
  // renders "".
  std::function<Result<std::string>(const ValueRef&self, const boost::json::object&data,
                                    std::span<const Value> block_params)>
      fn, inverse;
};

// What date and random helpers need from the caller.
struct HelperEnv {
  std::string timezone;  // IANA zone used when a helper gets none; empty means UTC
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // The HTTP request being built, for aws4: {"method", "url", "headers": {name: value}, "body"}.
  // Null where no request is being signed (aws4 then fails with a message saying so).
  const boost::json::object* request = nullptr;
};

struct HelperCall {
  std::string_view name;
  std::span<const Value> args;       // positional arguments, evaluated, in order
  const boost::json::object& hash;   // key=value arguments, evaluated (undefined ones left out)
  ValueRef self;                     // `this` where the helper is called, borrowed from the engine
  const BlockBody* block = nullptr;  // null unless called as {{#name}}...{{/name}}
  const HelperEnv& env;
  // For each positional argument that was a bare path (`isTruthy`, `record.x`), its source text;
  // empty for literals and sub-expressions. May be shorter than `args` (or empty) when unknown.
  // #some uses it to read a condition named by a bare word.
  std::span<const std::string_view> arg_paths = {};
};

using Helper = std::function<Result<Value>(const HelperCall&)>;

// The helper named `name` (integrator.io's names, case-sensitive), or nullptr.
const Helper* find_helper(std::string_view name) noexcept;

}  // namespace sluice::support::tmpl
