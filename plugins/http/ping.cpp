#include "ping.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "settings.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

namespace {

Result<std::vector<std::string>> read_values(const Setting<json::value>& setting,
                                             const json::object& doc) {
  auto value = setting.read(doc);
  if (!value) return value.error();
  std::vector<std::string> out;
  if (value->is_null()) return out;
  const json::array* array = value->if_array();
  if (array == nullptr) {
    return make_error(
        Status::kInvalidConfig,
        setting.path() + " must be an array of strings, got " + describe_value(*value));
  }
  for (const json::value& item : *array) {
    if (const json::string* text = item.if_string()) {
      out.emplace_back(*text);
    } else if (item.is_number() || item.is_bool()) {
      out.push_back(json::serialize(item));
    } else {
      return make_error(
          Status::kInvalidConfig,
          setting.path() + " must be an array of strings, got an item " + describe_value(item));
    }
  }
  return out;
}

Result<std::string> render(const Setting<std::string>& setting, const json::object& doc,
                           const json::value& context, support::Escape escape) {
  auto source = setting.read(doc);
  if (!source) return source.error();
  if (source->find("{{") == std::string::npos) return source;
  auto t = support::Template::parse(*source, setting.path());
  if (!t) return t.error();
  support::RenderOptions options;
  options.escape = escape;
  options.strict = true;
  auto text = t->evaluate(context, options);
  if (!text) {
    return make_error(Status::kInvalidConfig,
                      text.error().message +
                          " (the connection test's templates see {{connection...}} without its "
                          "secrets)");
  }
  return text;
}

// A value as compared with the values: a string as it is, anything else as JSON.
std::string text_of(const json::value& value) {
  if (const json::string* text = value.if_string()) return std::string(*text);
  return json::serialize(value);
}

bool truthy(const json::value& value) {
  if (value.is_null()) return false;
  if (const bool* b = value.if_bool()) return *b;
  if (const json::string* text = value.if_string()) return !text->empty();
  if (value.is_number()) return value.to_number<double>() != 0;
  return true;  // objects and arrays, even empty, are there
}

std::string list_text(const std::vector<std::string>& values) {
  json::array array;
  for (const std::string& v : values) array.emplace_back(v);
  return json::serialize(array);
}

// Whether `value` matches (one of `values`, or truthy without values); `how` says what it is.
bool matches(const json::value& value, const std::vector<std::string>& values, bool any_element,
             std::string& how) {
  const auto one = [&](const json::value& v) {
    return values.empty() ? truthy(v)
                          : std::find(values.begin(), values.end(), text_of(v)) != values.end();
  };
  if (const json::array* array = value.if_array(); array != nullptr && any_element) {
    for (const json::value& element : *array) {
      if (one(element)) {
        how = "holds '" + text_of(element) + "'";
        return true;
      }
    }
    how = "is " + json::serialize(value) + ", an array without such an element";
    return false;
  }
  how = value.is_string() ? "is '" + text_of(value) + "'" : "is " + json::serialize(value);
  return one(value);
}

std::string values_text(const std::vector<std::string>& values, bool matched) {
  if (values.empty()) return matched ? "" : " (false, null, 0 or empty)";
  return (matched ? ", one of " : ", not one of ") + list_text(values);
}

}  // namespace

Result<PingCheck> PingCheck::read(const json::object& doc, const ConnectionVariables& variables) {
  const PingSettings& s = connection_settings().ping;
  const json::value context = json::object{{"connection", variables.open}};
  PingCheck check;
  auto method = s.method.read(doc);
  if (!method) return method.error();
  check.method_ = std::move(*method);
  auto uri = render(s.relative_uri, doc, context, support::Escape::kUri);
  if (!uri) return uri.error();
  check.uri_ = std::move(*uri);
  auto body = render(s.body, doc, context, support::Escape::kJson);
  if (!body) return body.error();
  check.body_ = std::move(*body);
  for (auto [setting, out] :
       {std::pair{&s.success_path, &check.success_path_},
        std::pair{&s.fail_path, &check.fail_path_}, std::pair{&s.error_path, &check.error_path_}}) {
    auto text = setting->read(doc);
    if (!text) return text.error();
    *out = std::move(*text);
  }
  auto success_values = read_values(s.success_values, doc);
  if (!success_values) return success_values.error();
  check.success_values_ = std::move(*success_values);
  auto fail_values = read_values(s.fail_values, doc);
  if (!fail_values) return fail_values.error();
  check.fail_values_ = std::move(*fail_values);
  auto allow_array = s.allow_array_for_success_path.read(doc);
  if (!allow_array) return allow_array.error();
  check.allow_array_ = *allow_array;
  if (check.success_path_.empty() && !check.success_values_.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.ping.successValues needs http.ping.successPath: the dotted path of "
                      "the value to compare, e.g. status");
  }
  if (check.fail_path_.empty() && !check.fail_values_.empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.ping.failValues needs http.ping.failPath: the dotted path of the "
                      "value to compare, e.g. error.code");
  }
  return check;
}

support::http::Request PingCheck::request() const {
  support::http::Request request;
  request.method = method_;
  request.url = uri_;
  if (method_ == "POST" || method_ == "PUT") request.body = body_;
  return request;
}

PingCheck::Verdict PingCheck::judge(const support::http::Response& response) const {
  Verdict verdict;
  json::value body;
  bool parsed = false;
  const bool needs_body = !success_path_.empty() || !fail_path_.empty() || !error_path_.empty();
  if (needs_body && !response.body.empty()) {
    json::error_code ec;
    body = json::parse(response.body, ec);
    parsed = !ec;
  }
  const auto fail = [&](std::string why) {
    verdict.passed = false;
    verdict.why = std::move(why);
    if (parsed && !error_path_.empty()) {
      if (const json::value* message = find_path(body, error_path_);
          message != nullptr && !message->is_null() && !message->is_object() &&
          !message->is_array()) {
        verdict.message = text_of(*message);
      }
    }
    return verdict;
  };
  std::string status = "HTTP " + std::to_string(response.status);
  if (!response.reason.empty()) status += " " + response.reason;
  if (!response.ok()) return fail(status + ", not a 2xx status");

  std::string fail_note;
  if (!fail_path_.empty()) {
    const json::value* value = parsed ? find_path(body, fail_path_) : nullptr;
    std::string how;
    if (value != nullptr && matches(*value, fail_values_, false, how)) {
      return fail("failPath '" + fail_path_ + "' " + how + values_text(fail_values_, true));
    }
    fail_note =
        value == nullptr
            ? "; failPath '" + fail_path_ + "' is absent"
            : "; failPath '" + fail_path_ + "' " + how +
                  (fail_values_.empty() ? std::string() : ", none of " + list_text(fail_values_));
  }
  if (success_path_.empty()) {
    verdict.passed = true;
    verdict.why = status + " (any 2xx passes)" + fail_note;
    return verdict;
  }
  if (!parsed) {
    return fail(response.body.empty()
                    ? "successPath '" + success_path_ + "' cannot be read: the response is empty"
                    : "successPath '" + success_path_ +
                          "' cannot be read: the response is not JSON");
  }
  const json::value* value = find_path(body, success_path_);
  if (value == nullptr) {
    return fail("successPath '" + success_path_ + "' is absent from the response");
  }
  std::string how;
  const bool passed = matches(*value, success_values_, allow_array_, how);
  if (!passed) {
    return fail("successPath '" + success_path_ + "' " + how + values_text(success_values_, false));
  }
  verdict.passed = true;
  verdict.why =
      "successPath '" + success_path_ + "' " + how + values_text(success_values_, true) + fail_note;
  return verdict;
}

}  // namespace sluice::plugins::http
