// One compiled JavaScript script, ready to have its functions called with JSON in and JSON out.
//
//   auto engine = ScriptEngine::load({.id = "s1", .name = "orders", .content = source}, limits,
//   log); auto out = (*engine)->call("preSavePage", R"({"data":[]})");   // out: JSON text
//
// The script's top-level code runs once, in load(); each call() parses the options JSON into a
// JavaScript value (SpiderMonkey's JSON parser), calls the function with it as the only argument
// and returns JSON.stringify of what the function returned (a Promise is awaited). Every call,
// and the top-level code, runs under ScriptLimits: a wall-clock budget and a heap limit.
//
// Errors (sluice::Error with Status::kInvalidConfig for a script that cannot load, kRemoteError
// for a failed call; `details` holds {kind, script, function, line, column, stack, limit} where
// they apply) read like
//   script "orders" (orders.js), function preSavePage: Error: no SKU at line 3, column 11
//   stack:
//   preSavePage@orders.js:3:11
// and `details.kind` is one of the ScriptFailure names below.
//
// Thread contract: an engine belongs to the thread that loaded it. Load, call and destroy it on
// that thread only (one engine per step per job, used on the job's thread). Engines on one thread
// share that thread's SpiderMonkey context and heap; engines on different threads are
// independent. The calling thread needs at least 1 MiB of stack (half of it, up to 1 MiB, is
// given to scripts).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "script/hook_callee.hpp"
#include "script/script_limits.hpp"
#include "sluice/result.hpp"

namespace sluice::script {

// The kinds of failure, as found in Error::details["kind"].
enum class ScriptFailure {
  kSyntax,      // "syntax": the source does not parse
  kThrown,      // "thrown": the code threw (an Error or any other value) or a Promise rejected
  kTimeLimit,   // "time_limit": the call ran past ScriptLimits::call_time_limit_ms
  kHeapLimit,   // "heap_limit": the JavaScript heap passed ScriptLimits::heap_limit_bytes
  kNoFunction,  // "no_function": the script defines no function of that name
  kBadResult,   // "bad_result": the value returned cannot become JSON (undefined, a function,
                // a cycle, a BigInt, a Promise that never settles) or has the wrong shape
  kBadInput,    // "bad_input": the options given to call() are not JSON (a host bug)
  kEngine,      // "engine": SpiderMonkey could not start or failed outside the script
};
std::string_view to_string(ScriptFailure failure);
// The kind of a failure made by this library; kEngine for any other error.
ScriptFailure failure_of(const Error& error);
// The code a job error made of `error` is stored with (`sluice errors`): "hook" when a script
// of this library failed while it ran (it threw, passed a limit, returned a wrong result), as the
// per-record errors of a failed hook are; else the status name ("invalid_config" for a script
// that does not compile, "auth_failed", ...).
std::string_view stored_code_of(const Error& error);

enum class LogLevel { kDebug, kInfo, kWarn, kError };
std::string_view to_string(LogLevel level);

// console.debug/log/info/warn/error. Called on the engine's thread, during call() or load(),
// with the arguments joined by spaces (strings as they are, other values as JSON when they have
// a JSON form, else as String(value)).
using LogCallback = std::function<void(LogLevel level, std::string_view message)>;

struct ScriptSource {
  std::string id;         // the Script resource's _id (may be empty in tests)
  std::string name;       // the Script resource's name; used in every message
  std::string file_name;  // what stack frames show: the .js file's name, or `name` when empty
  std::string content;    // the code, UTF-8
};

// A HookCallee (hook_callee.hpp): the hook contracts call a script's functions through it.
class ScriptEngine : public HookCallee {
 public:
  // Compiles `source` and runs its top-level code under `limits`. A syntax error fails with
  // kSyntax, line and column; a throw at top level with kThrown.
  static Result<std::unique_ptr<ScriptEngine>> load(ScriptSource source, ScriptLimits limits = {},
                                                    LogCallback log = {});

  // Parses `source` without running any of it: ok, or kSyntax with line and column.
  static Result<void> check_syntax(const ScriptSource& source);

  ~ScriptEngine() override;
  ScriptEngine(const ScriptEngine&) = delete;
  ScriptEngine& operator=(const ScriptEngine&) = delete;

  // True when the script defines `function` (a function declaration, or a top-level
  // const/let/var holding a function written in JavaScript; built-ins such as parseInt do not
  // count).
  bool has_function(std::string_view function);

  // Calls `function(JSON.parse(options_json))` and returns JSON.stringify of the result.
  Result<std::string> call(std::string_view function, std::string_view options_json) override;
  // The script, for messages about what its functions return.
  const HookName& name() const override { return name_; }

  const ScriptSource& source() const { return source_; }
  const ScriptLimits& limits() const { return limits_; }

  struct Impl;

 private:
  explicit ScriptEngine(std::unique_ptr<Impl> impl, ScriptSource source, ScriptLimits limits);
  std::unique_ptr<Impl> impl_;
  ScriptSource source_;
  ScriptLimits limits_;
  HookName name_;
};

}  // namespace sluice::script
