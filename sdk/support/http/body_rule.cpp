#include "body_rule.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"

namespace sluice::support::http {

std::optional<std::string> body_value_matches(const Response& response, const std::string& path,
                                              const std::vector<std::string>& values,
                                              const char* setting) {
  if (path.empty() || values.empty() || response.body.empty()) return std::nullopt;
  boost::json::error_code ec;
  const boost::json::value body = boost::json::parse(response.body, ec);
  if (ec) return std::nullopt;
  const boost::json::value* value = find_path(body, path);
  if (value == nullptr || value->is_object() || value->is_array()) return std::nullopt;
  const std::string text = value->is_null()     ? std::string("null")
                           : value->is_string() ? std::string(value->get_string())
                                                : boost::json::serialize(*value);
  if (std::find(values.begin(), values.end(), text) == values.end()) return std::nullopt;
  return "HTTP " + std::to_string(response.status) + " whose " + path + " is '" + text + "' (" +
         setting + ")";
}

std::string status_text(const Response& response) {
  std::string why = "HTTP " + std::to_string(response.status);
  if (!response.reason.empty()) why += " " + response.reason;
  return why;
}

}  // namespace sluice::support::http
