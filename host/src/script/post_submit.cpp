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
                                              const ScriptSource& source,
                                              std::string_view function) {
  boost::system::error_code ec;
  json::value value = json::parse(result_json, ec);
  if (ec) {
    return bad_result(source, function, fmt::format("JSON does not parse ({})", ec.message()));
  }
  auto* array = value.if_array();
  if (array == nullptr) {
    return bad_result(source, function,
                      fmt::format("top level is {}; postSubmit returns options.responseData (an "
                                  "array, changed or not)",
                                  kind_of(value)));
  }
  if (array->size() != expected) {
    return bad_result(source, function,
                      fmt::format("length is {} for a page of {} record{}; postSubmit must "
                                  "return responseData with its length unchanged (one response "
                                  "per record, in order)",
                                  array->size(), expected, expected == 1 ? "" : "s"));
  }
  for (size_t i = 0; i < expected; ++i) {
    const auto* item = (*array)[i].if_object();
    if (item == nullptr) {
      return bad_result(source, function,
                        fmt::format("[{}] is {}; each response is an object {{statusCode, "
                                    "errors, ignored, id, _json}}",
                                    i, kind_of((*array)[i])));
    }
    if (auto* status = item->if_contains("statusCode");
        status != nullptr && !status->is_null() && !status->is_number()) {
      return bad_result(source, function,
                        fmt::format("[{}].statusCode is {}; it is a number such as 200 or 422", i,
                                    kind_of(*status)));
    }
    if (auto* ignored = item->if_contains("ignored");
        ignored != nullptr && !ignored->is_null() && !ignored->is_bool()) {
      return bad_result(
          source, function,
          fmt::format("[{}].ignored is {}; it is true or false", i, kind_of(*ignored)));
    }
    if (auto* errors = item->if_contains("errors"); errors != nullptr && !errors->is_null()) {
      if (!errors->is_array()) {
        return bad_result(source, function,
                          fmt::format("[{}].errors is {}; errors is an array of {{code, message, "
                                      "source}}",
                                      i, kind_of(*errors)));
      }
      const auto& list = errors->get_array();
      for (size_t k = 0; k < list.size(); ++k) {
        auto error =
            decode_hook_error(list[k], fmt::format("[{}].errors[{}]", i, k), source, function);
        if (!error) return error.error();
      }
    }
  }
  return std::move(*array);
}

Result<json::array> call_post_submit(ScriptEngine& engine, std::string_view function,
                                     std::string_view pre_map_json, std::string_view post_map_json,
                                     std::string_view response_json, size_t count,
                                     const ImportHookContext& context) {
  auto out = engine.call(
      function, build_post_submit_options(pre_map_json, post_map_json, response_json, context));
  if (!out) return out.error();
  return decode_post_submit_result(*out, count, engine.source(), function);
}

}  // namespace sluice::script
