#include "script/pre_map.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::script {

namespace json = boost::json;

void append_option(std::string& out, std::string_view key, std::string_view value_json) {
  out += out.size() > 1 ? ",\"" : "\"";
  out += key;
  out += "\":";
  out += value_json;
}

void append_import_hook_context(std::string& out, const ImportHookContext& context) {
  append_option(out, "_importId", json::serialize(json::string(context.import_id)));
  append_option(out, "_connectionId", json::serialize(json::string(context.connection_id)));
  append_option(out, "_flowId", json::serialize(json::string(context.flow_id)));
  append_option(out, "settings", json::serialize(context.settings));
  append_option(out, "job", json::serialize(context.job));
  append_option(out, "testMode", context.test_mode ? "true" : "false");
}

std::string build_pre_map_options(std::string_view data_json, const ImportHookContext& context) {
  std::string out = "{";
  append_option(out, "data", data_json);
  append_import_hook_context(out, context);
  out += '}';
  return out;
}

Result<std::vector<HookRecordResult>> decode_record_results(std::string_view result_json,
                                                            size_t expected, std::string_view hook,
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
                      fmt::format("top level is {}; {} returns an array with one item per "
                                  "record it was given ({{data}}, {{errors}} or {{}})",
                                  kind_of(value), hook));
  }
  if (array->size() != expected) {
    return bad_result(source, function,
                      fmt::format("length is {} for a page of {} record{}; {} must return "
                                  "exactly one item per record, in order ({{data}} to keep it, "
                                  "{{errors}} to fail it, {{}} to skip it)",
                                  array->size(), expected, expected == 1 ? "" : "s", hook));
  }
  std::vector<HookRecordResult> results(expected);
  for (size_t i = 0; i < expected; ++i) {
    auto* item = (*array)[i].if_object();
    if (item == nullptr) {
      return bad_result(source, function,
                        fmt::format("[{}] is {}; each item is an object {{data, errors}}", i,
                                    kind_of((*array)[i])));
    }
    if (auto* data = item->if_contains("data")) results[i].data = std::move(*data);
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
        results[i].errors.push_back(std::move(*error));
      }
    }
  }
  return results;
}

Result<std::vector<HookRecordResult>> call_pre_map(ScriptEngine& engine, std::string_view function,
                                                   std::string_view data_json, size_t count,
                                                   const ImportHookContext& context) {
  auto out = engine.call(function, build_pre_map_options(data_json, context));
  if (!out) return out.error();
  return decode_record_results(*out, count, "preMap", engine.source(), function);
}

}  // namespace sluice::script
