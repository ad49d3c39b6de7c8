#include "sluice/support/formats/xml.hpp"

#include <cctype>
#include <string>

#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/DefaultHandler.h>
#include <Poco/SAX/Locator.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/XML/XMLException.h>

#include "xml_stream_element.hpp"

#include <boost/json/object.hpp>

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

// A limit passed while parsing: thrown out of the handler, caught in xml_to_json.
struct LimitExceeded {
  std::string message;
};

// Builds the JSON value while the parser reports the document.
class Builder final : public Poco::XML::DefaultHandler {
 public:
  explicit Builder(const XmlOptions& options)
      : options_(options), elements_(options.attribute_prefix, options.text_key) {}

  json::value take() { return std::move(root_); }
  const Poco::XML::Locator* locator() const { return locator_; }

  void setDocumentLocator(const Poco::XML::Locator* locator) override { locator_ = locator; }

  void startElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                    const Poco::XML::XMLString& qname,
                    const Poco::XML::Attributes& attributes) override {
    if (elements_.depth() >= options_.max_depth) {
      throw LimitExceeded{"elements are nested more than " + std::to_string(options_.max_depth) +
                          " deep"};
    }
    elements_.start(qname);
    for (int i = 0; i < attributes.getLength(); ++i) {
      count(options_.attribute_prefix.size() + attributes.getQName(i).size() +
            attributes.getValue(i).size());
      elements_.attribute(attributes.getQName(i), attributes.getValue(i));
    }
  }

  void endElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                  const Poco::XML::XMLString&) override {
    if (auto root = elements_.end()) root_ = json::object{{root->first, std::move(root->second)}};
  }

  void characters(const Poco::XML::XMLChar ch[], int start, int length) override {
    if (elements_.depth() == 0 || length <= 0) return;
    count(static_cast<size_t>(length));
    elements_.text(std::string_view(ch + start, static_cast<size_t>(length)));
  }

  void ignorableWhitespace(const Poco::XML::XMLChar[], int, int) override {}

 private:
  // Bounds what entity expansion can produce: the output is never far beyond max_bytes.
  void count(size_t bytes) {
    produced_ += bytes;
    if (produced_ > options_.max_bytes) {
      throw LimitExceeded{"its text expands to more than " + std::to_string(options_.max_bytes) +
                          " bytes"};
    }
  }

  const XmlOptions& options_;
  const Poco::XML::Locator* locator_ = nullptr;
  detail::XmlElementBuilder elements_;
  json::value root_;
  size_t produced_ = 0;
};

std::string position(int line, int column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Poco's messages are Expat's reason followed by " in line L column C": the position is given
// separately (1-based), so only the reason is kept, in lower case as the rest of the message.
std::string reason_of(const std::string& message) {
  std::string reason = message.substr(0, message.rfind(" in line "));
  if (!reason.empty())
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return reason;
}

}  // namespace

Result<json::value> xml_to_json(std::string_view text, const XmlOptions& options) {
  if (text.size() > options.max_bytes) {
    return make_error(Status::kRemoteError, "the XML document is " + std::to_string(text.size()) +
                                                " bytes, more than the limit of " +
                                                std::to_string(options.max_bytes));
  }
  if (detail::trim_xml_space(text).empty()) {
    return make_error(Status::kRemoteError, "the XML document is empty: expected a root element");
  }
  Builder builder(options);
  Poco::XML::SAXParser parser;
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACE_PREFIXES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
  parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
  parser.setContentHandler(&builder);
  try {
    parser.parseMemoryNP(text.data(), text.size());
  } catch (const LimitExceeded& e) {
    const Poco::XML::Locator* at = builder.locator();
    return make_error(Status::kRemoteError,
                      "the XML document is refused at " +
                          (at ? position(at->getLineNumber(), at->getColumnNumber() + 1)
                              : std::string("an unknown position")) +
                          ": " + e.message);
  } catch (const Poco::XML::SAXParseException& e) {
    return make_error(Status::kRemoteError,
                      "XML is not well-formed at " +
                          position(e.getLineNumber(), e.getColumnNumber() + 1) + ": " +
                          reason_of(e.message()));
  } catch (const Poco::Exception& e) {
    return make_error(Status::kRemoteError, "XML is not well-formed: " + e.displayText());
  }
  json::value root = builder.take();
  if (root.is_null()) {
    return make_error(Status::kRemoteError, "the XML document has no root element");
  }
  return root;
}

}  // namespace sluice::support::formats
