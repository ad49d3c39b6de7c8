// Mapper 2.0's date conversion: a value read with extractDateFormat in extractDateTimezone and
// written with generateDateFormat in generateDateTimezone, with moment.js tokens and IANA zones
// (the template library's moment code, <sluice/support/template/moment.hpp>).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace date {
class time_zone;
}

namespace sluice::mapper {

class DateConversion {
 public:
  // Any of the four may be empty: no extract format reads ISO 8601 and JavaScript's Date forms
  // (or epoch milliseconds when the value is a number); no zone is UTC; no generate format writes
  // ISO 8601 (YYYY-MM-DDTHH:mm:ss.SSSZ). An unknown zone is an Error naming `where` and the zone.
  static Result<DateConversion> make(std::string extract_format, std::string_view extract_zone,
                                     std::string generate_format, std::string_view generate_zone,
                                     std::string_view where);

  // The converted text, or nullopt when `value` is not a date in the extract format.
  std::optional<std::string> convert(const boost::json::value& value) const;

 private:
  std::string extract_format_;
  std::string generate_format_;
  const date::time_zone* extract_zone_ = nullptr;
  const date::time_zone* generate_zone_ = nullptr;
  bool format_has_offset_ = false;
};

}  // namespace sluice::mapper
