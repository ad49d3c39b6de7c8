#include "mapper/convert.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <boost/json.hpp>

namespace sluice::mapper {
namespace {

namespace json = boost::json;

constexpr std::array<std::pair<std::string_view, DataType>, 9> kNames{{
    {"string", DataType::kString},
    {"number", DataType::kNumber},
    {"boolean", DataType::kBoolean},
    {"object", DataType::kObject},
    {"stringarray", DataType::kStringArray},
    {"numberarray", DataType::kNumberArray},
    {"booleanarray", DataType::kBooleanArray},
    {"objectarray", DataType::kObjectArray},
    {"arrayarray", DataType::kArrayArray},
}};

constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53

json::value number_value(double d, json::storage_ptr sp) {
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= kMaxSafeInteger)
    return json::value(static_cast<std::int64_t>(d), std::move(sp));
  return json::value(d, std::move(sp));
}

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  // from_chars accepts "inf", "nan" and hex only with flags we do not pass; it still reads
  // "infinity" and "nan", which integrator.io would not, so refuse letters other than e/E.
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+'))
      return std::nullopt;
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d))
    return std::nullopt;
  return d;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

std::optional<json::value> convert_scalar(const json::value& value, DataType type,
                                          json::storage_ptr sp) {
  if (value.is_null()) return json::value(nullptr, std::move(sp));
  switch (type) {
    case DataType::kString:
      if (value.is_string()) return json::value(value.get_string(), std::move(sp));
      return json::value(json::string_view(to_text(value)), std::move(sp));
    case DataType::kNumber:
      if (value.is_int64() || value.is_uint64()) return json::value(value, std::move(sp));
      if (value.is_double()) return number_value(value.get_double(), std::move(sp));
      if (value.is_bool()) return json::value(value.get_bool() ? 1 : 0, std::move(sp));
      if (value.is_string()) {
        const auto d = parse_number(value.get_string());
        if (!d) return std::nullopt;
        return number_value(*d, std::move(sp));
      }
      return std::nullopt;
    case DataType::kBoolean:
      if (value.is_bool()) return json::value(value.get_bool(), std::move(sp));
      if (value.is_number()) return json::value(value.to_number<double>() != 0, std::move(sp));
      if (value.is_string()) {
        const std::string_view s = value.get_string();
        if (iequals(s, "true") || s == "1") return json::value(true, std::move(sp));
        if (iequals(s, "false") || s == "0") return json::value(false, std::move(sp));
      }
      return std::nullopt;
    case DataType::kObject:
      if (value.is_object()) return json::value(value, std::move(sp));
      return std::nullopt;
    case DataType::kArrayArray:
      if (value.is_array()) return json::value(value, std::move(sp));
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<DataType> parse_data_type(std::string_view name) noexcept {
  for (const auto& [text, type] : kNames)
    if (text == name) return type;
  return std::nullopt;
}

std::string_view to_string(DataType type) noexcept {
  for (const auto& [text, t] : kNames)
    if (t == type) return text;
  return "unknown";
}

bool is_array(DataType type) noexcept {
  return type == DataType::kStringArray || type == DataType::kNumberArray ||
         type == DataType::kBooleanArray || type == DataType::kObjectArray ||
         type == DataType::kArrayArray;
}

DataType element_of(DataType type) noexcept {
  switch (type) {
    case DataType::kStringArray:
      return DataType::kString;
    case DataType::kNumberArray:
      return DataType::kNumber;
    case DataType::kBooleanArray:
      return DataType::kBoolean;
    case DataType::kObjectArray:
      return DataType::kObject;
    default:
      return type;
  }
}

std::optional<json::value> convert(const json::value& value, DataType type, json::storage_ptr sp) {
  if (!is_array(type)) return convert_scalar(value, type, std::move(sp));
  if (value.is_null()) return json::value(nullptr, std::move(sp));
  const DataType element = element_of(type);
  json::array out(sp);
  if (const json::array* in = value.if_array()) {
    out.reserve(in->size());
    for (const json::value& v : *in) {
      auto converted = convert_scalar(v, element, sp);
      if (!converted) return std::nullopt;
      out.push_back(std::move(*converted));
    }
  } else {
    if (type == DataType::kArrayArray) return std::nullopt;
    auto converted = convert_scalar(value, element, sp);
    if (!converted) return std::nullopt;
    out.push_back(std::move(*converted));
  }
  return json::value(std::move(out));
}

std::string js_number_text(double number) {
  if (std::isnan(number)) return "NaN";
  if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
  if (number == 0) return "0";
  if (std::floor(number) == number && std::fabs(number) < 1e21) {
    char buffer[32];
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed);
    return std::string(buffer, end);
  }
  // Shortest round-trip digits; JavaScript writes plain decimals for 1e-6 <= |x| < 1e21 and
  // exponents as "1e+21" / "1e-7".
  const double magnitude = std::fabs(number);
  char buffer[64];
  if (magnitude >= 1e-6 && magnitude < 1e21) {
    const auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed);
    return std::string(buffer, end);
  }
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::scientific);
  std::string text(buffer, end);
  const std::size_t e = text.find('e');
  if (e != std::string::npos) {
    std::string mantissa = text.substr(0, e);
    std::string exponent = text.substr(e + 1);
    const char sign = exponent[0] == '-' ? '-' : '+';
    std::size_t digits = exponent.find_first_not_of("+-0");
    exponent = digits == std::string::npos ? "0" : exponent.substr(digits);
    text = mantissa + "e" + sign + exponent;
  }
  return text;
}

std::string to_text(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return std::string(value.get_string());
    case json::kind::int64:
      return std::to_string(value.get_int64());
    case json::kind::uint64:
      return std::to_string(value.get_uint64());
    case json::kind::double_:
      return js_number_text(value.get_double());
    case json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case json::kind::null:
      return "null";
    default:
      return json::serialize(value);
  }
}

}  // namespace sluice::mapper
