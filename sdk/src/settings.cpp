#include "sluice/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <type_traits>

#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"

namespace sluice {

namespace json = boost::json;

std::string describe_value(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "'" + std::string(value.get_string()) + "'";
    default:
      return json::serialize(value);
  }
}

namespace {

template <class T>
bool accepts(FieldType type) {
  if constexpr (std::is_same_v<T, std::string>) {
    return type == FieldType::kString || type == FieldType::kTemplate || type == FieldType::kEnum;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return type == FieldType::kInteger;
  } else if constexpr (std::is_same_v<T, double>) {
    return type == FieldType::kNumber || type == FieldType::kInteger;
  } else if constexpr (std::is_same_v<T, bool>) {
    return type == FieldType::kBoolean;
  } else {
    return true;
  }
}

template <class T>
std::string_view reader_name() {
  if constexpr (std::is_same_v<T, std::string>) {
    return "Setting<std::string>";
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return "Setting<int64_t>";
  } else if constexpr (std::is_same_v<T, double>) {
    return "Setting<double>";
  } else if constexpr (std::is_same_v<T, bool>) {
    return "Setting<bool>";
  } else {
    return "Setting<boost::json::value>";
  }
}

// A bound as people write it: 10000, not 1E4.
std::string bound_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.2e18) return std::to_string(static_cast<int64_t>(v));
  return json::serialize(json::value(v));
}

std::string number_text(double v) {
  if (v == std::floor(v)) return bound_text(v);
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

Result<void> check_bounds(const Field& field, double n, const std::string& shown) {
  const auto min = field.lower_bound();
  const auto max = field.upper_bound();
  const bool low = min && n < *min;
  const bool high = max && n > *max;
  if (!low && !high) return {};
  std::string range;
  if (min && max) {
    range = "between " + bound_text(*min) + " and " + bound_text(*max);
  } else if (min) {
    range = "at least " + bound_text(*min);
  } else {
    range = "at most " + bound_text(*max);
  }
  return make_error(Status::kInvalidConfig, field.path() + " must be " + range + ", got " + shown);
}

Error invalid(const Field& field, std::string_view expected, const json::value& got) {
  return make_error(Status::kInvalidConfig, field.path() + " must be " + std::string(expected) +
                                                ", got " + describe_value(got));
}

std::optional<int64_t> integer_of(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    const double d = v.get_double();
    if (d == std::floor(d) && d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const json::string& s = v.get_string();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  return std::nullopt;
}

}  // namespace

template <class T>
Setting<T>::Setting(const Field& field) : field_(field) {}

template <class T>
bool Setting<T>::is_set(const json::object& doc) const noexcept {
  const json::value* v = find_path(doc, field_.path());
  return v != nullptr && !v->is_null();
}

template <class T>
Result<T> Setting<T>::convert(const json::value& v) const {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!v.is_string()) return invalid(field_, "a string", v);
    std::string text(v.get_string());
    if (field_.type() == FieldType::kEnum) {
      const std::vector<std::string> allowed = field_.implemented_enum_values();
      if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
        const auto& unsupported = field_.unsupported_enum_values();
        if (allowed.size() == 1 &&
            std::find(unsupported.begin(), unsupported.end(), text) != unsupported.end()) {
          return make_error(Status::kInvalidConfig, field_.path() + " '" + text +
                                                        "' is not supported yet; only " +
                                                        allowed.front() + " is implemented");
        }
        std::string list;
        for (const std::string& a : allowed) list.append(list.empty() ? "" : ", ").append(a);
        return make_error(Status::kInvalidConfig,
                          field_.path() + " must be one of " + list + ", got '" + text + "'");
      }
    }
    return text;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    const std::optional<int64_t> n = integer_of(v);
    if (!n) return invalid(field_, "an integer", v);
    if (auto in_range = check_bounds(field_, static_cast<double>(*n), std::to_string(*n));
        !in_range) {
      return in_range.error();
    }
    return *n;
  } else if constexpr (std::is_same_v<T, double>) {
    if (!v.is_number()) return invalid(field_, "a number", v);
    const double d = v.to_number<double>();
    if (auto in_range = check_bounds(field_, d, number_text(d)); !in_range) {
      return in_range.error();
    }
    return d;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_bool()) return invalid(field_, "true or false", v);
    return v.get_bool();
  } else {
    return v;
  }
}

template <class T>
Result<T> Setting<T>::default_value() const {
  if (!accepts<T>(field_.type())) {
    return make_error(Status::kInternal,
                      field_.path() + " is declared as " + std::string(to_string(field_.type())) +
                          " and cannot be read with " + std::string(reader_name<T>()) +
                          "; read it with the Setting type that matches its declaration");
  }
  const json::value* declared = field_.declared_default();
  if (declared == nullptr || declared->is_null()) return T{};
  auto value = convert(*declared);
  if (!value) {
    return make_error(Status::kInternal, "the declared default of " + field_.path() +
                                             " is invalid: " + value.error().message);
  }
  return value;
}

template <class T>
Result<T> Setting<T>::read(const json::object& doc) const {
  const json::value* v = find_path(doc, field_.path());
  if (v == nullptr || v->is_null()) return default_value();
  if (!accepts<T>(field_.type())) return default_value().error();
  return convert(*v);
}

template class Setting<std::string>;
template class Setting<int64_t>;
template class Setting<double>;
template class Setting<bool>;
template class Setting<json::value>;

}  // namespace sluice
