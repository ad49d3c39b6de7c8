// Internal to the conformance kit: documents with bad settings, and the verdict on how a
// connector answered one.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "check_context.hpp"

namespace sluice::testing::detail {

// The schema text parsed, or an empty object when it is not a JSON object.
boost::json::object parse_schema(const char* text);

// Names of the root properties the schema requires ("" when none), e.g. "http, name".
std::string required_names(const boost::json::object& schema);

// A document of `base` plus the first root property of `schema` (other than those in `base`)
// given a value of the wrong type; `described` says which ("$.http = 42 where the schema
// declares an object"). Empty `described` when the schema has no such property.
boost::json::object wrong_typed(const boost::json::object& schema, boost::json::object base,
                                std::string& described);

// The verdict on opening `what` with bad settings: SLUICE_INVALID_CONFIG with a message passes;
// SLUICE_OK passes only when `may_accept`; anything else fails, quoting the plugin.
CheckResult judge_refusal(const CallOutcome& outcome, const std::string& what, bool may_accept,
                          const std::string& why_refuse);

}  // namespace sluice::testing::detail
