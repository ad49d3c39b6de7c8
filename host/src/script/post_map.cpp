#include "script/post_map.hpp"

namespace sluice::script {

std::string build_post_map_options(std::string_view pre_map_json, std::string_view post_map_json,
                                   const ImportHookContext& context) {
  std::string out = "{";
  append_option(out, "preMapData", pre_map_json);
  append_option(out, "postMapData", post_map_json);
  append_import_hook_context(out, context);
  out += '}';
  return out;
}

Result<std::vector<HookRecordResult>> call_post_map(HookCallee& callee, std::string_view function,
                                                    std::string_view pre_map_json,
                                                    std::string_view post_map_json, size_t count,
                                                    const ImportHookContext& context) {
  auto out = callee.call(function, build_post_map_options(pre_map_json, post_map_json, context));
  if (!out) return out.error();
  return decode_record_results(*out, count, "postMap", callee.name(), function);
}

}  // namespace sluice::script
