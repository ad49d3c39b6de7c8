#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include <openssl/rand.h>

#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace json = boost::json;

namespace {

// Every argument as a number; arrays contribute each element (sum, avg).
std::vector<double> numbers_of(const HelperCall& call, bool flatten) {
  std::vector<double> out;
  for (const auto& a : call.args) {
    if (flatten && !a.undefined && a.json.is_array()) {
      for (const auto& element : a.json.get_array()) out.push_back(to_js_number(element));
    } else {
      out.push_back(to_js_number(a));
    }
  }
  return out;
}

// The decimal expansion of |x| (x finite, non-zero) to `significant` digits: digits "d ddd…" and
// the exponent of the first one, so that |x| ≈ d.ddd… × 10^exponent. Callers ask for 25 digits
// more than they keep: a double's exact expansion cannot carry a run of 25 zeros or nines past the
// 17 that identify it, so rounding the longer text half up is rounding the exact value.
struct Decimal {
  std::string digits;
  int exponent = 0;
};

Decimal exact_decimal(double x, int significant = 45) {
  std::vector<char> buffer(static_cast<size_t>(significant) + 16);
  std::snprintf(buffer.data(), buffer.size(), "%.*e", significant - 1, std::fabs(x));
  std::string text(buffer.data());
  const size_t e = text.find('e');
  Decimal d;
  for (size_t i = 0; i < e; ++i)
    if (text[i] != '.') d.digits.push_back(text[i]);
  d.exponent = std::stoi(text.substr(e + 1));
  return d;
}

// The expansion kept to `count` significant digits, with 25 more for rounding.
Decimal decimal_for(double x, int count) { return exact_decimal(x, std::max(count, 17) + 25); }

// Rounds `d` to `count` significant digits, half away from zero on the exact value (which is what
// "if there are two such n, pick the larger" means in ECMAScript's toFixed/toPrecision).
Decimal round_digits(Decimal d, int count) {
  if (count < 0) return Decimal{"", d.exponent};
  const bool up =
      static_cast<size_t>(count) < d.digits.size() && d.digits[static_cast<size_t>(count)] >= '5';
  d.digits.resize(static_cast<size_t>(count), '0');
  if (up) {
    int i = count - 1;
    while (i >= 0 && d.digits[static_cast<size_t>(i)] == '9')
      d.digits[static_cast<size_t>(i--)] = '0';
    if (i >= 0) {
      ++d.digits[static_cast<size_t>(i)];
    } else {
      d.digits.insert(d.digits.begin(), '1');
      d.digits.pop_back();
      ++d.exponent;
      if (count == 0) d.digits = "1";
    }
  }
  return d;
}

// The number of binary digits after the point in finite, non-zero `x` (0 for integers).
int fractional_bits(double x) {
  const auto bits = std::bit_cast<uint64_t>(x);
  const int biased = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t mantissa = bits & ((uint64_t{1} << 52) - 1);
  int exponent = -1074;  // subnormal
  if (biased != 0) {
    mantissa |= uint64_t{1} << 52;
    exponent = biased - 1075;
  }
  const int zeros = std::countr_zero(mantissa);
  exponent += zeros;
  return exponent < 0 ? -exponent : 0;
}

__extension__ typedef unsigned __int128 u128;

constexpr int kExactFixedDigits = 22;  // 10^22 · 2^53 < 2^127

// x.toFixed(digits) for finite, non-zero |x| < 1e21 and digits <= kExactFixedDigits, in integers:
// x is m·2^e exactly, so x·10^digits is m·10^digits (below 2^127) shifted right by -e, and the
// bits shifted out say whether to round up (at half or more: JavaScript takes the larger n on a
// tie). std::to_chars with a precision rounds a tie to even, and costs several times more.
std::string exact_fixed(double x, int digits) {
  const auto bits = std::bit_cast<uint64_t>(x);
  const int biased = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t m = bits & ((uint64_t{1} << 52) - 1);
  int e = -1074;  // subnormal
  if (biased != 0) {
    m |= uint64_t{1} << 52;
    e = biased - 1075;
  }
  u128 scaled = m;  // x·10^digits, rounded
  if (e >= 0) {
    scaled <<= e;  // an integer below 1e21 < 2^70; the fraction is all zeros
  } else {
    for (int i = 0; i < digits; ++i) scaled *= 10;
    const int shift = -e;
    if (shift >= 128) {
      scaled = 0;  // below 2^127, which is at most half of 2^shift
    } else {
      const u128 rest = scaled & ((u128{1} << shift) - 1);
      scaled >>= shift;
      if (rest >= (u128{1} << (shift - 1))) ++scaled;
    }
  }
  char buffer[64];
  char* end = buffer + sizeof buffer;
  char* begin = end;
  if (scaled <= UINT64_MAX) {
    begin = buffer;
    end = std::to_chars(buffer, buffer + sizeof buffer, static_cast<uint64_t>(scaled)).ptr;
  } else {
    do {
      *--begin = static_cast<char>('0' + static_cast<int>(scaled % 10));
      scaled /= 10;
    } while (scaled != 0);
  }
  std::string number(begin, end);
  if (e >= 0) number.append(static_cast<size_t>(digits), '0');
  if (number.size() <= static_cast<size_t>(digits))
    number.insert(0, static_cast<size_t>(digits) + 1 - number.size(), '0');
  if (digits > 0) number.insert(number.size() - static_cast<size_t>(digits), 1, '.');
  return x < 0 ? "-" + number : number;
}

std::string exponent_suffix(int exponent) {
  return std::string("e") + (exponent >= 0 ? "+" : "-") + std::to_string(std::abs(exponent));
}

}  // namespace

std::string js_to_fixed(double x, int fraction_digits) {
  if (std::isnan(x)) return "NaN";
  if (std::fabs(x) >= 1e21 || std::isinf(x)) return js_number_to_string(x);
  std::string sign = x < 0 ? "-" : "";
  if (x == 0) {
    std::string out = "0";
    if (fraction_digits > 0) out += "." + std::string(static_cast<size_t>(fraction_digits), '0');
    return out;
  }
  // std::to_chars rounds the exact binary value correctly, as JavaScript does, except on an exact
  // tie (which it sends to even where JavaScript goes away from zero). A double m·2^e (m odd, e <
  // 0) has exactly -e fraction digits, the last a 5, so it is a tie iff -e == fraction_digits + 1.
  if (fraction_digits <= kExactFixedDigits) return exact_fixed(x, fraction_digits);
  if (fractional_bits(x) != fraction_digits + 1) {
    char
        buffer[160];  // |x| < 1e21: at most 21 integer digits, a sign, a point, 100 fraction digits
    auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed, fraction_digits);
    if (ec == std::errc()) return std::string(buffer, end);
  }
  Decimal d = exact_decimal(x);
  const int count = d.exponent + 1 + fraction_digits;  // significant digits kept
  if (count > 0) d = decimal_for(x, count);
  std::string integer, fraction;
  if (count <= 0) {
    // Rounds to 0 or to one unit in the last place.
    const bool up = count == 0 && d.digits[0] >= '5';
    std::string all(static_cast<size_t>(fraction_digits + 1), '0');
    if (up) all.back() = '1';
    integer = all.substr(0, 1);
    fraction = all.substr(1);
  } else {
    d = round_digits(d, count);
    const int int_len = d.exponent + 1;
    std::string all = d.digits;
    if (int_len <= 0) {
      all = std::string(static_cast<size_t>(1 - int_len), '0') + all;
      integer = "0";
      fraction = all.substr(1);
    } else {
      // A carry out of the top digit (9.5 to 0 places) leaves fewer digits than the integer has.
      if (all.size() < static_cast<size_t>(int_len)) all.resize(static_cast<size_t>(int_len), '0');
      integer = all.substr(0, static_cast<size_t>(int_len));
      fraction = all.substr(static_cast<size_t>(int_len));
    }
    fraction.resize(static_cast<size_t>(fraction_digits), '0');
  }
  if (integer.find_first_not_of('0') == std::string::npos &&
      fraction.find_first_not_of('0') == std::string::npos)
    sign = x < 0 ? "-" : "";  // (-0.0001).toFixed(2) is "-0.00" in JavaScript
  return sign + integer + (fraction_digits > 0 ? "." + fraction : "");
}

std::string js_to_exponential(double x, std::optional<int> fraction_digits) {
  if (!std::isfinite(x)) return js_number_to_string(x);
  const std::string sign = x < 0 ? "-" : "";
  Decimal d;
  if (x == 0) {
    d = Decimal{std::string(static_cast<size_t>(fraction_digits.value_or(0) + 1), '0'), 0};
  } else if (!fraction_digits) {
    char buffer[64];
    auto [end, ec] =
        std::to_chars(buffer, buffer + sizeof buffer, std::fabs(x), std::chars_format::scientific);
    const std::string sci(buffer, end);
    const size_t e = sci.find('e');
    for (size_t i = 0; i < e; ++i)
      if (sci[i] != '.') d.digits.push_back(sci[i]);
    d.exponent = std::stoi(sci.substr(e + 1));
  } else {
    d = round_digits(decimal_for(x, *fraction_digits + 1), *fraction_digits + 1);
  }
  std::string out = sign + d.digits.substr(0, 1);
  if (d.digits.size() > 1) out += "." + d.digits.substr(1);
  return out + exponent_suffix(d.exponent);
}

std::string js_to_precision(double x, int precision) {
  if (!std::isfinite(x)) return js_number_to_string(x);
  const std::string sign = x < 0 ? "-" : "";
  Decimal d = x == 0 ? Decimal{std::string(static_cast<size_t>(precision), '0'), 0}
                     : round_digits(decimal_for(x, precision), precision);
  const int e = d.exponent;
  if (e < -6 || e >= precision) {
    std::string out = sign + d.digits.substr(0, 1);
    if (precision > 1) out += "." + d.digits.substr(1);
    return out + exponent_suffix(e);
  }
  if (e == precision - 1) return sign + d.digits;
  if (e >= 0)
    return sign + d.digits.substr(0, static_cast<size_t>(e + 1)) + "." +
           d.digits.substr(static_cast<size_t>(e + 1));
  return sign + "0." + std::string(static_cast<size_t>(-(e + 1)), '0') + d.digits;
}

namespace {

Result<int> digits_argument(const HelperCall& call, size_t index, int low, int high,
                            std::string_view what) {
  const double n = to_js_number(arg(call, index));
  const double t = std::isnan(n) ? 0 : std::trunc(n);
  if (t < low || t > high)
    return helper_error(std::string(what) + " must be between " + std::to_string(low) + " and " +
                        std::to_string(high) + ", got " + to_js_string(arg(call, index)));
  return static_cast<int>(t);
}

std::string random_text(std::string_view alphabet, size_t length) {
  std::string out;
  out.reserve(length);
  unsigned char byte = 0;
  const unsigned limit = 256 - (256 % alphabet.size());
  while (out.size() < length) {
    if (RAND_bytes(&byte, 1) != 1) {
      std::random_device device;
      byte = static_cast<unsigned char>(device());
    }
    if (byte >= limit) continue;
    out.push_back(alphabet[byte % alphabet.size()]);
  }
  return out;
}

}  // namespace

void add_math_helpers(HelperTable& t) {
  t["abs"] = [](const HelperCall& c) -> Result<Value> {
    return make_number(std::fabs(to_js_number(arg(c, 0))));
  };
  t["add"] = [](const HelperCall& c) -> Result<Value> {
    double total = 0;
    for (double n : numbers_of(c, false)) total += n;
    return make_number(total);
  };
  t["sum"] = [](const HelperCall& c) -> Result<Value> {
    double total = 0;
    for (double n : numbers_of(c, true)) total += n;
    return make_number(total);
  };
  t["avg"] = [](const HelperCall& c) -> Result<Value> {
    const auto numbers = numbers_of(c, true);
    if (numbers.empty()) return helper_error("avg needs at least one number");
    double total = 0;
    for (double n : numbers) total += n;
    return make_number(total / static_cast<double>(numbers.size()));
  };
  t["subtract"] = [](const HelperCall& c) -> Result<Value> {
    return make_number(to_js_number(arg(c, 0)) - to_js_number(arg(c, 1)));
  };
  t["multiply"] = [](const HelperCall& c) -> Result<Value> {
    if (c.args.empty()) return make_number(std::nan(""));
    double product = 1;
    for (double n : numbers_of(c, false)) product *= n;
    return make_number(product);
  };
  t["divide"] = [](const HelperCall& c) -> Result<Value> {
    return make_number(to_js_number(arg(c, 0)) / to_js_number(arg(c, 1)));
  };
  t["modulo"] = [](const HelperCall& c) -> Result<Value> {
    return make_number(std::fmod(to_js_number(arg(c, 0)), to_js_number(arg(c, 1))));
  };
  t["ceil"] = [](const HelperCall& c) -> Result<Value> {
    return make_number(std::ceil(to_js_number(arg(c, 0))));
  };
  t["floor"] = [](const HelperCall& c) -> Result<Value> {
    return make_number(std::floor(to_js_number(arg(c, 0))));
  };
  t["round"] = [](const HelperCall& c) -> Result<Value> {
    // Math.round: halves go towards +Infinity.
    const double x = to_js_number(arg(c, 0));
    const double r = std::floor(x);
    return make_number(x - r >= 0.5 ? r + 1 : r);
  };
  t["toFixed"] = [](const HelperCall& c) -> Result<Value> {
    auto digits = digits_argument(c, 1, 0, 100, "the number of decimal places");
    if (!digits) return digits.error();
    return make_string(js_to_fixed(to_js_number(arg(c, 0)), *digits));
  };
  t["toExponential"] = [](const HelperCall& c) -> Result<Value> {
    std::optional<int> fraction;
    if (!arg(c, 1).undefined) {
      auto digits = digits_argument(c, 1, 0, 100, "the number of fraction digits");
      if (!digits) return digits.error();
      fraction = *digits;
    }
    return make_string(js_to_exponential(to_js_number(arg(c, 0)), fraction));
  };
  t["toPrecision"] = [](const HelperCall& c) -> Result<Value> {
    const double x = to_js_number(arg(c, 0));
    if (arg(c, 1).undefined) return make_string(js_number_to_string(x));
    auto precision = digits_argument(c, 1, 1, 100, "the precision");
    if (!precision) return precision.error();
    return make_string(js_to_precision(x, *precision));
  };
  t["random"] = [](const HelperCall& c) -> Result<Value> {
    const Value& kind = arg(c, 0);
    if (!kind.undefined && kind.json.is_string()) {
      size_t length = 32;
      if (!arg(c, 1).undefined) {
        auto n = digits_argument(c, 1, 0, 100000, "the length");
        if (!n) return n.error();
        length = static_cast<size_t>(*n);
      }
      const std::string_view name = kind.json.get_string();
      if (name == "crypto" || name == "uuid")
        return make_string(random_text("0123456789abcdef", length));
      if (name == "number") return make_string(random_text("0123456789", length));
      if (to_js_number(kind) != to_js_number(kind))
        return helper_error(
            "the first argument must be \"crypto\", \"uuid\" or \"number\" (or a "
            "minimum), got \"" +
            std::string(name) + "\"");
    }
    // {{random min max}}: an integer between min and max, both included.
    const double low = std::ceil(to_js_number(arg(c, 0)));
    const double high = std::floor(to_js_number(arg(c, 1)));
    if (std::isnan(low) || std::isnan(high) || low > high)
      return helper_error(
          "expects a kind (\"crypto\", \"uuid\", \"number\") and a length, or a "
          "minimum and a maximum");
    uint64_t r = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1) r = std::random_device()();
    const double span = high - low + 1;
    return make_number(low + std::floor(static_cast<double>(r >> 11) / 9007199254740992.0 * span));
  };
}

}  // namespace sluice::support::tmpl
