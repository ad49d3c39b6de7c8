// Records as JSON text, the way JavaScript's JSON.stringify writes them: the text the host sends
// to imports and hooks for a record a step changed, and that `sluice flow test` shows. The same
// as Boost.JSON's serializer except for numbers: a double is written as JavaScript writes it
// (744.12, 1e+21, 5e-7), not in Boost.JSON 1.81's exponent form (7.4412E2), which is valid JSON
// but not what an integrator — or a destination that compares text — expects. Hand-written
// (~80 lines) because Boost.JSON 1.81 has no option for its number format.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace sluice::runtime {

// Appends `value` as compact JSON to `out`.
void append_record_json(std::string& out, const boost::json::value& value);

// At least the length of append_record_json's text for `value`, at most 25 bytes more per double
// (a double's text is at most 24 bytes): exact for everything but doubles, found without writing
// the text. What the record and page size limits check first (pipeline.cpp), so that a record a
// step changed is not serialized just to be measured.
size_t record_json_size_bound(const boost::json::value& value) noexcept;

inline std::string record_json(const boost::json::value& value) {
  std::string out;
  append_record_json(out, value);
  return out;
}

}  // namespace sluice::runtime
