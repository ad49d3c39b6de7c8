// What the hook contracts (pre_save_page.hpp, pre_map.hpp, post_map.hpp, post_submit.hpp,
// post_response_map.hpp) call: a function that takes the hook's options as JSON text and returns
// its result as JSON text. Two kinds answer it:
//  - a JavaScript function of a Script resource (ScriptEngine, script_engine.hpp), referenced as
//    {"_scriptId": ..., "function": ...};
//  - a plugin's native hook (runtime/native_hook.hpp, over host::call_hook), referenced as
//    {"_pluginId": ..., "function": ...} (a Sluice extension; sdk/include/sluice/hooks.hpp).
// The contracts are the same for both; only the messages differ, by HookName:
//   script "orders" (orders.js), function preMap: returned a result whose length is 2 ...
//   native preMap hook "upperName" of plugin "memory": returned a result whose length is 2 ...
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"

namespace sluice::script {

struct ScriptSource;

// Who answers a hook, for the messages and error details about what it returned.
class HookName {
 public:
  // A JavaScript function of `source` (implicit: the contracts' decoders take a script's source
  // where a HookName is expected).
  HookName(const ScriptSource& source);  // NOLINT(google-explicit-constructor)
  // A native hook `hook` of kind `kind` (SLUICE_HOOK_*) exported by plugin `plugin_id`.
  static HookName native(std::string_view plugin_id, std::string_view kind, std::string_view hook);

  // The start of a message about `function`: `script "orders" (orders.js), function preMap`, or
  // `native preMap hook "upperName" of plugin "memory"` (the hook is the function).
  std::string where(std::string_view function) const;
  // The details of an Error about `function` besides its kind: {script, scriptId?, function} or
  // {plugin, hook, hookKind}.
  boost::json::object details(std::string_view function) const;

  bool is_native() const noexcept { return native_; }

 private:
  HookName() = default;
  bool native_ = false;
  std::string name_;       // the script's name, or the hook's
  std::string file_name_;  // the script's .js file (may be empty)
  std::string id_;         // the script's _id, or the plugin's id
  std::string kind_;       // the hook's kind (native only)
};

class HookCallee {
 public:
  virtual ~HookCallee() = default;
  // Calls `function` with `options_json` (a JSON object as text); its result as JSON text, or an
  // Error whose message starts with name().where(function).
  virtual Result<std::string> call(std::string_view function, std::string_view options_json) = 0;
  virtual const HookName& name() const = 0;
};

}  // namespace sluice::script
