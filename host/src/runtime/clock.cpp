#include "runtime/clock.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace sluice::runtime {

std::string now_iso8601() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(system_clock::to_time_t(now)), ms);
}

std::string iso8601_from_ms(int64_t ms) {
  const int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const auto t = static_cast<std::time_t>(seconds);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(t), ms - seconds * 1000);
}

std::optional<int64_t> ms_from_iso8601(std::string_view text) {
  const std::string s(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, used = 0;
  std::tm tm{};
  int64_t millis = 0, offset_minutes = 0;
  size_t rest = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &used) != 3 || used != 10)
    return std::nullopt;
  rest = 10;
  if (rest < s.size()) {
    if (s[rest] != 'T' && s[rest] != 't' && s[rest] != ' ') return std::nullopt;
    if (std::sscanf(s.c_str() + rest + 1, "%2d:%2d:%2d%n", &hour, &minute, &second, &used) != 3 ||
        used != 8)
      return std::nullopt;
    rest += 9;
    if (rest < s.size() && s[rest] == '.') {
      size_t digits = 0;
      for (++rest; rest < s.size() && std::isdigit(static_cast<unsigned char>(s[rest])); ++rest) {
        if (digits++ < 3) millis = millis * 10 + (s[rest] - '0');
      }
      if (digits == 0) return std::nullopt;
      for (; digits < 3; ++digits) millis *= 10;
    }
    if (rest == s.size()) return std::nullopt;  // a time needs its zone
    if (s[rest] == 'Z' || s[rest] == 'z') {
      ++rest;
    } else if (s[rest] == '+' || s[rest] == '-') {
      int oh = 0, om = 0;
      if (std::sscanf(s.c_str() + rest + 1, "%2d:%2d%n", &oh, &om, &used) != 2 || used != 5 ||
          oh > 23 || om > 59)
        return std::nullopt;
      offset_minutes = (s[rest] == '+' ? 1 : -1) * (oh * 60 + om);
      rest += 6;
    }
    if (rest != s.size()) return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm);
  if (tm.tm_mday != day) return std::nullopt;  // e.g. February 30th, normalised by timegm
  return static_cast<int64_t>(t) * 1000 + millis - offset_minutes * 60'000;
}

std::string new_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return fmt::format("{:016x}{:08x}", engine(), static_cast<uint32_t>(engine()));
}

}  // namespace sluice::runtime
