// The streaming XML reader and the XML writer of file.type "xml".
//
// Reader: the records of a file are the elements that file.xml.resourcePath selects, each handed
// to the sink as soon as its end tag is read, so memory is bounded by one record (and the names
// of the elements around it), never by the file. The path is a small subset of XPath:
//
//   /orders/order     the <order> children of the root <orders>  (absolute: from the root)
//   //order           every <order> element at any depth, outside other records
//   //orders/order    every <order> whose parent is an <orders>, at any depth
//   /orders/*         every child of the root; * matches any one name
//   "" or /           the root element itself is the one record
//
// Steps are element names as written in the file, prefixes included ("ns:order"); no
// predicates, attributes, axes, functions, "." or "..". A record is never searched for records:
// with //order, an <order> inside an <order> is part of the outer one.
//
// Each record is its element converted as xml.hpp converts an element (attributes as "@name",
// text beside attributes or children as "#text", repeated children as arrays, trimmed text,
// every value a string), always as an object: an element with text only is {"#text": "..."},
// an empty one {}. Its Origin has the line and column (1-based) of its start tag.
//
// The bytes reaching the reader are UTF-8 (the decoding layer of wrap.hpp converted them from
// file.encoding), so an encoding in the XML declaration is ignored. A document that is not
// well-formed fails write() or finish() with kRemoteError naming the file, line and column and
// what is wrong; so do a record longer than XmlOptions::max_bytes, elements nested deeper than
// XmlOptions::max_depth, and a reference to an external entity (refused; an external DTD is
// never read).
// Internal entities are expanded (Expat bounds their amplification).
//
// Writer: records as
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <root>
//   <record><id>1</id><line sku="A">x</line><line sku="B"/></record>
//   </root>
//
// the inverse of the reader's convention where one exists: a record (an object) is one
// <record> element; in an object, a key "@name" with a string, number or boolean is an attribute,
// "#text" is the element's text (written before its children), an array is one element per
// item under the key's name, an object a child element, a string, number or boolean an element
// with that text (numbers as JSON writes them, true/false), null an empty element. The names of
// the root and record elements are XmlWriterOptions'. The declaration names file.encoding.
// Read back with resourcePath /root/record, a record is what was written when its values are
// strings and its arrays have two items or more (the reader puts "#text" after the children).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "sluice/support/formats/stream.hpp"
#include "sluice/support/formats/xml.hpp"

namespace sluice::support::formats {

// kInvalidConfig (the message below) when `path` is outside the subset above; for
// read_file_options to check file.xml.resourcePath when a resource is applied.
Result<void> check_xml_resource_path(std::string_view path);

// The reader of `file` (its name, for Origins and messages) with options.resource_path, handing
// records to `sink` (which must outlive it). `limits` gives max_bytes (per record), max_depth,
// and the attribute prefix and text key. A resource path outside the subset above is
// kInvalidConfig naming it.
Result<std::unique_ptr<Reader>> make_xml_reader(const FileOptions& options, std::string file,
                                                RecordSink& sink, const XmlOptions& limits = {});

struct XmlWriterOptions {
  std::string root = "root";
  std::string record = "record";
};

// The writer of records as above into `out` (which must outlive it); options.encoding is named
// in the declaration (the bytes are re-encoded by the encoding layer of wrap.hpp). A record
// that is not an object, a key that is not an XML name, an attribute whose value is an object or
// array, or text with a character XML 1.0 cannot hold fails write() with kInvalidConfig naming
// the record and the field; nothing of that record is written.
Result<std::unique_ptr<Writer>> make_xml_writer(const FileOptions& options, ByteSink& out,
                                                const XmlWriterOptions& names = {});

}  // namespace sluice::support::formats
