// The XML-to-JSON convention of <sluice/support/formats/xml.hpp> (@attr, #text, repeated elements
// as arrays, trimmed text, every value a string) as one converter, fed element events by a parser:
// xml_to_json (a whole document, Poco's SAX parser) and the streaming XML reader (xml_stream.hpp,
// Expat in push mode, one record per matching element) both build their values with it.
//
// Usage: start() for each element's start tag, text() for its character data, end() at its end
// tag; end() of the outermost open element returns that element's name and value. Not
// thread-safe; one document (or record) at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sluice::support::formats::detail {

// `text` without its leading and trailing XML whitespace (space, tab, CR, LF).
std::string_view trim_xml_space(std::string_view text);

class XmlElementBuilder {
 public:
  XmlElementBuilder(std::string_view attribute_prefix, std::string_view text_key)
      : attribute_prefix_(attribute_prefix), text_key_(text_key) {}

  // Opens an element named `name`; attribute() then adds its attributes.
  void start(std::string_view name);
  void attribute(std::string_view name, std::string_view value);
  void text(std::string_view text);
  // Closes the innermost open element. When it was the outermost one, returns its name and its
  // value (a string, or an object of its attributes, children and #text); else nullopt.
  std::optional<std::pair<std::string, boost::json::value>> end();

  // Open elements.
  std::size_t depth() const { return stack_.size(); }

 private:
  struct Frame {
    std::string name;
    boost::json::object object;
    std::string text;
  };

  std::string attribute_prefix_;
  std::string text_key_;
  std::vector<Frame> stack_;
};

}  // namespace sluice::support::formats::detail
