#include "script/record_script.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "script/pre_save_page.hpp"

namespace sluice::script {

namespace json = boost::json;

RecordScript::RecordScript(ScriptEngine& engine, std::string function, const json::value& settings)
    : engine_(engine),
      function_(std::move(function)),
      settings_suffix_(",\"settings\":" + json::serialize(settings) + "}") {}

Result<std::string> RecordScript::call(std::string_view record_json) {
  options_.assign("{\"record\":");
  options_ += record_json;
  options_ += settings_suffix_;
  return engine_.call(function_, options_);
}

Result<bool> RecordScript::filter(const json::value& record) {
  return filter_json(json::serialize(record));
}

Result<bool> RecordScript::filter_json(std::string_view record_json) {
  auto out = call(record_json);
  if (!out) return out.error();
  if (*out == "true") return true;
  if (*out == "false") return false;
  boost::system::error_code ec;
  const json::value value = json::parse(*out, ec);
  return bad_result(engine_.source(), function_,
                    fmt::format("top level is {}; a filter returns true (keep the record) or "
                                "false (drop it)",
                                ec ? "not JSON" : kind_of(value)));
}

Result<json::value> RecordScript::transform(const json::value& record) {
  auto out = call(json::serialize(record));
  if (!out) return out.error();
  boost::system::error_code ec;
  json::value value = json::parse(*out, ec);
  if (ec) return bad_result(engine_.source(), function_, "JSON does not parse");
  if (!value.is_object() && !value.is_array()) {
    return bad_result(engine_.source(), function_,
                      fmt::format("top level is {}; a transform returns the new record (an "
                                  "object or an array)",
                                  kind_of(value)));
  }
  return value;
}

}  // namespace sluice::script
