// The import mapping of sluice-bench --mapping (issue 9): a Mapper 2.0 mapping of 10 fields on
// the reference flow's HTTP import, and what it must make of an order, computed without the
// mapper.
#pragma once

#include <boost/json/object.hpp>

namespace sluice::bench {

// The import's "mappings" and "lookups" members, as JSON text to put inside the import document:
// plain extracts (id, email, customerId, shipTo.city, shipTo.country), a number conversion
// (total from total_price), a handlebars concatenation (name), a static lookup (currency), a
// nested object (shipTo), a date conversion (created, ISO 8601 UTC to "DD.MM.YYYY HH:mm" in
// Europe/Berlin) and a default (channel, which no order has).
extern const char* const kImportMapping;

// The record kImportMapping makes of `order` (an order of the mock API). Throws
// std::runtime_error for an order created in or after the summer time of 2026 (the expected
// date is written for Central European Time only: the content check's orders are from
// 1-2 January 2026).
boost::json::object expected_mapped_record(const boost::json::object& order);

}  // namespace sluice::bench
