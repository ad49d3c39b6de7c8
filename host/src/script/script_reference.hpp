// What `sluice apply` checks of a Script and of a reference to one.
//
// A reference is integrator.io's {_scriptId, function} (hooks.preSavePage, filter.script,
// transform.script, ...): the script must exist (in the same apply or in the store) and define
// that function. Checking the function loads the script, i.e. runs its top-level code, under
// kApplyLimits.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "script/script_engine.hpp"

namespace sluice::script {

inline constexpr ScriptLimits kApplyLimits{.call_time_limit_ms = 2000,
                                           .heap_limit_bytes = 64ull << 20};

// The engine's view of a stored Script document {_id, name, content}.
ScriptSource script_source_of(const boost::json::object& doc);

class ScriptReferenceChecker {
 public:
  // `find` returns the Script document of an id (content inlined), or nullptr when none.
  using FindScript = std::function<const boost::json::object*(const std::string& id)>;
  explicit ScriptReferenceChecker(FindScript find, ScriptLimits limits = kApplyLimits);

  // nullopt when `reference` (the value at JSON path `path`, nullptr when absent) is an object
  // {_scriptId, function} naming an existing script that defines that function; else the
  // problem, starting with the path, e.g.
  //   $.hooks.preSavePage.function: script "orders" (orders-hook) defines no function named
  //   "preSavePage"; define it or name one of its functions
  // Each script is loaded at most once per checker.
  std::optional<std::string> check(const boost::json::value* reference, std::string_view path);

 private:
  FindScript find_;
  ScriptLimits limits_;
  std::map<std::string, Result<std::unique_ptr<ScriptEngine>>> engines_;
};

}  // namespace sluice::script
