#include "script/script_engine.hpp"

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice::script {
namespace {

namespace json = boost::json;

struct Logged {
  LogLevel level;
  std::string message;
};

ScriptSource source_of(std::string content, std::string name = "orders") {
  return ScriptSource{
      .id = "s1", .name = std::move(name), .file_name = "orders.js", .content = std::move(content)};
}

std::unique_ptr<ScriptEngine> load_ok(std::string content, ScriptLimits limits = {},
                                      LogCallback log = {}) {
  auto engine = ScriptEngine::load(source_of(std::move(content)), limits, std::move(log));
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().message);
  return engine ? std::move(*engine) : nullptr;
}

TEST(ScriptEngine, CallPassesTheOptionsAndReturnsTheResultAsJson) {
  auto engine =
      load_ok("function double(options) { return {n: options.n * 2, s: options.s + '!'}; }");
  auto out = engine->call("double", R"({"n":21,"s":"héllo \ud83d\ude00"})");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "{\"n\":42,\"s\":\"héllo \xF0\x9F\x98\x80!\"}");
}

TEST(ScriptEngine, FunctionsHeldInTopLevelConstAndLetAreFound) {
  auto engine = load_ok("const a = (o) => o.x; let b = function (o) { return [o.x]; };");
  EXPECT_EQ(*engine->call("a", R"({"x":1})"), "1");
  EXPECT_EQ(*engine->call("b", R"({"x":1})"), "[1]");
  EXPECT_FALSE(engine->has_function("c"));
  EXPECT_FALSE(engine->has_function("parseInt"));  // built-ins are not the script's
  EXPECT_FALSE(engine->has_function("toString"));
  EXPECT_FALSE(engine->has_function("a b"));  // not an identifier: never evaluated
}

TEST(ScriptEngine, ModernJavaScriptRuns) {
  auto engine = load_ok(R"(
    class Counter { #n = 0; static of(xs) { const c = new Counter(); xs.forEach(() => c.#n++); return c.#n; } }
    function f(o) {
      return { at: o.xs.at(-1), own: Object.hasOwn(o, 'xs'), count: Counter.of(o.xs),
               opt: o.missing?.deep ?? 'none', big: Number(2n ** 10n), spread: {...o.obj, b: 2} };
    })");
  auto out = engine->call("f", R"({"xs":[1,2,3],"obj":{"a":1}})");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out,
            R"({"at":3,"own":true,"count":3,"opt":"none","big":1024,"spread":{"a":1,"b":2}})");
}

TEST(ScriptEngine, AnAsyncFunctionIsAwaited) {
  auto engine =
      load_ok("async function f(o) { const v = await Promise.resolve(o.v); return {v}; }");
  EXPECT_EQ(*engine->call("f", R"({"v":7})"), R"({"v":7})");
}

TEST(ScriptEngine, AMissingFunctionIsNamed) {
  auto engine = load_ok("function preSavePage(o) { return o; }");
  auto out = engine->call("preMap", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kNoFunction);
  EXPECT_EQ(out.error().message,
            "script \"orders\" (orders.js) defines no function named \"preMap\"; define it "
            "(function preMap(options) { ... }) or name a function the script defines");
}

TEST(ScriptEngine, ASyntaxErrorNamesLineColumnAndTheParsersMessage) {
  auto checked = ScriptEngine::check_syntax(source_of("function f(o) {\n  return o +;\n}"));
  ASSERT_FALSE(checked);
  EXPECT_EQ(failure_of(checked.error()), ScriptFailure::kSyntax);
  EXPECT_EQ(checked.error().message,
            "script \"orders\" (orders.js) does not compile: SyntaxError: expected expression, "
            "got ';' at line 2, column 13");
  EXPECT_EQ(checked.error().details.at("line"), 2);
  EXPECT_EQ(checked.error().details.at("column"), 13);
  EXPECT_EQ(checked.error().status, Status::kInvalidConfig);
}

TEST(ScriptEngine, CheckSyntaxRunsNothing) {
  std::vector<std::string> logged;
  EXPECT_TRUE(ScriptEngine::check_syntax(source_of("console.log('ran'); while (true) {}")));
}

TEST(ScriptEngine, AThrownErrorReportsFunctionLineColumnAndStack) {
  auto engine = load_ok(
      "function check(r) {\n"
      "  if (!r.sku) throw new Error('no SKU on ' + r.id);\n"
      "}\n"
      "function preSavePage(options) {\n"
      "  options.data.forEach(check);\n"
      "  return options;\n"
      "}\n");
  auto out = engine->call("preSavePage", R"({"data":[{"id":"A1"}]})");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kThrown);
  EXPECT_EQ(out.error().message,
            "script \"orders\" (orders.js), function preSavePage: threw Error: no SKU on A1 at "
            "line 2, column 21\nstack:\n  check@orders.js:2:21\n  preSavePage@orders.js:5:16");
  EXPECT_EQ(out.error().details.at("line"), 2);
  EXPECT_EQ(out.error().details.at("function"), "preSavePage");
  EXPECT_EQ(out.error().details.at("scriptId"), "s1");
}

TEST(ScriptEngine, ThrownNonErrorsAreShownAsJsonWithTheThrowPosition) {
  auto engine = load_ok(
      "function a() {\n  throw {code: 42};\n}\nfunction b() { throw 'bad'; }\n"
      "function c() { throw undefined; }");
  auto a = engine->call("a", "{}");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message,
            "script \"orders\" (orders.js), function a: threw a value that is not an Error: "
            "{\"code\":42} at line 2, column 10\nstack:\n  a@orders.js:2:10");
  auto b = engine->call("b", "{}");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().details.at("message"), "a value that is not an Error: \"bad\"");
  auto c = engine->call("c", "{}");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().details.at("message"), "a value that is not an Error: undefined");
}

TEST(ScriptEngine, ARejectedPromiseIsAThrownError) {
  auto engine = load_ok("async function f() { throw new TypeError('nope'); }");
  auto out = engine->call("f", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kThrown);
  EXPECT_EQ(out.error().details.at("message"), "TypeError: nope");
  EXPECT_TRUE(out.error().message.starts_with(
      "script \"orders\" (orders.js), function f: returned a Promise that was rejected with "
      "TypeError: nope at line 1, column 28\nstack:\n  f@orders.js:1:28"))
      << out.error().message;
}

TEST(ScriptEngine, AnEndlessLoopIsStoppedAtTheTimeLimit) {
  auto engine = load_ok("function spin() { while (true) {} }\nfunction ok() { return 1; }",
                        {.call_time_limit_ms = 50});
  auto out = engine->call("spin", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kTimeLimit);
  EXPECT_EQ(
      out.error().message,
      "script \"orders\" (orders.js), function spin: stopped after running past its time "
      "limit of 50 ms per call (SLUICE_SCRIPT_TIME_LIMIT_MS=50); look for an endless loop, or "
      "raise SLUICE_SCRIPT_TIME_LIMIT_MS (milliseconds, at most 3600000) and run again");
  EXPECT_EQ(out.error().details.at("limit"), "SLUICE_SCRIPT_TIME_LIMIT_MS");
  EXPECT_EQ(out.error().details.at("value"), 50);
  // The engine stays usable after a stopped call.
  EXPECT_EQ(*engine->call("ok", "{}"), "1");
}

TEST(ScriptEngine, TheTimeLimitCannotBeCaughtOrEscapedWithFinally) {
  auto engine = load_ok(
      "function f() { try { while (true) {} } catch (e) { return 'caught'; } "
      "finally { return 'finally'; } }",
      {.call_time_limit_ms = 30});
  auto out = engine->call("f", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kTimeLimit);
}

TEST(ScriptEngine, FinallyBlocksDoNotRunWhenTheTimeLimitStopsACall) {
  std::vector<std::string> logged;
  auto engine = load_ok("function f() { try { for (;;) {} } finally { console.log('finally'); } }",
                        {.call_time_limit_ms = 30},
                        [&](LogLevel, std::string_view m) { logged.emplace_back(m); });
  auto out = engine->call("f", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kTimeLimit);
  EXPECT_TRUE(logged.empty());
}

TEST(ScriptEngine, CallsSpanningManyDeadlinesOfEarlierCallsAllSucceed) {
  // 300 calls of ~4 ms each under a 250 ms limit: together they outlast about five deadlines of
  // earlier calls, and each call re-arms the watchdog, so none of those deadlines stops a later
  // call. (The limit leaves a call 246 ms of being descheduled on a loaded machine: with 50 ms
  // this failed under load in a full parallel ctest.)
  auto engine = load_ok(
      "function f(o) { const t = Date.now(); while (Date.now() - t < 4) {} return o.i + 1; }",
      {.call_time_limit_ms = 250});
  int ok = 0;
  for (int i = 0; i < 300; ++i) {
    auto out = engine->call("f", "{\"i\":" + std::to_string(i) + "}");
    if (out && *out == std::to_string(i + 1)) ++ok;
  }
  EXPECT_EQ(ok, 300);
}

TEST(ScriptEngine, AnEndlessLoopAtTopLevelFailsTheLoad) {
  auto engine = ScriptEngine::load(source_of("for (;;) {}"), {.call_time_limit_ms = 30});
  ASSERT_FALSE(engine);
  EXPECT_EQ(
      engine.error().message,
      "script \"orders\" (orders.js), top-level code: stopped after running past its time "
      "limit of 30 ms per call (SLUICE_SCRIPT_TIME_LIMIT_MS=30); look for an endless loop, or "
      "raise SLUICE_SCRIPT_TIME_LIMIT_MS (milliseconds, at most 3600000) and run again");
}

TEST(ScriptEngine, HugeAllocationsStopAtTheHeapLimit) {
  auto engine = load_ok(
      "function grow() { const keep = []; for (let i = 0; ; ++i) keep.push({i, s: 'x' + i}); }\n"
      "function ok() { return 2; }",
      {.call_time_limit_ms = 20000, .heap_limit_bytes = 64ull << 20});
  auto out = engine->call("grow", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kHeapLimit);
  EXPECT_EQ(out.error().message,
            "script \"orders\" (orders.js), function grow: ran out of memory: the JavaScript heap "
            "limit of 64 MB (SLUICE_SCRIPT_HEAP_LIMIT_MB=64) was reached; keep less in memory, or "
            "raise SLUICE_SCRIPT_HEAP_LIMIT_MB (megabytes, at most 65536) and run again");
  EXPECT_EQ(out.error().details.at("limit"), "SLUICE_SCRIPT_HEAP_LIMIT_MB");
  EXPECT_EQ(out.error().details.at("value"), 64);
  EXPECT_EQ(*engine->call("ok", "{}"), "2");
}

TEST(ScriptEngine, ACaughtOutOfMemoryStillFailsTheCall) {
  auto engine = load_ok(
      "function grow() { const keep = []; try { for (;;) keep.push([1, 2, 3]); } "
      "catch (e) { return 'survived'; } }",
      {.call_time_limit_ms = 20000, .heap_limit_bytes = 64ull << 20});
  auto out = engine->call("grow", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kHeapLimit);
}

TEST(ScriptEngine, MemoryOutsideTheGcHeapCountsAgainstTheHeapLimit) {
  // Typed-array contents live outside the GC heap that JSGC_MAX_BYTES bounds.
  auto engine =
      load_ok("function fill() { const a = new Uint8Array(2 ** 31); a.fill(1); return a[7]; }",
              {.call_time_limit_ms = 60000, .heap_limit_bytes = 64ull << 20});
  auto out = engine->call("fill", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kHeapLimit);
}

TEST(ScriptEngine, DeepRecursionIsAThrownErrorNotACrash) {
  auto engine =
      load_ok("function down(n) { return down(n + 1) + 1; }\nfunction f() { return down(0); }");
  auto out = engine->call("f", "{}");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kThrown);
  EXPECT_EQ(out.error().details.at("message"), "InternalError: too much recursion");
}

TEST(ScriptEngine, ResultsWithoutAJsonFormAreRefusedWithWhatWasReturned) {
  auto engine = load_ok(
      "function none() {}\nfunction fn() { return () => 1; }\n"
      "function cycle() { const a = {}; a.self = a; return a; }\n"
      "function big() { return {n: 1n}; }\nfunction never() { return new Promise(() => {}); }");
  auto none = engine->call("none", "{}");
  ASSERT_FALSE(none);
  EXPECT_EQ(failure_of(none.error()), ScriptFailure::kBadResult);
  EXPECT_EQ(none.error().message,
            "script \"orders\" (orders.js), function none: returned undefined, which has no JSON "
            "form; return an object (did the function forget a return statement?)");
  auto fn = engine->call("fn", "{}");
  ASSERT_FALSE(fn);
  EXPECT_NE(fn.error().message.find("returned a function, which has no JSON form"),
            std::string::npos);
  auto cycle = engine->call("cycle", "{}");
  ASSERT_FALSE(cycle);
  EXPECT_EQ(failure_of(cycle.error()), ScriptFailure::kBadResult);
  EXPECT_EQ(cycle.error().details.at("message"), "TypeError: cyclic object value");
  auto big = engine->call("big", "{}");
  ASSERT_FALSE(big);
  EXPECT_EQ(failure_of(big.error()), ScriptFailure::kBadResult);
  EXPECT_EQ(big.error().details.at("message"),
            "TypeError: BigInt value can't be serialized in JSON");
  auto never = engine->call("never", "{}");
  ASSERT_FALSE(never);
  EXPECT_EQ(failure_of(never.error()), ScriptFailure::kBadResult);
}

TEST(ScriptEngine, ModifiedPrototypesDoNotBreakTheBridge) {
  auto engine = load_ok(
      "Object.defineProperty(Array.prototype, '0', {set() { throw new Error('trap'); }});\n"
      "JSON.parse = () => { throw new Error('hijacked'); };\n"
      "function f(o) { return {got: o.xs.length}; }\n"
      "function g() { Object.prototype.toJSON = function () { return undefined; }; return {a: 1}; "
      "}");
  EXPECT_EQ(*engine->call("f", R"({"xs":[1,2]})"), R"({"got":2})");
  // JSON.stringify's own rule: a toJSON that returns undefined at the top makes "null"; the
  // hook contracts refuse a null result.
  EXPECT_EQ(*engine->call("g", "{}"), "null");
}

TEST(ScriptEngine, ConsoleGoesToTheLogCallback) {
  std::vector<Logged> logged;
  auto engine = load_ok(
      "console.log('loaded');\n"
      "function f(o) { console.log('n =', o.n, {a: [1]}, null, undefined, () => 1);\n"
      "  console.warn('careful'); console.error(new Error('bad')); console.debug(Symbol('s')); "
      "return 0; }",
      {}, [&](LogLevel level, std::string_view message) {
        logged.push_back({level, std::string(message)});
      });
  ASSERT_TRUE(engine->call("f", R"({"n":3})"));
  ASSERT_EQ(logged.size(), 5u);
  EXPECT_EQ(logged[0].message, "loaded");
  EXPECT_EQ(logged[1].level, LogLevel::kInfo);
  EXPECT_EQ(logged[1].message, "n = 3 {\"a\":[1]} null undefined () => 1");
  EXPECT_EQ(logged[2].level, LogLevel::kWarn);
  EXPECT_EQ(logged[2].message, "careful");
  EXPECT_EQ(logged[3].level, LogLevel::kError);
  EXPECT_EQ(logged[3].message, "{}");
  EXPECT_EQ(logged[4].level, LogLevel::kDebug);
  EXPECT_EQ(logged[4].message, "Symbol()");
}

TEST(ScriptEngine, LongConsoleMessagesAreCut) {
  std::vector<std::string> logged;
  auto engine = load_ok("function f() { console.log('é'.repeat(10)); return 0; }",
                        {.console_message_limit = 5},
                        [&](LogLevel, std::string_view m) { logged.emplace_back(m); });
  ASSERT_TRUE(engine->call("f", "{}"));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], "éé… (cut, 20 bytes)");
}

TEST(ScriptEngine, EnginesOnOneThreadAreIsolated) {
  auto a = load_ok("var shared = 'a'; function f() { return shared; }");
  auto b = load_ok("var shared = 'b'; function f() { return shared; }");
  EXPECT_EQ(*a->call("f", "{}"), "\"a\"");
  EXPECT_EQ(*b->call("f", "{}"), "\"b\"");
}

TEST(ScriptEngine, EnginesOnOtherThreadsRunAtTheSameTime) {
  std::vector<std::string> results(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([i, &results] {
      auto engine = ScriptEngine::load(source_of(
          "function f(o) { let s = 0; for (let k = 0; k < 1e5; ++k) s += o.i; return s; }"));
      if (!engine) return;
      auto out = (*engine)->call("f", json::serialize(json::object{{"i", i}}));
      results[i] = out ? *out : out.error().message;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(results, (std::vector<std::string>{"0", "100000", "200000"}));
}

TEST(ScriptEngine, OptionsThatAreNotJsonAreABadInput) {
  auto engine = load_ok("function f(o) { return o; }");
  auto out = engine->call("f", "{nope");
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kBadInput);
}

}  // namespace
}  // namespace sluice::script
