// integrator.io's preSavePage hook contract (the README of celigo/integrator-extension): the
// JavaScript function runs once per exported page, after the export's transform and output
// filter, and may change, drop or add records, report errors and stop paging.
//
//   options = {data, errors, pageIndex, lastExportDateTime, currentExportDateTime, settings,
//              _exportId, _connectionId, _flowId, job, testMode, files (file exports)}
//   return    {data, errors, abort, newErrorsAndRetryData}
//
// The other hooks (preMap, postMap, postSubmit, postResponseMap) follow the same pattern, one
// file each: a context struct, build_*_options() and decode_*_result().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "script/script_engine.hpp"
#include "sluice/result.hpp"

namespace sluice::script {

struct PreSavePageContext {
  uint64_t page_index = 0;                           // 0-based
  std::optional<std::string> last_export_date_time;  // delta exports only (ISO 8601)
  std::optional<std::string> current_export_date_time;
  boost::json::value settings = boost::json::object();  // the settings in scope for the export
  std::string export_id;
  std::string connection_id;
  std::string flow_id;
  boost::json::value job = boost::json::object();  // {_id, type, ...} of the running job
  bool test_mode = false;
  // File exports only: files[i] is {fileMeta: {fileName, ...}} of the file data[i] came from
  // (integrator.io's contract); null: no "files" in the options.
  boost::json::value files;
};

// One error as integrator.io's hooks pass and return them: {code, message, source}.
struct HookError {
  std::string code;  // may be empty
  std::string message;
  std::string source;  // may be empty
};

struct NewErrorAndRetryData {
  boost::json::value retry_data;  // the record to retry
  std::vector<HookError> errors;  // at least one
};

struct PreSavePageResult {
  boost::json::array data;  // the records that go on
  std::vector<HookError> errors;
  bool abort = false;  // true: stop paging after this page
  std::vector<NewErrorAndRetryData> new_errors_and_retry_data;
};

// The options JSON text passed to the hook. `errors` are {code, message, source} objects.
std::string build_pre_save_page_options(const boost::json::array& data,
                                        const boost::json::array& errors,
                                        const PreSavePageContext& context);

// As above with `data` already JSON text (an array): records that pass unchanged are copied
// from their raw text instead of serialized again.
std::string build_pre_save_page_options_json(std::string_view data_json,
                                             const boost::json::array& errors,
                                             const PreSavePageContext& context);

// Decodes what the hook returned (JSON text). A result of the wrong shape fails with
// ScriptFailure::kBadResult and a message naming the callee (`who`: the script and function, or
// the native hook; hook_callee.hpp), the JSON path in the result and what was expected.
Result<PreSavePageResult> decode_pre_save_page_result(std::string_view result_json,
                                                      const HookName& who,
                                                      std::string_view function);

// build, call, decode. A throw (or any failure of the call) is returned as the engine's Error:
// per integrator.io, it fails the job with the script's message.
Result<PreSavePageResult> call_pre_save_page(HookCallee& callee, std::string_view function,
                                             const boost::json::array& data,
                                             const boost::json::array& errors,
                                             const PreSavePageContext& context);

// call_pre_save_page with `data` as JSON text (an array).
Result<PreSavePageResult> call_pre_save_page_json(HookCallee& callee, std::string_view function,
                                                  std::string_view data_json,
                                                  const boost::json::array& errors,
                                                  const PreSavePageContext& context);

// Shared by the hook contracts: decodes an error object at `path` of a hook's result; on failure
// returns what was wrong ("errors[2].message must be a string, not a number").
Result<HookError> decode_hook_error(const boost::json::value& value, std::string_view path,
                                    const HookName& who, std::string_view function);
// How the errors a hook returned for one record are stored: their messages joined by "; ", and
// in `code` the first code an error sets, else "hook".
std::string joined_hook_errors(const std::vector<HookError>& errors, std::string& code);

// Shared by the hook contracts: the list of errors at `path` of a hook's result ("errors",
// "[2].errors"): empty when `value` is absent or null; else an array of errors, each decoded by
// decode_hook_error ("<path>[k]").
Result<std::vector<HookError>> decode_hook_errors(const boost::json::value* value,
                                                  std::string_view path, const HookName& who,
                                                  std::string_view function);
// Shared by the hook contracts that return one item per record (preMap, postMap, postSubmit,
// postResponseMap): `result_json` parsed as an array of exactly `expected` items. Else a
// ScriptFailure::kBadResult naming the callee (HookName::where): "JSON does not parse (...)",
// "top level is <kind>; <shape>" or "length is N for a page of M record(s); <rule>".
Result<boost::json::array> decode_per_record_array(std::string_view result_json, size_t expected,
                                                   std::string_view shape, std::string_view rule,
                                                   const HookName& who, std::string_view function);
// The Error for a result of the wrong shape: "<where>: returned a result whose <problem>".
Error bad_result(const HookName& who, std::string_view function, std::string problem);
// "a string", "a number", "null", ... for messages.
std::string_view kind_of(const boost::json::value& value);

}  // namespace sluice::script
