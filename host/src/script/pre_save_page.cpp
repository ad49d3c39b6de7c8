#include "script/pre_save_page.hpp"

#include <fmt/format.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::script {

namespace json = boost::json;

namespace {

void append_member(std::string& out, std::string_view key, std::string_view value_json) {
  out += out.size() > 1 ? ",\"" : "\"";
  out += key;
  out += "\":";
  out += value_json;
}

}  // namespace

std::string_view kind_of(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

Error bad_result(const HookName& who, std::string_view function, std::string problem) {
  Error error = make_error(Status::kRemoteError, fmt::format("{}: returned a result whose {}",
                                                             who.where(function), problem));
  json::object details{{"kind", to_string(ScriptFailure::kBadResult)}};
  for (auto& [key, value] : who.details(function)) details[key] = std::move(value);
  error.details = std::move(details);
  return error;
}

std::string build_pre_save_page_options(const json::array& data, const json::array& errors,
                                        const PreSavePageContext& context) {
  return build_pre_save_page_options_json(json::serialize(data), errors, context);
}

std::string build_pre_save_page_options_json(std::string_view data_json, const json::array& errors,
                                             const PreSavePageContext& context) {
  std::string out = "{";
  append_member(out, "data", data_json);
  append_member(out, "errors", json::serialize(errors));
  append_member(out, "pageIndex", std::to_string(context.page_index));
  if (context.last_export_date_time) {
    append_member(out, "lastExportDateTime",
                  json::serialize(json::string(*context.last_export_date_time)));
  }
  if (context.current_export_date_time) {
    append_member(out, "currentExportDateTime",
                  json::serialize(json::string(*context.current_export_date_time)));
  }
  append_member(out, "settings", json::serialize(context.settings));
  append_member(out, "_exportId", json::serialize(json::string(context.export_id)));
  append_member(out, "_connectionId", json::serialize(json::string(context.connection_id)));
  append_member(out, "_flowId", json::serialize(json::string(context.flow_id)));
  append_member(out, "job", json::serialize(context.job));
  append_member(out, "testMode", context.test_mode ? "true" : "false");
  if (!context.files.is_null()) append_member(out, "files", json::serialize(context.files));
  out += '}';
  return out;
}

Result<HookError> decode_hook_error(const json::value& value, std::string_view path,
                                    const HookName& who, std::string_view function) {
  const auto* object = value.if_object();
  if (object == nullptr) {
    return bad_result(who, function,
                      fmt::format("{} is {}; an error is an object {{code, message, source}}", path,
                                  kind_of(value)));
  }
  HookError error;
  const auto* message = object->if_contains("message");
  if (message == nullptr || !message->is_string()) {
    return bad_result(who, function,
                      fmt::format("{}.message is {}; every error needs a message (a string)", path,
                                  message == nullptr ? "missing" : kind_of(*message)));
  }
  error.message = message->get_string();
  if (const auto* code = object->if_contains("code"); code != nullptr && !code->is_null()) {
    if (code->is_string()) {
      error.code = code->get_string();
    } else if (code->is_number()) {
      error.code = json::serialize(*code);
    } else {
      return bad_result(
          who, function,
          fmt::format("{}.code is {}; a code is a string or a number", path, kind_of(*code)));
    }
  }
  if (const auto* from = object->if_contains("source"); from != nullptr && !from->is_null()) {
    if (!from->is_string()) {
      return bad_result(who, function,
                        fmt::format("{}.source is {}; a source is a string", path, kind_of(*from)));
    }
    error.source = from->get_string();
  }
  return error;
}

std::string joined_hook_errors(const std::vector<HookError>& errors, std::string& code) {
  std::string message;
  code = "hook";
  for (const auto& e : errors) {
    if (!message.empty()) message += "; ";
    message += e.message;
    if (code == "hook" && !e.code.empty()) code = e.code;
  }
  return message;
}

Result<std::vector<HookError>> decode_hook_errors(const json::value* value, std::string_view path,
                                                  const HookName& who, std::string_view function) {
  std::vector<HookError> errors;
  if (value == nullptr || value->is_null()) return errors;
  if (!value->is_array()) {
    return bad_result(who, function,
                      fmt::format("{} is {}; errors is an array of {{code, message, source}}", path,
                                  kind_of(*value)));
  }
  const auto& list = value->get_array();
  for (size_t k = 0; k < list.size(); ++k) {
    auto error = decode_hook_error(list[k], fmt::format("{}[{}]", path, k), who, function);
    if (!error) return error.error();
    errors.push_back(std::move(*error));
  }
  return errors;
}

Result<json::array> decode_per_record_array(std::string_view result_json, size_t expected,
                                            std::string_view shape, std::string_view rule,
                                            const HookName& who, std::string_view function) {
  boost::system::error_code ec;
  json::value value = json::parse(result_json, ec);
  if (ec) {
    return bad_result(who, function, fmt::format("JSON does not parse ({})", ec.message()));
  }
  auto* array = value.if_array();
  if (array == nullptr) {
    return bad_result(who, function, fmt::format("top level is {}; {}", kind_of(value), shape));
  }
  if (array->size() != expected) {
    return bad_result(who, function,
                      fmt::format("length is {} for a page of {} record{}; {}", array->size(),
                                  expected, expected == 1 ? "" : "s", rule));
  }
  return std::move(*array);
}

Result<PreSavePageResult> decode_pre_save_page_result(std::string_view result_json,
                                                      const HookName& who,
                                                      std::string_view function) {
  boost::system::error_code ec;
  json::value value = json::parse(result_json, ec);
  if (ec) {
    return bad_result(who, function, fmt::format("JSON does not parse ({})", ec.message()));
  }
  auto* object = value.if_object();
  if (object == nullptr) {
    return bad_result(who, function,
                      fmt::format("top level is {}; preSavePage returns an object {{data, "
                                  "errors, abort, newErrorsAndRetryData}}",
                                  kind_of(value)));
  }
  PreSavePageResult result;
  auto* data = object->if_contains("data");
  if (data == nullptr || !data->is_array()) {
    return bad_result(who, function,
                      fmt::format("data is {}; preSavePage returns the page's records as an "
                                  "array in data (return {{data: options.data}} to keep them)",
                                  data == nullptr ? "missing" : kind_of(*data)));
  }
  result.data = std::move(data->get_array());
  auto errors = decode_hook_errors(object->if_contains("errors"), "errors", who, function);
  if (!errors) return errors.error();
  result.errors = std::move(*errors);
  if (auto* abort = object->if_contains("abort"); abort != nullptr && !abort->is_null()) {
    if (!abort->is_bool()) {
      return bad_result(who, function,
                        fmt::format("abort is {}; abort is true (stop paging after this page) "
                                    "or false",
                                    kind_of(*abort)));
    }
    result.abort = abort->get_bool();
  }
  if (auto* fresh = object->if_contains("newErrorsAndRetryData");
      fresh != nullptr && !fresh->is_null()) {
    if (!fresh->is_array()) {
      return bad_result(who, function,
                        fmt::format("newErrorsAndRetryData is {}; it is an array of "
                                    "{{retryData, errors: [...]}}",
                                    kind_of(*fresh)));
    }
    auto& array = fresh->get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      const std::string path = fmt::format("newErrorsAndRetryData[{}]", i);
      auto* entry = array[i].if_object();
      if (entry == nullptr) {
        return bad_result(who, function,
                          fmt::format("{} is {}; each entry is {{retryData, errors: [...]}}", path,
                                      kind_of(array[i])));
      }
      NewErrorAndRetryData item;
      if (auto* retry = entry->if_contains("retryData")) item.retry_data = std::move(*retry);
      auto* errors = entry->if_contains("errors");
      if (errors == nullptr || !errors->is_array() || errors->get_array().empty()) {
        return bad_result(who, function,
                          fmt::format("{}.errors is {}; each entry needs at least one error", path,
                                      errors == nullptr    ? "missing"
                                      : errors->is_array() ? "empty"
                                                           : kind_of(*errors)));
      }
      auto decoded = decode_hook_errors(errors, path + ".errors", who, function);
      if (!decoded) return decoded.error();
      item.errors = std::move(*decoded);
      result.new_errors_and_retry_data.push_back(std::move(item));
    }
  }
  return result;
}

Result<PreSavePageResult> call_pre_save_page(HookCallee& callee, std::string_view function,
                                             const json::array& data, const json::array& errors,
                                             const PreSavePageContext& context) {
  auto out = callee.call(function, build_pre_save_page_options(data, errors, context));
  if (!out) return out.error();
  return decode_pre_save_page_result(*out, callee.name(), function);
}

Result<PreSavePageResult> call_pre_save_page_json(HookCallee& callee, std::string_view function,
                                                  std::string_view data_json,
                                                  const json::array& errors,
                                                  const PreSavePageContext& context) {
  auto out = callee.call(function, build_pre_save_page_options_json(data_json, errors, context));
  if (!out) return out.error();
  return decode_pre_save_page_result(*out, callee.name(), function);
}

}  // namespace sluice::script
