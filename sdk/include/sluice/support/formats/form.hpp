// Request bodies built from a record, for HTTP APIs that take forms:
//
//   {"name": "Ada Lovelace", "tags": ["a", "b"], "vip": true}
//   urlencoded: name=Ada+Lovelace&tags=a&tags=b&vip=true
//   multipart:  one form-data part per value, in the same order
//
// A field's value may be a string (sent as is), a number or boolean (as its JSON text), null
// (an empty value) or an array of those (one entry per element, as HTML forms repeat a name).
// A nested object, or an array holding one, has no standard form encoding: it is refused,
// naming the field, rather than flattened in one of the several incompatible ways in use.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::support::formats {

// application/x-www-form-urlencoded (the WHATWG URL standard's serializer: space as '+',
// everything but A-Z a-z 0-9 * - . _ as %XX). `record` must be an object; kInvalidConfig
// otherwise, or for a field holding an object, e.g. "field 'address' is an object: a form body
// holds only flat fields; map it to flat fields (address_city, ...) or write http.body".
Result<std::string> to_urlencoded(const boost::json::value& record);

struct MultipartBody {
  std::string body;
  std::string content_type;  // "multipart/form-data; boundary=<boundary>"
};

// multipart/form-data (RFC 7578): one part per value with Content-Disposition: form-data;
// name="<field>" (a " CR or LF in a name sent as %22 %0D %0A, as browsers do). The same
// refusals as to_urlencoded(). `boundary` empty: a random one (32 hex digits after "sluice-")
// that occurs in no value; given (tests): used as it is, and refused if a value contains it.
Result<MultipartBody> to_multipart(const boost::json::value& record,
                                   std::string_view boundary = {});

}  // namespace sluice::support::formats
