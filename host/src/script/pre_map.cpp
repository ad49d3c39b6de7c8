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
                                                            const HookName& who,
                                                            std::string_view function) {
  auto array = decode_per_record_array(
      result_json, expected,
      fmt::format("{} returns an array with one item per record it was given ({{data}}, "
                  "{{errors}} or {{}})",
                  hook),
      fmt::format("{} must return exactly one item per record, in order ({{data}} to keep it, "
                  "{{errors}} to fail it, {{}} to skip it)",
                  hook),
      who, function);
  if (!array) return array.error();
  std::vector<HookRecordResult> results(expected);
  for (size_t i = 0; i < expected; ++i) {
    auto* item = (*array)[i].if_object();
    if (item == nullptr) {
      return bad_result(who, function,
                        fmt::format("[{}] is {}; each item is an object {{data, errors}}", i,
                                    kind_of((*array)[i])));
    }
    if (auto* data = item->if_contains("data")) results[i].data = std::move(*data);
    auto errors = decode_hook_errors(item->if_contains("errors"), fmt::format("[{}].errors", i),
                                     who, function);
    if (!errors) return errors.error();
    results[i].errors = std::move(*errors);
  }
  return results;
}

Result<std::vector<HookRecordResult>> call_pre_map(HookCallee& callee, std::string_view function,
                                                   std::string_view data_json, size_t count,
                                                   const ImportHookContext& context) {
  auto out = callee.call(function, build_pre_map_options(data_json, context));
  if (!out) return out.error();
  return decode_record_results(*out, count, "preMap", callee.name(), function);
}

}  // namespace sluice::script
