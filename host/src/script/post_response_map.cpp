#include "script/post_response_map.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "script/pre_save_page.hpp"

namespace sluice::script {

namespace json = boost::json;

std::string build_post_response_map_options(std::string_view records_json,
                                            std::string_view responses_json,
                                            const ImportHookContext& context, bool lookup,
                                            const std::optional<std::string>& path_to_many) {
  std::string out = "{";
  append_option(out, "postResponseMapData", records_json);
  append_option(out, "responseData", responses_json);
  if (lookup) {
    append_option(out, "_exportId", json::serialize(json::string(context.import_id)));
    append_option(out, "_connectionId", json::serialize(json::string(context.connection_id)));
    append_option(out, "_flowId", json::serialize(json::string(context.flow_id)));
    append_option(out, "settings", json::serialize(context.settings));
    append_option(out, "job", json::serialize(context.job));
    append_option(out, "testMode", context.test_mode ? "true" : "false");
  } else {
    append_import_hook_context(out, context);
  }
  if (path_to_many) {
    append_option(out, "oneToMany", "true");
    append_option(out, "pathToMany", json::serialize(json::string(*path_to_many)));
  }
  out += '}';
  return out;
}

Result<json::array> decode_post_response_map_result(std::string_view result_json, size_t expected,
                                                    const HookName& who,
                                                    std::string_view function) {
  auto array = decode_per_record_array(
      result_json, expected,
      "postResponseMap returns options.postResponseMapData (an array, changed or not)",
      "postResponseMap must return postResponseMapData with its length unchanged", who, function);
  if (!array) return array.error();
  for (size_t i = 0; i < expected; ++i) {
    const json::value& item = (*array)[i];
    if (!item.is_object() && !item.is_array()) {
      return bad_result(who, function,
                        fmt::format("[{}] is {}; each item is a record (an object or an array)", i,
                                    kind_of(item)));
    }
  }
  return std::move(*array);
}

Result<json::array> call_post_response_map(HookCallee& callee, std::string_view function,
                                           std::string_view records_json,
                                           std::string_view responses_json, size_t count,
                                           const ImportHookContext& context, bool lookup,
                                           const std::optional<std::string>& path_to_many) {
  auto out = callee.call(function, build_post_response_map_options(records_json, responses_json,
                                                                   context, lookup, path_to_many));
  if (!out) return out.error();
  return decode_post_response_map_result(*out, count, callee.name(), function);
}

}  // namespace sluice::script
