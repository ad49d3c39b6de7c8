// The payload of a webhook request as JSON, by `webhook.requestMediaType` when set, else by the
// request's Content-Type:
//   json        application/json, */*+json, and a missing Content-Type
//   xml         application/xml, text/xml, */*+xml (support/formats/xml.hpp's convention)
//   urlencoded  application/x-www-form-urlencoded: an object of fields, each a string; a name
//               given more than once is an array of its values, in order
//   plaintext   text/*: {"body": TEXT}
// An empty body is null (no records).
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "serve/http.hpp"
#include "sluice/result.hpp"

namespace sluice::serve::webhook {

// kInvalidConfig for a media type the listener cannot read (csv, or a Content-Type of none of
// the above), kRemoteError for a body that is not what it says it is; messages name the
// media type and, for JSON and XML, where the body is malformed.
Result<boost::json::value> parse_body(const HttpRequest& request,
                                      std::string_view request_media_type);

// application/x-www-form-urlencoded text as above ('+' is a space, %XX a byte).
boost::json::object parse_form(std::string_view text);

}  // namespace sluice::serve::webhook
