// The values rules compute while a record is evaluated: a view of a JSON value of the record, a
// setting or a literal, or a value a cast made. Building one from JSON does not allocate; a cast
// that makes a string keeps it in `owned` (short ones stay in the string's inline buffer).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace sluice::host::filter::detail {

enum class Kind : unsigned char { kMissing, kNull, kBool, kNumber, kString, kArray, kObject };

struct Value {
  Kind kind = Kind::kMissing;
  bool boolean = false;
  double number = 0;
  const boost::json::value* json = nullptr;  // kArray, kObject: the value
  std::string owned;
  bool owns = false;

  std::string_view str() const noexcept { return owns ? std::string_view(owned) : view_; }

  void set_missing() noexcept { kind = Kind::kMissing; }
  void set_bool(bool b) noexcept {
    kind = Kind::kBool;
    boolean = b;
  }
  void set_number(double n) noexcept {
    kind = Kind::kNumber;
    number = n;
  }
  void set_view(std::string_view s) noexcept {
    kind = Kind::kString;
    owns = false;
    view_ = s;
  }
  void set_owned(std::string s) noexcept {
    kind = Kind::kString;
    owns = true;
    owned = std::move(s);
  }
  // `v` may be null (missing). Keeps a pointer into `*v`.
  void set_json(const boost::json::value* v) noexcept {
    if (!v) return set_missing();
    switch (v->kind()) {
      case boost::json::kind::null:
        kind = Kind::kNull;
        return;
      case boost::json::kind::bool_:
        return set_bool(v->get_bool());
      case boost::json::kind::int64:
        return set_number(static_cast<double>(v->get_int64()));
      case boost::json::kind::uint64:
        return set_number(static_cast<double>(v->get_uint64()));
      case boost::json::kind::double_:
        return set_number(v->get_double());
      case boost::json::kind::string:
        return set_view(v->get_string());
      case boost::json::kind::array:
        kind = Kind::kArray;
        json = v;
        return;
      case boost::json::kind::object:
        kind = Kind::kObject;
        json = v;
        return;
    }
  }

 private:
  std::string_view view_;
};

// The value for messages: JSON text cut to 60 characters; "nothing" when missing.
std::string describe(const Value& v);

}  // namespace sluice::host::filter::detail
