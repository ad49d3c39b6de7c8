#include "bench_flow_mapping.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <boost/json.hpp>

namespace sluice::bench {
namespace {

namespace json = boost::json;

const std::map<std::string, std::string, std::less<>> kCurrencyNames = {
    {"USD", "US dollar"}, {"EUR", "euro"}, {"GBP", "pound sterling"}, {"CHF", "Swiss franc"}};

std::string text(const json::value& value) { return std::string(value.as_string()); }

// "2026-01-01T00:01:00Z" as "01.01.2026 01:01" in Europe/Berlin, with the offset of Central
// European Time (UTC+1), which holds until 2026-03-29T01:00:00Z.
std::string berlin_date(const std::string& iso) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s) != 6) {
    throw std::runtime_error("the mock's createdAt " + iso + " is not ISO 8601 UTC");
  }
  const sys_seconds utc = sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
  if (utc >= sys_days{2026y / March / 29} + hours{1}) {
    throw std::runtime_error(
        "expected_mapped_record knows Central European Time only, not the "
        "summer time of " +
        iso);
  }
  const sys_seconds local = utc + hours{1};
  const auto day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss time{local - day};
  return fmt::format("{:02}.{:02}.{:04} {:02}:{:02}", static_cast<unsigned>(date.day()),
                     static_cast<unsigned>(date.month()), static_cast<int>(date.year()),
                     time.hours().count(), time.minutes().count());
}

}  // namespace

const char* const kImportMapping = R"("mappings": [
    {"generate": "id", "dataType": "string", "extract": "$.id"},
    {"generate": "email", "dataType": "string", "extract": "$.customer.email"},
    {"generate": "customerId", "dataType": "string", "extract": "$.customer.id"},
    {"generate": "total", "dataType": "number", "extract": "$.total_price"},
    {"generate": "name", "dataType": "string",
     "extract": "{{record.first_name}} {{record.last_name}}"},
    {"generate": "currency", "dataType": "string", "extract": "$.currency",
     "lookupName": "currencies"},
    {"generate": "created", "dataType": "string", "extract": "$.createdAt",
     "generateDateFormat": "DD.MM.YYYY HH:mm", "generateDateTimezone": "Europe/Berlin"},
    {"generate": "shipTo", "dataType": "object", "mappings": [
      {"generate": "city", "dataType": "string", "extract": "$.shipping.city"},
      {"generate": "country", "dataType": "string", "extract": "$.shipping.country"}]},
    {"generate": "channel", "dataType": "string", "extract": "$.channel", "default": "web"}],
  "lookups": [{"name": "currencies", "map": {"USD": "US dollar", "EUR": "euro",
                                             "GBP": "pound sterling", "CHF": "Swiss franc"}}])";

json::object expected_mapped_record(const json::object& order) {
  const json::object& customer = order.at("customer").as_object();
  const json::object& shipping = order.at("shipping").as_object();
  json::object out;
  out["id"] = order.at("id");
  out["email"] = customer.at("email");
  out["customerId"] = customer.at("id");
  out["total"] = std::strtod(text(order.at("total_price")).c_str(), nullptr);
  out["name"] = text(order.at("first_name")) + " " + text(order.at("last_name"));
  out["currency"] = kCurrencyNames.at(text(order.at("currency")));
  out["created"] = berlin_date(text(order.at("createdAt")));
  out["shipTo"] = json::object{{"city", shipping.at("city")}, {"country", shipping.at("country")}};
  out["channel"] = "web";
  return out;
}

}  // namespace sluice::bench
