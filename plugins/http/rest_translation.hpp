// integrator.io's legacy REST resources — connections of `type: "rest"` with a `rest{}` object,
// exports and imports of adaptorType RESTExport / RESTImport — read as the HTTP connector's own
// settings (docs/http.md, "Legacy REST resources"). One table (rest_settings()) says, for every
// rest.* setting, the http.* setting it is and how its value maps; from it come the rest
// connector's schemas (rest_connection_schema() ...) and the translation of a document
// (translate_rest()), so the two cannot disagree.
//
// A rest.* setting whose http.* counterpart is not implemented yet (declared unsupported in
// settings.cpp), or has none, is declared unsupported: a document setting it is refused at apply
// as "not supported yet", as for http. A rest value mapping to an http value that is not
// implemented (e.g. rest.pagingMethod "skipargument" → http.paging.method "skip") is refused the
// same way. Once the http setting is implemented, the rest one works with no change here.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "sluice/result.hpp"
#include "sluice/schema.hpp"

namespace sluice::plugins::http {

enum class RestKind { kConnection, kExport, kImport };

// How a rest value becomes the http one.
enum class RestConvert {
  kSame,          // the value as it is (enum values through `values`)
  kFirstOfArray,  // an import's per-request array: one entry is the value (more: composite)
  kWrapInArray,   // one string becomes a one-element array (rest.lastPageValue)
  kPageArgument,  // a query parameter name: written into http.relativeURI (see the .cpp)
};

struct RestSetting {
  RestKind kind;
  std::string rest;  // "rest.baseURI"
  std::string http;  // "http.baseURI"; empty: no http equivalent (always refused)
  RestConvert convert = RestConvert::kSame;
  // For an enum: each rest value and the http value it is ("" : none, refused).
  std::vector<std::pair<std::string, std::string>> values;
};

// Every rest.* setting Sluice knows, by kind, in form order.
const std::vector<RestSetting>& rest_settings();

// The settings of the "rest" connector: each rest.* field declared with the type, label and
// secrecy of its http.* counterpart and help saying what it is read as; unsupported as above.
Schema rest_connection_schema();
Schema rest_export_schema();
Schema rest_import_schema();

// The http document `doc` (a rest connection, RESTExport or RESTImport) stands for: the same
// document with `rest` replaced by `http` (each setting moved and its value mapped by the
// table), type "http" / adaptorType "HTTPExport" / "HTTPImport", and "connection.rest.X" in
// every template rewritten to the http path of X. kInvalidConfig naming the rest.* path and
// what to do for a setting the table does not know, an unsupported value, or a composite import
// (several methods) while http.method takes one.
Result<boost::json::object> translate_rest(const boost::json::object& doc, RestKind kind);

// `error` with, when its message names http.* settings of `kind` that stand for rest.* ones, the
// rest names appended: "... (in this legacy REST connection, http.baseURI is rest.baseURI)". For
// errors the HTTP code returns about a translated document.
Error with_rest_names(Error error, RestKind kind);

}  // namespace sluice::plugins::http
