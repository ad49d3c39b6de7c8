// integrator.io's preMap hook contract (the README of celigo/integrator-extension), and what the
// import hooks share. The JavaScript function runs once per flow page at each import, after the
// import's input filter and before its mapping:
//
//   options = {data, _importId, _connectionId, _flowId, settings, job, testMode}
//   return    [{data}, {errors}, {data, errors}, {}, ...]   one per record of options.data
//
// Each item is what happens to the record at that index: {data} goes on as `data`; {errors}
// fails the record with those errors; {data, errors} goes on and the errors are logged (job
// errors); {} skips the record at this import (page.hpp: skipped, not ignored). A result of
// another length, or of another shape, is a bad result naming what was wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "script/pre_save_page.hpp"
#include "script/script_engine.hpp"
#include "sluice/result.hpp"

namespace sluice::script {

// What the import hooks (preMap, postMap, postSubmit) are given besides their data.
struct ImportHookContext {
  boost::json::value settings = boost::json::object();  // the settings in scope for the import
  std::string import_id;
  std::string connection_id;
  std::string flow_id;
  boost::json::value job = boost::json::object();  // {_id, type} of the running job
  bool test_mode = false;
};

// One item of a preMap or postMap result.
struct HookRecordResult {
  std::optional<boost::json::value> data;  // absent: the record does not go on
  std::vector<HookError> errors;
};

// Appends `,"<key>":<value_json>` (or without the comma after '{') to an options object in `out`.
void append_option(std::string& out, std::string_view key, std::string_view value_json);
// Appends the members every import hook gets: _importId, _connectionId, _flowId, settings, job,
// testMode.
void append_import_hook_context(std::string& out, const ImportHookContext& context);

// The options JSON text passed to preMap; `data_json` is the records as a JSON array.
std::string build_pre_map_options(std::string_view data_json, const ImportHookContext& context);

// Decodes a preMap or postMap result (`hook` names it in messages): an array of exactly
// `expected` items, each {data?, errors?}. Failures are ScriptFailure::kBadResult naming the
// callee (`who`: the script and function, or the native hook), the index and what was expected.
Result<std::vector<HookRecordResult>> decode_record_results(std::string_view result_json,
                                                            size_t expected, std::string_view hook,
                                                            const HookName& who,
                                                            std::string_view function);

// build, call, decode. A throw (or any failure of the call) is the callee's Error
// (hook_callee.hpp).
Result<std::vector<HookRecordResult>> call_pre_map(HookCallee& callee, std::string_view function,
                                                   std::string_view data_json, size_t count,
                                                   const ImportHookContext& context);

}  // namespace sluice::script
