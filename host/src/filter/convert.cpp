#include "filter/convert.hpp"

#include <charconv>
#include <cmath>

#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <boost/json/serialize.hpp>

#include "helpers/js_value.hpp"
#include "sluice/support/template/moment.hpp"

namespace sluice::host::filter::detail {

namespace json = boost::json;
namespace tmpl = sluice::support::tmpl;

namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Number(text) as JavaScript reads it. The common forms ("12", "-3.5", "1e3", "+2", ".5") are
// read here without allocating; the rest (hex, Infinity, Unicode spaces) by the template engine's
// JavaScript conversion.
double js_number(std::string_view text) {
  std::string_view s = trim_ascii(text);
  if (!s.empty() && is_ascii(s)) {
    std::string_view digits = s;
    const bool plus = digits.front() == '+';
    if (plus) digits.remove_prefix(1);
    const size_t first = (!plus && digits.front() == '-') ? 1 : 0;
    // from_chars reads "inf" and "nan", which JavaScript does not: the text must start with a
    // digit or a dot (after one sign); "0x1F" stops at the x and goes the slow way.
    const bool plain = first < digits.size() &&
                       ((digits[first] >= '0' && digits[first] <= '9') || digits[first] == '.');
    if (plain) {
      double d = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
      if (ec == std::errc() && end == digits.data() + digits.size()) return d;
    }
  }
  return tmpl::to_js_number(json::value(json::string(text)));
}

bool fail(std::string& problem, const Value& in, std::string_view to) {
  problem = "cannot convert " + describe(in) + " to " + std::string(to);
  return false;
}

bool to_number(const Value& in, Value& out, std::string& problem) {
  switch (in.kind) {
    case Kind::kNumber:
      out.set_number(in.number);
      return true;
    case Kind::kBool:
      out.set_number(in.boolean ? 1 : 0);
      return true;
    case Kind::kString: {
      if (trim_ascii(in.str()).empty()) {
        out.set_missing();
        return true;
      }
      const double d = js_number(in.str());
      if (std::isnan(d)) return fail(problem, in, "a number");
      out.set_number(d);
      return true;
    }
    default:
      return fail(problem, in, "a number");
  }
}

bool to_string(const Value& in, Value& out, std::string& problem) {
  switch (in.kind) {
    case Kind::kString:
      out.set_view(in.str());
      if (in.owns) out.set_owned(in.owned);
      return true;
    case Kind::kNumber:
      out.set_owned(tmpl::js_number_to_string(in.number));
      return true;
    case Kind::kBool:
      out.set_view(in.boolean ? "true" : "false");
      return true;
    case Kind::kArray:
      out.set_owned(tmpl::to_js_string(*in.json));
      return true;
    default:
      return fail(problem, in, "a string");
  }
}

bool to_boolean(const Value& in, Value& out, std::string& problem) {
  switch (in.kind) {
    case Kind::kBool:
      out.set_bool(in.boolean);
      return true;
    case Kind::kNumber:
      if (std::isnan(in.number)) return fail(problem, in, "true or false");
      out.set_bool(in.number != 0);
      return true;
    case Kind::kString: {
      const std::string_view s = trim_ascii(in.str());
      auto is = [&](std::string_view word) {
        if (s.size() != word.size()) return false;
        for (size_t i = 0; i < s.size(); ++i)
          if ((s[i] | 0x20) != word[i]) return false;
        return true;
      };
      if (s.empty()) {
        out.set_missing();
      } else if (is("true") || s == "1") {
        out.set_bool(true);
      } else if (is("false") || s == "0") {
        out.set_bool(false);
      } else {
        return fail(problem, in, "true or false (expected \"true\", \"false\", \"1\" or \"0\")");
      }
      return true;
    }
    default:
      return fail(problem, in, "true or false");
  }
}

bool to_epochtime(const Value& in, Value& out, std::string& problem) {
  switch (in.kind) {
    case Kind::kNumber:
      out.set_number(in.number);
      return true;
    case Kind::kString: {
      const std::string_view s = trim_ascii(in.str());
      if (s.empty()) {
        out.set_missing();
        return true;
      }
      // Milliseconds since 1970 written as text.
      long long ms = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
      if (ec == std::errc() && end == s.data() + s.size()) {
        out.set_number(static_cast<double>(ms));
        return true;
      }
      if (auto instant = tmpl::moment::parse_auto(s)) {
        out.set_number(static_cast<double>(instant->time_since_epoch().count()));
        return true;
      }
      return fail(problem, in,
                  "a date (expected ISO 8601 like \"2023-01-01T00:00:00Z\", a date JavaScript's "
                  "Date reads, or milliseconds since 1970)");
    }
    default:
      return fail(problem, in, "a date");
  }
}

bool change_case(const Value& in, Value& out, bool upper, std::string& problem) {
  if (in.kind != Kind::kString) {
    problem = std::string(upper ? "uppercase" : "lowercase") + " needs a string, found " +
              describe(in) + "; convert it first with [\"string\", ...]";
    return false;
  }
  const std::string_view s = in.str();
  std::string text;
  if (is_ascii(s)) {
    text.assign(s);
    for (char& c : text) {
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
  } else {
    // Unicode's full case mapping, independent of locale, as JavaScript's toLowerCase does.
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), s.size()));
    if (upper)
      u.toUpper(icu::Locale::getRoot());
    else
      u.toLower(icu::Locale::getRoot());
    u.toUTF8String(text);
  }
  out.set_owned(std::move(text));
  return true;
}

bool round_number(Op op, const Value& in, Value& out, std::string& problem) {
  if (in.kind != Kind::kNumber) {
    const char* name = op == Op::kCeiling ? "ceiling" : op == Op::kFloor ? "floor" : "abs";
    problem = std::string(name) + " needs a number, found " + describe(in) +
              "; convert it first with [\"number\", ...]";
    return false;
  }
  const double n = in.number;
  out.set_number(op == Op::kCeiling ? std::ceil(n)
                 : op == Op::kFloor ? std::floor(n)
                                    : std::fabs(n));
  return true;
}

}  // namespace

std::string describe(const Value& v) {
  std::string text;
  switch (v.kind) {
    case Kind::kMissing:
      return "nothing (the value is missing)";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return v.boolean ? "true" : "false";
    case Kind::kNumber:
      return tmpl::js_number_to_string(v.number);
    case Kind::kString:
      text = json::serialize(json::value(json::string(v.str())));
      break;
    case Kind::kArray:
    case Kind::kObject:
      text = json::serialize(*v.json);
      break;
  }
  if (text.size() > 60) text = text.substr(0, 60) + "...";
  return text;
}

bool convert(Op op, const Value& in, Value& out, std::string& problem) {
  if (in.kind == Kind::kMissing || in.kind == Kind::kNull) {
    out.set_missing();
    return true;
  }
  switch (op) {
    case Op::kNumber:
      return to_number(in, out, problem);
    case Op::kString:
      return to_string(in, out, problem);
    case Op::kBoolean:
      return to_boolean(in, out, problem);
    case Op::kEpochtime:
      return to_epochtime(in, out, problem);
    case Op::kLowercase:
      return change_case(in, out, false, problem);
    case Op::kUppercase:
      return change_case(in, out, true, problem);
    case Op::kCeiling:
    case Op::kFloor:
    case Op::kAbs:
      return round_number(op, in, out, problem);
    default:
      problem = "internal: not a conversion";
      return false;
  }
}

}  // namespace sluice::host::filter::detail
