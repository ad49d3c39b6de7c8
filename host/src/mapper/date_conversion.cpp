#include "mapper/date_conversion.hpp"

#include <chrono>

#include <date/tz.h>
#include <boost/json.hpp>

#include "sluice/support/template/moment.hpp"

namespace sluice::mapper {
namespace {

namespace moment = sluice::support::tmpl::moment;

// True when the moment format carries the instant's offset or is an epoch (Z, ZZ, X, x outside
// [literal] text): then the text fixes the instant and the extract zone does not apply.
bool has_offset_token(std::string_view format) {
  bool literal = false;
  for (char c : format) {
    if (c == '[')
      literal = true;
    else if (c == ']')
      literal = false;
    else if (!literal && (c == 'Z' || c == 'X' || c == 'x'))
      return true;
  }
  return false;
}

}  // namespace

Result<DateConversion> DateConversion::make(std::string extract_format,
                                            std::string_view extract_zone,
                                            std::string generate_format,
                                            std::string_view generate_zone,
                                            std::string_view where) {
  DateConversion conversion;
  auto from = moment::zone(extract_zone);
  if (!from)
    return make_error(Status::kInvalidConfig,
                      std::string(where) + ".extractDateTimezone: " + from.error().message);
  auto to = moment::zone(generate_zone);
  if (!to)
    return make_error(Status::kInvalidConfig,
                      std::string(where) + ".generateDateTimezone: " + to.error().message);
  conversion.extract_zone_ = *from;
  conversion.generate_zone_ = *to;
  conversion.format_has_offset_ = has_offset_token(extract_format);
  conversion.extract_format_ = std::move(extract_format);
  conversion.generate_format_ = std::move(generate_format);
  return conversion;
}

std::optional<std::string> DateConversion::convert(const boost::json::value& value) const {
  std::optional<moment::Millis> instant;
  bool text_had_offset = true;
  if (value.is_number()) {
    const double ms = value.to_number<double>();
    if (!(ms > -static_cast<double>(moment::kMaxMillis) &&
          ms < static_cast<double>(moment::kMaxMillis)))
      return std::nullopt;
    instant = moment::Millis(std::chrono::milliseconds(static_cast<long long>(ms)));
  } else if (value.is_string()) {
    const std::string_view text = value.get_string();
    if (extract_format_.empty()) {
      instant = moment::parse_auto(text);
      // parse_auto reads a time without offset as UTC; it is a local time of the extract zone
      // when the text names no offset (no Z, no +hh:mm after the time).
      const std::size_t t = text.find_first_of("T ");
      text_had_offset =
          t != std::string_view::npos && text.find_first_of("Z+-", t) != std::string_view::npos;
      if (t == std::string_view::npos) text_had_offset = false;
    } else {
      const int year = static_cast<int>(
          date::year_month_day(date::floor<date::days>(std::chrono::system_clock::now())).year());
      instant = moment::parse_with(text, extract_format_, year);
      text_had_offset = format_has_offset_;
    }
    if (instant && !text_had_offset && extract_zone_ != nullptr) {
      const date::local_time<std::chrono::milliseconds> local{instant->time_since_epoch()};
      try {
        instant = extract_zone_->to_sys(local, date::choose::earliest);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
  }
  if (!instant) return std::nullopt;
  if (generate_format_.empty()) return moment::iso(*instant, generate_zone_);
  return moment::format(*instant, generate_zone_, generate_format_);
}

}  // namespace sluice::mapper
