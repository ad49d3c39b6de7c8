// Typed reads of a resource's dotted settings ("http.paging.page"), with errors that name the
// setting, say what was expected and what was found: every kInvalidConfig of this plugin comes
// from here or quotes a setting the same way.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/http/message.hpp"

namespace sluice::plugins::http {

// The value at a dotted path of a resource document, or nullptr when absent.
const boost::json::value* find_setting(const boost::json::object& doc,
                                       std::string_view path) noexcept;

// The text form used when comparing a response value with configured values
// (successValues, lastPageValues): strings as they are, other scalars as JSON text, so that
// "true" matches true and "200" matches 200. Null and missing are both "null".
std::string text_of(const boost::json::value* value);

// True when text_of(value) equals text_of of one of `values`.
bool matches_any(const boost::json::value* value, const std::vector<std::string>& values);

class Config {
 public:
  explicit Config(const boost::json::object& doc) : doc_(doc) {}

  const boost::json::value* find(std::string_view path) const noexcept {
    return find_setting(doc_, path);
  }
  // Absent or null gives `fallback`; anything but a string is an error.
  Result<std::string> string(std::string_view path, std::string fallback = {}) const;
  // Like string(), and the value must be one of `allowed`.
  Result<std::string> one_of(std::string_view path, std::initializer_list<std::string_view> allowed,
                             std::string fallback) const;
  // An integer (or a string holding one) within [min, max]; absent or null gives `fallback`.
  Result<int64_t> integer(std::string_view path, int64_t fallback, int64_t min, int64_t max) const;
  // An array of scalars, each as text_of(); a single scalar counts as a one-element array.
  Result<std::vector<std::string>> values(std::string_view path) const;
  // [{name, value}, ...] with a non-empty string name and a scalar value.
  Result<support::http::Headers> headers(std::string_view path) const;

 private:
  const boost::json::object& doc_;
};

// "got 'foo'" / "got 12" / "got an object": what a bad setting held, for error messages.
std::string describe_value(const boost::json::value& value);

}  // namespace sluice::plugins::http
