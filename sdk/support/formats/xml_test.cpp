#include "sluice/support/formats/xml.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::support::formats {
namespace {

namespace json = boost::json;

// The conversion as compact JSON text, or "error: <message>".
std::string convert(std::string_view xml, const XmlOptions& options = {}) {
  auto value = xml_to_json(xml, options);
  if (!value) return "error: " + value.error().message;
  return json::serialize(*value);
}

TEST(XmlToJson, LeafElementsAreTheirTextAndTheRootIsTheOnlyKey) {
  EXPECT_EQ(convert("<order><id>7</id><total>9.50</total></order>"),
            R"({"order":{"id":"7","total":"9.50"}})");
}

TEST(XmlToJson, AttributesAreAtKeysAndTextBesideThemIsHashText) {
  EXPECT_EQ(convert(R"(<price currency="EUR" tax="incl">12.00</price>)"),
            R"({"price":{"@currency":"EUR","@tax":"incl","#text":"12.00"}})");
}

TEST(XmlToJson, AnElementWithOnlyAttributesIsAnObjectOfThem) {
  EXPECT_EQ(convert(R"(<line sku="A1" qty="2"/>)"), R"({"line":{"@sku":"A1","@qty":"2"}})");
}

TEST(XmlToJson, RepeatedSiblingsBecomeAnArrayInDocumentOrder) {
  EXPECT_EQ(convert("<o><line>a</line><note>n</note><line>b</line><line>c</line></o>"),
            R"({"o":{"line":["a","b","c"],"note":"n"}})");
}

TEST(XmlToJson, ASingleElementStaysAnObjectNotAOneElementArray) {
  EXPECT_EQ(convert(R"(<orders><order id="1"/></orders>)"), R"({"orders":{"order":{"@id":"1"}}})");
}

TEST(XmlToJson, RepeatedElementsWithChildrenAreArraysOfObjects) {
  EXPECT_EQ(convert(R"(<r><o id="1"><x>1</x></o><o id="2"><x>2</x><x>3</x></o></r>)"),
            R"({"r":{"o":[{"@id":"1","x":"1"},{"@id":"2","x":["2","3"]}]}})");
}

TEST(XmlToJson, EmptyElementsAreEmptyStrings) {
  EXPECT_EQ(convert("<a><b/><c></c><d>  </d></a>"), R"({"a":{"b":"","c":"","d":""}})");
}

TEST(XmlToJson, EntitiesAndCharacterReferencesAreDecoded) {
  EXPECT_EQ(convert(R"(<a t="&quot;x&quot; &amp; y">&lt;b&gt; &#233;&#x263A; &apos;</a>)"),
            "{\"a\":{\"@t\":\"\\\"x\\\" & y\",\"#text\":\"<b> \xC3\xA9\xE2\x98\xBA '\"}}");
}

TEST(XmlToJson, CdataIsTextKeptAsWritten) {
  EXPECT_EQ(convert("<a><![CDATA[<not> & markup]]></a>"), R"({"a":"<not> & markup"})");
}

TEST(XmlToJson, TextIsTrimmedAndPiecesAroundChildrenAreJoined) {
  EXPECT_EQ(convert("<a>\n  one <b>x</b> two\n</a>"), R"({"a":{"b":"x","#text":"one  two"}})");
}

TEST(XmlToJson, NamespacePrefixesAndDeclarationsAreKeptInNames) {
  EXPECT_EQ(convert(R"(<soap:Envelope xmlns:soap="urn:s"><soap:Body><m:r xmlns:m="urn:m">1</m:r>)"
                    R"(</soap:Body></soap:Envelope>)"),
            R"({"soap:Envelope":{"@xmlns:soap":"urn:s","soap:Body":{"m:r":{"@xmlns:m":"urn:m",)"
            R"("#text":"1"}}}})");
}

TEST(XmlToJson, DeclarationCommentsAndProcessingInstructionsAreDropped) {
  EXPECT_EQ(convert("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><a><?pi x?>1<!-- d "
                    "--></a>\n"),
            R"({"a":"1"})");
}

TEST(XmlToJson, ADeclaredLatin1DocumentIsConvertedToUtf8) {
  EXPECT_EQ(convert("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xE9</a>"),
            "{\"a\":\"caf\xC3\xA9\"}");
}

TEST(XmlToJson, OtherPrefixAndTextKeyOptionsAreUsed) {
  EXPECT_EQ(convert(R"(<a k="v">t</a>)", {.attribute_prefix = "_", .text_key = "value"}),
            R"({"a":{"_k":"v","value":"t"}})");
}

TEST(XmlToJson, AMismatchedTagNamesLineAndColumn) {
  EXPECT_EQ(convert("<a>\n  <b>x</c>\n</a>"),
            "error: XML is not well-formed at line 2, column 9: tag mismatch");
}

TEST(XmlToJson, AnUnclosedDocumentIsRefused) {
  EXPECT_EQ(convert("<a><b>x</b>"),
            "error: XML is not well-formed at line 1, column 12: no element found");
}

TEST(XmlToJson, AnUndefinedEntityIsRefused) {
  EXPECT_EQ(convert("<a>&nbsp;</a>"),
            "error: XML is not well-formed at line 1, column 4: undefined entity");
}

TEST(XmlToJson, TextAfterTheRootIsRefused) {
  EXPECT_EQ(convert("<a/><b/>"),
            "error: XML is not well-formed at line 1, column 5: junk after document element");
}

TEST(XmlToJson, JsonIsNotXml) {
  EXPECT_EQ(convert(R"({"a":1})"),
            "error: XML is not well-formed at line 1, column 1: invalid token");
}

TEST(XmlToJson, AnEmptyDocumentIsRefused) {
  EXPECT_EQ(convert(" \n"), "error: the XML document is empty: expected a root element");
}

TEST(XmlToJson, NestingDeeperThanTheLimitIsRefused) {
  std::string deep;
  for (int i = 0; i < 5; ++i) deep += "<a>";
  for (int i = 0; i < 5; ++i) deep += "</a>";
  EXPECT_EQ(convert(deep, {.max_depth = 5}), R"({"a":{"a":{"a":{"a":{"a":""}}}}})");
  EXPECT_EQ(convert(deep, {.max_depth = 4}),
            "error: the XML document is refused at line 1, column 13: elements are nested more "
            "than 4 deep");
}

TEST(XmlToJson, ADocumentLongerThanTheLimitIsRefusedBeforeParsing) {
  EXPECT_EQ(convert("<a>12345</a>", {.max_bytes = 11}),
            "error: the XML document is 12 bytes, more than the limit of 11");
}

TEST(XmlToJson, EntityExpansionIsBoundedByTheSizeLimit) {
  std::string doc = "<!DOCTYPE a [<!ENTITY x \"0123456789\">]><a>";
  for (int i = 0; i < 20; ++i) doc += "&x;";
  doc += "</a>";
  auto value = xml_to_json(doc, {.max_bytes = 150});
  ASSERT_FALSE(value);
  EXPECT_NE(value.error().message.find("its text expands to more than 150 bytes"),
            std::string::npos)
      << value.error().message;
}

TEST(XmlToJson, ExternalEntitiesAreRefusedNotLoaded) {
  EXPECT_EQ(convert("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><a>[&x;]</a>"),
            "error: XML is not well-formed at line 1, column 61: error in processing external "
            "entity reference");
}

}  // namespace
}  // namespace sluice::support::formats

namespace sluice::support::formats {
namespace {

// Every prefix of a document that uses each construct either converts or is refused with a
// position; none crashes (the ASan build runs this) or converts to something without a root.
TEST(XmlToJson, EveryTruncationOfADocumentIsConvertedOrRefusedWithAPosition) {
  const std::string doc =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e \"x\">]>\n<r a=\"1\" b='&amp;'>"
      "<c>t&e;&#65;</c><![CDATA[d]]><!-- c --><?p i?><n:x xmlns:n=\"u\"/><c/></r>";
  size_t converted = 0;
  for (size_t n = 0; n <= doc.size(); ++n) {
    auto value = xml_to_json(std::string_view(doc).substr(0, n));
    if (value) {
      ++converted;
      EXPECT_TRUE(value->is_object() && value->as_object().size() == 1) << n;
    } else {
      const std::string& m = value.error().message;
      EXPECT_TRUE(m.find("at line ") != std::string::npos ||
                  m.find("is empty") != std::string::npos)
          << n << ": " << m;
    }
  }
  EXPECT_EQ(converted, 1u);  // only the whole document
}

}  // namespace
}  // namespace sluice::support::formats
