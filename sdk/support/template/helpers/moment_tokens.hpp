// moment.js's token table, shared by moment_format.cpp and moment_parse.cpp (internal).
#pragma once

#include <array>
#include <string_view>

namespace sluice::support::tmpl::moment::detail {

inline constexpr std::array<const char*, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
inline constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                     "Thursday", "Friday", "Saturday"};

inline const char* expansion(std::string_view token) {
  if (token == "LT") return "h:mm A";
  if (token == "LTS") return "h:mm:ss A";
  if (token == "L") return "MM/DD/YYYY";
  if (token == "l") return "M/D/YYYY";
  if (token == "LL") return "MMMM D, YYYY";
  if (token == "ll") return "MMM D, YYYY";
  if (token == "LLL") return "MMMM D, YYYY h:mm A";
  if (token == "lll") return "MMM D, YYYY h:mm A";
  if (token == "LLLL") return "dddd, MMMM D, YYYY h:mm A";
  if (token == "llll") return "ddd, MMM D, YYYY h:mm A";
  return nullptr;
}

inline constexpr std::array<const char*, 60> kTokens = {
    "YYYYYY", "YYYYY", "YYYY", "YY", "Qo",   "Q",    "MMMM", "MMM", "Mo",   "MM",  "M",  "DDDD",
    "DDDo",   "DDD",   "Do",   "DD", "D",    "dddd", "ddd",  "do",  "dd",   "d",   "e",  "E",
    "wo",     "ww",    "w",    "Wo", "WW",   "W",    "gggg", "gg",  "GGGG", "GG",  "A",  "a",
    "HH",     "H",     "hh",   "h",  "kk",   "k",    "mm",   "m",   "ss",   "s",   "ZZ", "Z",
    "X",      "x",     "LTS",  "LT", "LLLL", "LLL",  "LL",   "L",   "llll", "lll", "ll", "l"};

// The token at the start of `rest` ("" for none). Fractional seconds are S…S (1 to 9).
inline std::string_view token_at(std::string_view rest) {
  if (!rest.empty() && rest[0] == 'S') {
    size_t n = 0;
    while (n < rest.size() && n < 9 && rest[n] == 'S') ++n;
    return rest.substr(0, n);
  }
  for (const char* t : kTokens)
    if (rest.starts_with(t)) return rest.substr(0, std::string_view(t).size());
  return {};
}

}  // namespace sluice::support::tmpl::moment::detail
