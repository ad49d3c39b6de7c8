// /api/media/...: endpoints that speak other media types than JSON, for the HTTP connector's
// media type tests (docs/http.md, "Media types"):
//   GET  /api/media/orders.xml  three orders as XML: attributes, repeated and single elements,
//                               an entity, CDATA and a namespace declaration
//   GET  /api/media/orders.csv  the same orders as CSV (quoted fields, "" escapes, an embedded
//                               line break, CRLF rows)
//   POST /api/media/echo        what arrived: {"contentType":..,"fields":{name:[values..]},
//                               "body":..}, the fields parsed by Poco::Net::HTMLForm (urlencoded
//                               and multipart/form-data) -- an implementation independent of the
//                               plugin's encoder. ?reply=xml answers
//                               <echo><contentType>..</contentType><id>(field id)</id>
//                               <status>created</status></echo> instead.
//   POST /api/media/reject.xml  422 with an XML error body
//   GET  /api/media/error.xml   400 with the same XML error body
// Every reply carries the Content-Type of its body.
#pragma once

#include <optional>
#include <string>

#include <Poco/Net/HTTPServerRequest.h>

#include "sink.hpp"

namespace sluice::tools::mock_api {

// The reply for a request under /api/media/, or nullopt when the path is not one of these.
std::optional<Reply> media_reply(const Poco::Net::HTTPServerRequest& request,
                                 const std::string& path, const std::string& body);

}  // namespace sluice::tools::mock_api
