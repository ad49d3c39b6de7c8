// The script of one step of one job (a hook, a script filter or transform): the Script resource
// as the plan resolved it, loaded into a SpiderMonkey engine on first use — on the job's thread,
// which then owns it (script/script_engine.hpp) — and its console lines sent to the job's log.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

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

}  // namespace sluice::runtime
