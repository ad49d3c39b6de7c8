#include "script/post_submit.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

namespace sluice::script {

namespace json = boost::json;

std::string build_post_submit_options(std::string_view pre_map_json, std::string_view post_map_json,
                                      std::string_view response_json,
                                      const ImportHookContext& context) {
  std::string out = "{";
  append_option(out, "preMapData", pre_map_json);
  append_option(out, "postMapData", post_map_json);
  append_option(out, "responseData", response_json);
  append_import_hook_context(out, context);
  out += '}';
  return out;
}

Result<json::array> decode_post_submit_result(std::string_view result_json, size_t expected,
                                              const HookName& who, std::string_view function) {
  auto array = decode_per_record_array(
      result_json, expected, "postSubmit returns options.responseData (an array, changed or not)",
      "postSubmit must return responseData with its length unchanged (one response per record, "
      "in order)",
      who, function);
  if (!array) return array.error();
  for (size_t i = 0; i < expected; ++i) {
    const auto* item = (*array)[i].if_object();
    if (item == nullptr) {
      return bad_result(who, function,
                        fmt::format("[{}] is {}; each response is an object {{statusCode, "
                                    "errors, ignored, id, _json}}",
                                    i, kind_of((*array)[i])));
    }
    if (auto* status = item->if_contains("statusCode");
        status != nullptr && !status->is_null() && !status->is_number()) {
      return bad_result(who, function,
                        fmt::format("[{}].statusCode is {}; it is a number such as 200 or 422", i,
                                    kind_of(*status)));
    }
    if (auto* ignored = item->if_contains("ignored");
        ignored != nullptr && !ignored->is_null() && !ignored->is_bool()) {
      return bad_result(
          who, function,
          fmt::format("[{}].ignored is {}; it is true or false", i, kind_of(*ignored)));
    }
    auto errors = decode_hook_errors(item->if_contains("errors"), fmt::format("[{}].errors", i),
                                     who, function);
    if (!errors) return errors.error();
  }
  return std::move(*array);
}

Result<json::array> call_post_submit(HookCallee& callee, std::string_view function,
                                     std::string_view pre_map_json, std::string_view post_map_json,
                                     std::string_view response_json, size_t count,
                                     const ImportHookContext& context) {
  auto out = callee.call(
      function, build_post_submit_options(pre_map_json, post_map_json, response_json, context));
  if (!out) return out.error();
  return decode_post_submit_result(*out, count, callee.name(), function);
}

}  // namespace sluice::script
