// integrator.io's postSubmit hook contract (the README of celigo/integrator-extension): the
// JavaScript function runs once per flow page at each import, after the submit, and may change
// the destination's responses before they decide each record's fate:
//
//   options = {preMapData, postMapData, responseData, _importId, _connectionId, _flowId,
//              settings, job, testMode}
//   responseData[i] = {statusCode, errors: [{code, message, source}], ignored, id, _json}
//   return    responseData, the same length, each item an object of that shape
//
// A returned item with errors (or statusCode >= 400) fails its record; ignored: true ignores it.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/array.hpp>

#include "script/pre_map.hpp"

namespace sluice::script {

std::string build_post_submit_options(std::string_view pre_map_json, std::string_view post_map_json,
                                      std::string_view response_json,
                                      const ImportHookContext& context);

// Decodes the result: an array of exactly `expected` objects whose statusCode (if any) is a
// number, errors (if any) an array of {code, message, source} and ignored (if any) a boolean.
Result<boost::json::array> decode_post_submit_result(std::string_view result_json, size_t expected,
                                                     const HookName& who,
                                                     std::string_view function);

// build, call, decode. A throw is the callee's Error (hook_callee.hpp).
Result<boost::json::array> call_post_submit(HookCallee& callee, std::string_view function,
                                            std::string_view pre_map_json,
                                            std::string_view post_map_json,
                                            std::string_view response_json, size_t count,
                                            const ImportHookContext& context);

}  // namespace sluice::script
