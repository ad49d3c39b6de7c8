// integrator.io's postMap hook contract (the README of celigo/integrator-extension): the
// JavaScript function runs once per flow page at each import, after its mapping and before the
// submit:
//
//   options = {preMapData, postMapData, _importId, _connectionId, _flowId, settings, job,
//              testMode}
//   return    [{data}, {errors}, {data, errors}, {}, ...]   one per record of postMapData
//
// with the meaning of preMap's items (pre_map.hpp); `data` is the record to submit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "script/pre_map.hpp"

namespace sluice::script {

// The options JSON text; `pre_map_json` and `post_map_json` are JSON arrays of the same length.
std::string build_post_map_options(std::string_view pre_map_json, std::string_view post_map_json,
                                   const ImportHookContext& context);

// build, call, decode (decode_record_results). A throw is the callee's Error (hook_callee.hpp).
Result<std::vector<HookRecordResult>> call_post_map(HookCallee& callee, std::string_view function,
                                                    std::string_view pre_map_json,
                                                    std::string_view post_map_json, size_t count,
                                                    const ImportHookContext& context);

}  // namespace sluice::script
