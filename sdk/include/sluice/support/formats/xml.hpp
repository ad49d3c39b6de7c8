// XML to JSON, as the HTTP connector reads XML responses and the file connectors read XML files:
//
//   <orders count="2"><order id="1"><item>A</item><item>B</item></order></orders>
//   => {"orders": {"@count": "2", "order": {"@id": "1", "item": ["A", "B"]}}}
//
// The convention (docs/http.md, "XML responses"):
//  - the document is an object with one key, the root element's name;
//  - an element with neither attributes nor child elements is its text, a string ("" if empty);
//  - otherwise it is an object: each attribute as "@name" (a string), each child element under
//    its name, and its text (if any) as "#text";
//  - an element name that occurs more than once among its siblings is an array of those
//    elements, in document order; once, it is the element itself;
//  - names are kept as written, prefixes included ("soap:Envelope", "@xmlns:soap");
//  - text is entity-decoded, CDATA sections are text, text pieces around child elements are
//    joined, and text is trimmed of leading and trailing whitespace (whitespace-only text
//    counts as none); comments and processing instructions are dropped;
//  - every value is a string: XML has no numbers or booleans.
//
// Parsed with Poco's SAX parser (Expat), with external entities disabled.
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::support::formats {

struct XmlOptions {
  // Documents longer than this are refused before parsing.
  std::size_t max_bytes = std::size_t{64} << 20;
  // Elements nested deeper than this are refused.
  std::size_t max_depth = 256;
  // Attribute names get this prefix, text beside attributes or children this key.
  std::string_view attribute_prefix = "@";
  std::string_view text_key = "#text";
};

// Converts the XML document `text` (UTF-8, or the encoding its declaration names). Errors are
// kRemoteError (the document is someone else's) with a message naming the line and column and
// what is wrong, e.g. "XML is not well-formed at line 3, column 7: mismatched tag", or the
// limit that was passed.
Result<boost::json::value> xml_to_json(std::string_view text, const XmlOptions& options = {});

}  // namespace sluice::support::formats
