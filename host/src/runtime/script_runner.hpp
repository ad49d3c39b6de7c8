// The script of one step of one job (a hook, a script filter or transform): the Script resource
// as the plan resolved it, loaded into a SpiderMonkey engine on first use — on the job's thread,
// which then owns it (script/script_engine.hpp) — and its console lines sent to the job's log.
// A hook step's callee (HookRunner) is such a script or a plugin's native hook
// (runtime/native_hook.hpp).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "runtime/native_hook.hpp"
#include "runtime/step.hpp"
#include "script/script_engine.hpp"
#include "script/script_limits.hpp"

namespace sluice::runtime {

class ScriptRunner {
 public:
  ScriptRunner(script::ScriptSource source, std::string function, script::ScriptLimits limits);
  ~ScriptRunner();

  // The loaded engine, loading it the first time (its top-level code runs then). An Error when
  // the script cannot load (a syntax error, a throw at top level, a limit) or no longer defines
  // the function; the step cannot run. console.* lines go to `context.log` of this call.
  Result<script::ScriptEngine*> engine(const StepContext& context);

  const std::string& function() const { return function_; }
  const script::ScriptSource& source() const { return source_; }

 private:
  script::ScriptSource source_;
  std::string function_;
  script::ScriptLimits limits_;
  std::unique_ptr<script::ScriptEngine> engine_;
  const StepContext* context_ = nullptr;  // of the call in progress, for console lines
};

// The limits of a job's scripts: SLUICE_SCRIPT_TIME_LIMIT_MS (per call, default 5000) and
// SLUICE_SCRIPT_HEAP_LIMIT_MB (default 256), read when called; a value set but not a whole number
// in range (1..3600000 ms, 1..65536 MB) is an Error naming the variable.
Result<script::ScriptLimits> job_script_limits();

// The runner of the script that the {_scriptId, function} reference at `path` of step `what`
// ("export x", "import x", a flow entry) names, from `scripts` (the plan loaded them), with the
// job's limits (job_script_limits). An Error naming `what` and `path` when the reference is not
// of that shape or names a script not in `scripts`; the Error of job_script_limits when a limit
// is set wrong. Every step that runs a script (export slots, import hooks, lookups) builds its
// runner here.
Result<std::unique_ptr<ScriptRunner>> script_runner_for(
    std::string_view what, const std::map<std::string, boost::json::object>& scripts,
    const boost::json::value* reference, std::string_view path);

// What a hook step (preSavePage, preMap, postMap, postSubmit, postResponseMap) calls: a script's
// function ({_scriptId, function}) or a plugin's native hook ({_pluginId, function}).
class HookRunner {
 public:
  explicit HookRunner(std::unique_ptr<ScriptRunner> script);
  explicit HookRunner(std::unique_ptr<NativeHookCallee> native, std::string function);
  ~HookRunner();

  // The callee; a script is loaded the first time (ScriptRunner::engine, with its Errors).
  Result<script::HookCallee*> callee(const StepContext& context);
  // The function to call: the script's function, or the native hook's name.
  const std::string& function() const { return function_; }

 private:
  std::unique_ptr<ScriptRunner> script_;
  std::unique_ptr<NativeHookCallee> native_;
  std::string function_;
};

// The runner of the hook that the reference at `path` of step `what` names, in a slot of kind
// `kind` (SLUICE_HOOK_*): {_pluginId, function} from `native` (the plan resolved it, checking
// the kind), with the job's call limits (host::call_limits_from_environment: the submit
// deadline); any other reference as script_runner_for. An Error naming `what` and `path` when
// the native hook is not in `native`, or a limit is set wrong.
Result<std::unique_ptr<HookRunner>> hook_runner_for(
    std::string_view what, const std::map<std::string, boost::json::object>& scripts,
    const NativeHooks& native, const boost::json::value* reference, std::string_view path);

}  // namespace sluice::runtime
