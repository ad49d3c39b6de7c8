#include "script/script_engine.hpp"

#include <cctype>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <js/CharacterEncoding.h>
#include <js/CompilationAndEvaluation.h>
#include <js/Conversions.h>
#include <js/ErrorReport.h>
#include <js/Exception.h>
#include <js/GCAPI.h>
#include <js/GlobalObject.h>
#include <js/JSON.h>
#include <js/Promise.h>
#include <js/PropertySpec.h>
#include <js/Realm.h>
#include <js/SavedFrameAPI.h>
#include <js/SourceText.h>
#include <js/Stack.h>
#include <js/String.h>
#include <jsapi.h>
#include <jsfriendapi.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "script/js_thread.hpp"
#include "script/utf16.hpp"

namespace sluice::script {

namespace json = boost::json;

std::string_view to_string(ScriptFailure failure) {
  switch (failure) {
    case ScriptFailure::kSyntax:
      return "syntax";
    case ScriptFailure::kThrown:
      return "thrown";
    case ScriptFailure::kTimeLimit:
      return "time_limit";
    case ScriptFailure::kHeapLimit:
      return "heap_limit";
    case ScriptFailure::kNoFunction:
      return "no_function";
    case ScriptFailure::kBadResult:
      return "bad_result";
    case ScriptFailure::kBadInput:
      return "bad_input";
    case ScriptFailure::kEngine:
      return "engine";
  }
  return "engine";
}

ScriptFailure failure_of(const Error& error) {
  const auto* details = error.details.if_object();
  const auto* kind = details != nullptr ? details->if_contains("kind") : nullptr;
  if (kind == nullptr || !kind->is_string()) return ScriptFailure::kEngine;
  for (auto f : {ScriptFailure::kSyntax, ScriptFailure::kThrown, ScriptFailure::kTimeLimit,
                 ScriptFailure::kHeapLimit, ScriptFailure::kNoFunction, ScriptFailure::kBadResult,
                 ScriptFailure::kBadInput}) {
    if (kind->get_string() == to_string(f)) return f;
  }
  return ScriptFailure::kEngine;
}

std::string_view stored_code_of(const Error& error) {
  const auto* details = error.details.if_object();
  if (error.status == Status::kRemoteError && details != nullptr && details->contains("kind") &&
      details->contains("script")) {
    return "hook";
  }
  return to_string(error.status);
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

struct ScriptEngine::Impl {
  std::shared_ptr<detail::JsThread> thread;  // first member: destroyed last
  std::optional<JS::PersistentRootedObject> global;
  std::unordered_map<std::string, std::unique_ptr<JS::PersistentRootedValue>> functions;
  LogCallback log;
  const ScriptSource* source = nullptr;
  const ScriptLimits* limits = nullptr;

  JSContext* cx() const { return thread->cx(); }
  ~Impl() {
    functions.clear();
    global.reset();
  }
};

namespace {

using Impl = ScriptEngine::Impl;

const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS_WITH_SLOTS(1),
                              &JS::DefaultGlobalClassOps};

bool write_utf8(const char16_t* chars, uint32_t length, void* data) {
  detail::append_utf8(*static_cast<std::string*>(data), chars, length);
  return true;
}

std::string label(const ScriptSource& source) {
  std::string out = fmt::format("script \"{}\"", source.name);
  if (!source.file_name.empty() && source.file_name != source.name) {
    out += fmt::format(" ({})", source.file_name);
  }
  return out;
}

std::string where(const ScriptSource& source, std::string_view function) {
  if (function.empty()) return label(source) + ", top-level code";
  return fmt::format("{}, function {}", label(source), function);
}

Error script_error(ScriptFailure kind, const ScriptSource& source, std::string_view function,
                   std::string message, json::object extra = {}) {
  json::object details{{"kind", to_string(kind)}, {"script", source.name}};
  if (!source.id.empty()) details["scriptId"] = source.id;
  if (!function.empty()) details["function"] = function;
  for (auto& [key, value] : extra) details[key] = value;
  Error error =
      make_error(kind == ScriptFailure::kSyntax ? Status::kInvalidConfig : Status::kRemoteError,
                 std::move(message));
  error.details = std::move(details);
  return error;
}

std::string utf8_of(JSContext* cx, JS::HandleString str) {
  if (!str) return {};
  JS::UniqueChars chars = JS_EncodeStringToUTF8(cx, str);
  if (!chars) {
    JS_ClearPendingException(cx);
    return "[text that cannot be shown]";
  }
  return chars.get();
}

// JSON text of `value` ("" when it has none or stringifying throws; the exception is cleared
// unless the script was terminated, which the caller sees as false).
bool json_of(JSContext* cx, JS::HandleValue value, std::string& out) {
  JS::RootedValue copy(cx, value);
  if (JS_Stringify(cx, &copy, nullptr, JS::NullHandleValue, write_utf8, &out)) return true;
  if (!JS_IsExceptionPending(cx)) return false;
  JS_ClearPendingException(cx);
  out.clear();
  return true;
}

// One console argument as text; false when the script was terminated meanwhile.
bool append_console_value(JSContext* cx, JS::HandleValue value, std::string& out) {
  if (value.isString()) {
    JS::RootedString str(cx, value.toString());
    out += utf8_of(cx, str);
    return true;
  }
  if (value.isObject() && !JS::IsCallable(&value.toObject())) {
    std::string text;
    if (!json_of(cx, value, text)) return false;
    if (!text.empty()) {
      out += text;
      return true;
    }
  }
  JS::RootedString str(cx, JS::ToString(cx, value));
  if (!str) {
    if (!JS_IsExceptionPending(cx)) return false;
    JS_ClearPendingException(cx);
    out += value.isSymbol() ? "Symbol()" : "[value]";
    return true;
  }
  out += utf8_of(cx, str);
  return true;
}

template <LogLevel kLevel>
bool console_method(JSContext* cx, unsigned argc, JS::Value* vp) {
  JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
  JSObject* global = JS::CurrentGlobalOrNull(cx);
  auto* impl = static_cast<Impl*>(JS::GetReservedSlot(global, 0).toPrivate());
  std::string message;
  for (unsigned i = 0; i < args.length(); ++i) {
    if (i > 0) message += ' ';
    if (!append_console_value(cx, args[i], message)) return false;
    if (message.size() > impl->limits->console_message_limit) break;
  }
  if (message.size() > impl->limits->console_message_limit) {
    const size_t full = message.size();
    message.resize(detail::utf8_prefix_length(message, impl->limits->console_message_limit));
    message += fmt::format("… (cut, {} bytes)", full);
  }
  if (impl->log) impl->log(kLevel, message);
  args.rval().setUndefined();
  return true;
}

const JSFunctionSpec kConsoleMethods[] = {
    JS_FN("debug", console_method<LogLevel::kDebug>, 0, JSPROP_ENUMERATE),
    JS_FN("log", console_method<LogLevel::kInfo>, 0, JSPROP_ENUMERATE),
    JS_FN("info", console_method<LogLevel::kInfo>, 0, JSPROP_ENUMERATE),
    JS_FN("warn", console_method<LogLevel::kWarn>, 0, JSPROP_ENUMERATE),
    JS_FN("error", console_method<LogLevel::kError>, 0, JSPROP_ENUMERATE),
    JS_FS_END};

// Line (1-based) and column (1-based) of the innermost frame of a saved stack; 0 when none.
std::pair<uint32_t, uint32_t> top_frame_position(JSContext* cx, JS::HandleObject stack) {
  uint32_t line = 0, column = 0;
  if (stack) {
    JS::GetSavedFrameLine(cx, nullptr, stack, &line, JS::SavedFrameSelfHosted::Exclude);
    JS::GetSavedFrameColumn(cx, nullptr, stack, &column, JS::SavedFrameSelfHosted::Exclude);
  }
  return {line, column};
}

// Describes the failure of the JS operation that just returned false (or, with
// `rejected` set, a Promise that was rejected with that value).
Error describe_failure(Impl& impl, std::string_view function, ScriptFailure thrown_kind,
                       std::string_view thrown_prefix) {
  JSContext* cx = impl.cx();
  const ScriptSource& source = *impl.source;
  const ScriptLimits& limits = *impl.limits;
  if (impl.thread->timed_out()) {
    JS_ClearPendingException(cx);
    return script_error(
        ScriptFailure::kTimeLimit, source, function,
        fmt::format("{}: stopped after running past its time limit of {} ms per call ({}={}); "
                    "look for an endless loop, or raise {} (milliseconds, at most {}) and run "
                    "again",
                    where(source, function), limits.call_time_limit_ms, kTimeLimitVariable,
                    limits.call_time_limit_ms, kTimeLimitVariable, kMaxTimeLimitMs),
        {{"limit", kTimeLimitVariable}, {"value", int64_t{limits.call_time_limit_ms}}});
  }
  const auto heap_error = [&] {
    JS_ClearPendingException(cx);
    JS_GC(cx);
    // The variable counts MB; a limit given in bytes that is no whole number of MB (only a caller
    // of this library can set one) is shown in bytes.
    const uint64_t mb = limits.heap_limit_bytes >> 20;
    const std::string limit = (limits.heap_limit_bytes & ((1u << 20) - 1)) == 0
                                  ? fmt::format("{} MB ({}={})", mb, kHeapLimitVariable, mb)
                                  : fmt::format("{} bytes", limits.heap_limit_bytes);
    return script_error(
        ScriptFailure::kHeapLimit, source, function,
        fmt::format("{}: ran out of memory: the JavaScript heap limit of {} was reached; keep "
                    "less in memory, or raise {} (megabytes, at most {}) and run again",
                    where(source, function), limit, kHeapLimitVariable, kMaxHeapLimitMb),
        {{"limit", kHeapLimitVariable}, {"value", static_cast<int64_t>(mb)}});
  };
  if (!JS_IsExceptionPending(cx)) {
    if (impl.thread->out_of_memory()) return heap_error();
    return script_error(ScriptFailure::kEngine, source, function,
                        fmt::format("{}: stopped by the JavaScript engine without an error",
                                    where(source, function)));
  }
  JS::ExceptionStack exn(cx);
  if (!JS::StealPendingExceptionStack(cx, &exn)) {
    JS_ClearPendingException(cx);
    return heap_error();
  }
  if (impl.thread->out_of_memory()) return heap_error();

  std::string message;
  uint32_t line = 0, column = 0;
  JS::RootedObject error_object(cx,
                                exn.exception().isObject() ? &exn.exception().toObject() : nullptr);
  JSErrorReport* report = error_object ? JS_ErrorFromException(cx, error_object) : nullptr;
  if (report != nullptr) {
    JS::ErrorReportBuilder builder(cx);
    if (builder.init(cx, exn, JS::ErrorReportBuilder::NoSideEffects) && builder.toStringResult()) {
      message = builder.toStringResult().c_str();
    }
    line = report->lineno;
    // SpiderMonkey 102 counts a parse error's column from 0 and a runtime error's from 1.
    column = report->column + (thrown_kind == ScriptFailure::kSyntax ? 1 : 0);
  } else {
    // A thrown value that is not an Error: show it as JSON (or String(value)).
    std::string text;
    if (!append_console_value(cx, exn.exception(), text)) {
      // Terminated while showing the value (its toJSON ran past the time limit).
      return describe_failure(impl, function, thrown_kind, thrown_prefix);
    }
    message = fmt::format("a value that is not an Error: {}",
                          exn.exception().isString() ? json::serialize(json::string(text)) : text);
    std::tie(line, column) = top_frame_position(cx, exn.stack());
  }
  if (message == "out of memory" || message.ends_with(": out of memory")) return heap_error();
  if (message.empty()) message = "an error that cannot be shown";

  std::string stack;
  JS::RootedObject stack_object(cx, exn.stack());
  if (!stack_object && error_object) stack_object = JS::ExceptionStackOrNull(error_object);
  if (stack_object) {
    JS::RootedString str(cx);
    if (JS::BuildStackString(cx, nullptr, stack_object, &str, 2, js::StackFormat::SpiderMonkey)) {
      stack = utf8_of(cx, str);
    } else {
      JS_ClearPendingException(cx);
    }
  }
  while (!stack.empty() && stack.back() == '\n') stack.pop_back();

  std::string text = fmt::format("{}: {}{}", where(source, function), thrown_prefix, message);
  if (line != 0) text += fmt::format(" at line {}, column {}", line, column);
  if (!stack.empty()) text += "\nstack:\n" + stack;
  json::object extra;
  if (line != 0) {
    extra["line"] = static_cast<int64_t>(line);
    extra["column"] = static_cast<int64_t>(column);
  }
  extra["message"] = message;
  if (!stack.empty()) extra["stack"] = stack;
  return script_error(thrown_kind, source, function, std::move(text), std::move(extra));
}

// RAII bracket of one budgeted piece of work.
class Budget {
 public:
  Budget(detail::JsThread& thread, const ScriptLimits& limits) : thread_(thread) {
    thread_.begin_call(limits.call_time_limit_ms, limits.heap_limit_bytes);
  }
  ~Budget() { thread_.end_call(); }
  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

 private:
  detail::JsThread& thread_;
};

bool is_identifier(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool ok = std::isalpha(c) || c == '_' || c == '$' || (i > 0 && std::isdigit(c));
    if (!ok) return false;
  }
  return true;
}

// Creates the global of a new engine (console defined) and compiles the source; runs the
// top-level code when `run` is set.
Result<void> start(Impl& impl, bool run) {
  JSContext* cx = impl.cx();
  const ScriptSource& source = *impl.source;
  Budget budget(*impl.thread, *impl.limits);
  JS::RealmOptions options;
  JS::RootedObject global(
      cx, JS_NewGlobalObject(cx, &kGlobalClass, nullptr, JS::FireOnNewGlobalHook, options));
  if (!global) return describe_failure(impl, {}, ScriptFailure::kEngine, "");
  JS::SetReservedSlot(global, 0, JS::PrivateValue(&impl));
  impl.global.emplace(cx, global);
  JSAutoRealm realm(cx, global);
  if (!JS::InitRealmStandardClasses(cx)) {
    return describe_failure(impl, {}, ScriptFailure::kEngine, "");
  }
  JS::RootedObject console(cx, JS_NewPlainObject(cx));
  if (!console || !JS_DefineFunctions(cx, console, kConsoleMethods) ||
      !JS_DefineProperty(cx, global, "console", console, 0)) {
    return describe_failure(impl, {}, ScriptFailure::kEngine, "");
  }
  const std::string& file = source.file_name.empty() ? source.name : source.file_name;
  JS::CompileOptions compile_options(cx);
  compile_options.setFileAndLine(file.c_str(), 1);
  JS::SourceText<mozilla::Utf8Unit> text;
  if (!text.init(cx, source.content.data(), source.content.size(), JS::SourceOwnership::Borrowed)) {
    return describe_failure(impl, {}, ScriptFailure::kSyntax, "");
  }
  JS::RootedScript script(cx, JS::Compile(cx, compile_options, text));
  if (!script) {
    Error error = describe_failure(impl, {}, ScriptFailure::kSyntax, "");
    if (failure_of(error) == ScriptFailure::kSyntax) {
      // "script "x": top-level code: SyntaxError: ..." reads wrong for a parse error.
      const auto& details = error.details.as_object();
      std::string message = fmt::format("{} does not compile: {}", label(source),
                                        details.at("message").as_string().c_str());
      if (details.contains("line")) {
        message += fmt::format(" at line {}, column {}", json::serialize(details.at("line")),
                               json::serialize(details.at("column")));
      }
      error.message = std::move(message);
    }
    return error;
  }
  if (!run) return {};
  JS::RootedValue ignored(cx);
  if (!JS_ExecuteScript(cx, script, &ignored)) {
    return describe_failure(impl, {}, ScriptFailure::kThrown, "threw ");
  }
  js::RunJobs(cx);
  if (JS_IsExceptionPending(cx) || impl.thread->timed_out()) {
    return describe_failure(impl, {}, ScriptFailure::kThrown, "threw ");
  }
  return {};
}

}  // namespace

ScriptEngine::ScriptEngine(std::unique_ptr<Impl> impl, ScriptSource source, ScriptLimits limits)
    : impl_(std::move(impl)), source_(std::move(source)), limits_(limits), name_(source_) {
  impl_->source = &source_;
  impl_->limits = &limits_;
}

ScriptEngine::~ScriptEngine() = default;

Result<std::unique_ptr<ScriptEngine>> ScriptEngine::load(ScriptSource source, ScriptLimits limits,
                                                         LogCallback log) {
  auto thread = detail::JsThread::acquire(limits.heap_limit_bytes);
  if (!thread) {
    return script_error(ScriptFailure::kEngine, source, {},
                        fmt::format("{}: {}", label(source), thread.error().message));
  }
  auto impl = std::make_unique<Impl>();
  impl->thread = std::move(*thread);
  impl->log = std::move(log);
  std::unique_ptr<ScriptEngine> engine(
      new ScriptEngine(std::move(impl), std::move(source), limits));
  if (auto started = start(*engine->impl_, true); !started) return started.error();
  return engine;
}

Result<void> ScriptEngine::check_syntax(const ScriptSource& source) {
  auto thread = detail::JsThread::acquire(ScriptLimits{}.heap_limit_bytes);
  if (!thread) {
    return script_error(ScriptFailure::kEngine, source, {},
                        fmt::format("{}: {}", label(source), thread.error().message));
  }
  ScriptLimits limits;
  Impl impl;
  impl.thread = std::move(*thread);
  impl.source = &source;
  impl.limits = &limits;
  return start(impl, false);
}

bool ScriptEngine::has_function(std::string_view function) {
  auto it = impl_->functions.find(std::string(function));
  if (it != impl_->functions.end()) return it->second->isObject();
  JSContext* cx = impl_->cx();
  auto slot = std::make_unique<JS::PersistentRootedValue>(cx);
  if (is_identifier(function)) {
    Budget budget(*impl_->thread, limits_);
    JSAutoRealm realm(cx, *impl_->global);
    const std::string code =
        fmt::format("(typeof {0} === \"function\" ? {0} : undefined)", function);
    JS::CompileOptions options(cx);
    options.setFileAndLine("[sluice]", 1);
    JS::SourceText<mozilla::Utf8Unit> text;
    JS::RootedValue value(cx);
    if (text.init(cx, code.data(), code.size(), JS::SourceOwnership::Borrowed) &&
        JS::Evaluate(cx, options, text, &value) && value.isObject()) {
      // Only functions written in JavaScript count: the built-ins of every global (parseInt,
      // Array, ...) are not functions "the script defines".
      JS::RootedFunction fun(cx, JS_GetObjectFunction(&value.toObject()));
      if (fun && JS_GetFunctionScript(cx, fun) != nullptr) slot->set(value);
    }
    JS_ClearPendingException(cx);
  }
  const bool found = slot->isObject();
  impl_->functions.emplace(std::string(function), std::move(slot));
  return found;
}

Result<std::string> ScriptEngine::call(std::string_view function, std::string_view options_json) {
  if (!has_function(function)) {
    return script_error(
        ScriptFailure::kNoFunction, source_, function,
        fmt::format("{} defines no function named \"{}\"; define it (function {}(options) "
                    "{{ ... }}) or name a function the script defines",
                    label(source_), function, function));
  }
  JSContext* cx = impl_->cx();
  Budget budget(*impl_->thread, limits_);
  JSAutoRealm realm(cx, *impl_->global);
  JS::RootedValue argument(cx);
  {
    JS::RootedString text(
        cx, JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(options_json.data(), options_json.size())));
    if (!text || !JS_ParseJSON(cx, text, &argument)) {
      Error error = describe_failure(*impl_, function, ScriptFailure::kBadInput,
                                     "cannot be given its options: ");
      return error;
    }
  }
  impl_->thread->note_bridged(options_json.size());
  JS::RootedValue fn(cx, *impl_->functions.at(std::string(function)));
  JS::RootedValue result(cx);
  JS::RootedObject global(cx, *impl_->global);
  if (!JS_CallFunctionValue(cx, global, fn, JS::HandleValueArray(argument), &result)) {
    return describe_failure(*impl_, function, ScriptFailure::kThrown, "threw ");
  }
  if (result.isObject()) {
    JS::RootedObject object(cx, &result.toObject());
    if (JS::IsPromiseObject(object)) {
      js::RunJobs(cx);
      if (impl_->thread->timed_out() || JS_IsExceptionPending(cx)) {
        return describe_failure(*impl_, function, ScriptFailure::kThrown, "threw ");
      }
      switch (JS::GetPromiseState(object)) {
        case JS::PromiseState::Fulfilled:
          result = JS::GetPromiseResult(object);
          break;
        case JS::PromiseState::Rejected: {
          JS::RootedValue reason(cx, JS::GetPromiseResult(object));
          JS_SetPendingException(cx, reason, JS::ExceptionStackBehavior::DoNotCapture);
          return describe_failure(*impl_, function, ScriptFailure::kThrown,
                                  "returned a Promise that was rejected with ");
        }
        case JS::PromiseState::Pending:
          return script_error(
              ScriptFailure::kBadResult, source_, function,
              fmt::format("{}: returned a Promise that never settled (nothing a hook can "
                          "wait for ever resolves it); return the result itself",
                          where(source_, function)));
      }
    }
  }
  if (result.isUndefined() || result.isSymbol() ||
      (result.isObject() && JS::IsCallable(&result.toObject()))) {
    const char* what = result.isUndefined() ? "undefined"
                       : result.isSymbol()  ? "a symbol"
                                            : "a function";
    return script_error(ScriptFailure::kBadResult, source_, function,
                        fmt::format("{}: returned {}, which has no JSON form; return an object "
                                    "(did the function forget a return statement?)",
                                    where(source_, function), what));
  }
  std::string out;
  JS::RootedValue copy(cx, result);
  if (!JS_Stringify(cx, &copy, nullptr, JS::NullHandleValue, write_utf8, &out)) {
    return describe_failure(*impl_, function, ScriptFailure::kBadResult,
                            "returned a value that has no JSON form: ");
  }
  impl_->thread->note_bridged(out.size());
  return out;
}

}  // namespace sluice::script
