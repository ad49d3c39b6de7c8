// integrator.io's postResponseMap hook contract (the README of celigo/integrator-extension): the
// JavaScript function named by a flow entry's hooks.postResponseMap runs once per flow page, after
// the entry's response mapping, at an import or a lookup:
//
//   options = {postResponseMapData, responseData, _importId | _exportId, _connectionId, _flowId,
//              settings, job, testMode[, oneToMany, pathToMany]}
//   postResponseMapData[i]  the record after response mapping
//   responseData[i]         an import's {statusCode, errors, ignored, id, _json}, or a lookup's
//                           {data, errors}
//   oneToMany, pathToMany   only when the step fans out (oneToMany: true on the import or lookup
//                           export): true and its pathToMany; postResponseMapData and
//                           responseData are then the children (runtime/fan_out.hpp)
//   return    postResponseMapData, the same length, each item a record (an object or an array)
//
// The records it returns replace the flow's records. A throw fails the page's records (the
// caller's business); a result of another length or shape is a kBadResult Error saying so.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>

#include "script/pre_map.hpp"

namespace sluice::script {

// `lookup`: the step is a lookup (context.import_id is then sent as _exportId). `path_to_many`:
// the step's pathToMany when it fans out (adds oneToMany: true and pathToMany), else nullopt.
std::string build_post_response_map_options(
    std::string_view records_json, std::string_view responses_json,
    const ImportHookContext& context, bool lookup,
    const std::optional<std::string>& path_to_many = std::nullopt);

// Decodes the result: an array of exactly `expected` objects or arrays.
Result<boost::json::array> decode_post_response_map_result(std::string_view result_json,
                                                           size_t expected, const HookName& who,
                                                           std::string_view function);

// build, call, decode. A throw is the callee's Error (hook_callee.hpp).
Result<boost::json::array> call_post_response_map(
    HookCallee& callee, std::string_view function, std::string_view records_json,
    std::string_view responses_json, size_t count, const ImportHookContext& context, bool lookup,
    const std::optional<std::string>& path_to_many = std::nullopt);

}  // namespace sluice::script
