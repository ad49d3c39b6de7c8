#include "runtime/script_runner.hpp"

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

#include "plugins/call_limits.hpp"
#include "plugins/hook_reference.hpp"
#include "script/script_reference.hpp"

namespace sluice::runtime {

ScriptRunner::ScriptRunner(script::ScriptSource source, std::string function,
                           script::ScriptLimits limits)
    : source_(std::move(source)), function_(std::move(function)), limits_(limits) {}

ScriptRunner::~ScriptRunner() = default;

Result<script::ScriptEngine*> ScriptRunner::engine(const StepContext& context) {
  context_ = &context;
  if (engine_) return engine_.get();
  auto loaded = script::ScriptEngine::load(
      source_, limits_, [this](script::LogLevel level, std::string_view message) {
        if (context_ != nullptr && context_->log) {
          context_->log(script::to_string(level),
                        fmt::format("script {}: {}", source_.name, message));
        }
      });
  if (!loaded) return loaded.error();
  if (!(*loaded)->has_function(function_)) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("script \"{}\" defines no function named \"{}\"; define it or "
                                  "name one of its functions, then apply again",
                                  source_.name, function_));
  }
  engine_ = std::move(*loaded);
  return engine_.get();
}

Result<script::ScriptLimits> job_script_limits() {
  script::ScriptLimits limits;
  auto read = [](const char* name, unsigned long long max,
                 unsigned long long& out) -> Result<void> {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return {};
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (errno != 0 || end == nullptr || *end != '\0' || *text == '-' || value == 0 || value > max) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("{}={:?}: expected a whole number from 1 to {}; fix or unset "
                                    "it",
                                    name, text, max));
    }
    out = value;
    return {};
  };
  unsigned long long ms = limits.call_time_limit_ms, mb = limits.heap_limit_bytes >> 20;
  if (auto r = read(script::kTimeLimitVariable, script::kMaxTimeLimitMs, ms); !r) {
    return r.error();
  }
  if (auto r = read(script::kHeapLimitVariable, script::kMaxHeapLimitMb, mb); !r) {
    return r.error();
  }
  limits.call_time_limit_ms = static_cast<uint32_t>(ms);
  limits.heap_limit_bytes = mb << 20;
  return limits;
}

Result<std::unique_ptr<ScriptRunner>> script_runner_for(
    std::string_view what, const std::map<std::string, boost::json::object>& scripts,
    const boost::json::value* reference, std::string_view path) {
  const boost::json::object* ref = reference != nullptr ? reference->if_object() : nullptr;
  const boost::json::value* id = ref != nullptr ? ref->if_contains("_scriptId") : nullptr;
  const boost::json::value* function = ref != nullptr ? ref->if_contains("function") : nullptr;
  if (id == nullptr || !id->is_string() || function == nullptr || !function->is_string()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("{}: {}: expected {{\"_scriptId\": ..., \"function\": ...}}; "
                                  "fix it and apply it again",
                                  what, path));
  }
  auto doc = scripts.find(std::string(id->get_string()));
  if (doc == scripts.end()) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("{}: {}._scriptId: no script {} in the store", what, path, id->get_string()));
  }
  auto limits = job_script_limits();
  if (!limits) return limits.error();
  return std::make_unique<ScriptRunner>(script::script_source_of(doc->second),
                                        std::string(function->get_string()), *limits);
}

HookRunner::HookRunner(std::unique_ptr<ScriptRunner> script)
    : script_(std::move(script)), function_(script_->function()) {}

HookRunner::HookRunner(std::unique_ptr<NativeHookCallee> native, std::string function)
    : native_(std::move(native)), function_(std::move(function)) {}

HookRunner::~HookRunner() = default;

Result<script::HookCallee*> HookRunner::callee(const StepContext& context) {
  if (native_) return static_cast<script::HookCallee*>(native_.get());
  auto engine = script_->engine(context);
  if (!engine) return engine.error();
  return static_cast<script::HookCallee*>(*engine);
}

Result<std::unique_ptr<HookRunner>> hook_runner_for(
    std::string_view what, const std::map<std::string, boost::json::object>& scripts,
    const NativeHooks& native, const boost::json::value* reference, std::string_view path) {
  if (!host::is_native_hook_reference(reference)) {
    auto script = script_runner_for(what, scripts, reference, path);
    if (!script) return script.error();
    return std::make_unique<HookRunner>(std::move(*script));
  }
  const boost::json::object& ref = reference->get_object();
  const boost::json::value* id = ref.if_contains("_pluginId");
  const boost::json::value* function = ref.if_contains("function");
  const auto found =
      id->is_string() && function != nullptr && function->is_string()
          ? native.find({std::string(id->get_string()), std::string(function->get_string())})
          : native.end();
  if (found == native.end() || found->second == nullptr) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("{}: {}: the native hook it references was not resolved; "
                                  "apply the resource again",
                                  what, path));
  }
  auto limits = host::call_limits_from_environment();
  if (!limits) return limits.error();
  return std::make_unique<HookRunner>(std::make_unique<NativeHookCallee>(*found->second, *limits),
                                      found->second->name);
}

}  // namespace sluice::runtime
