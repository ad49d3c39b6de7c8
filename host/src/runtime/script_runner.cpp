#include "runtime/script_runner.hpp"

#include <fmt/format.h>

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

}  // namespace sluice::runtime
