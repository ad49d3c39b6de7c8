// The script of one step of one job (a hook, a script filter or transform): the Script resource
// as the plan resolved it, loaded into a SpiderMonkey engine on first use — on the job's thread,
// which then owns it (script/script_engine.hpp) — and its console lines sent to the job's log.
#pragma once

#include <memory>
#include <string>

#include "runtime/step.hpp"
#include "script/script_engine.hpp"

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

}  // namespace sluice::runtime
