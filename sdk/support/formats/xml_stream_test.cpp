#include "xml_stream.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sluice/support/formats/xml.hpp"
#include "wrap_test_support.hpp"

namespace sluice::support::formats {
namespace {

namespace json = boost::json;
using ::testing::ElementsAre;
using testing::run_tool;
using ::testing::StartsWith;
using testing::BytesSink;
using testing::TextRecords;

struct Parsed {
  std::vector<std::string> records;  // "line:column {json}"
  std::string error;
};

Parsed parse(std::string_view xml, std::string path, std::vector<size_t> splits = {},
             const XmlOptions& limits = {}) {
  TextRecords sink;
  FileOptions options;
  options.type = FileType::kXml;
  options.resource_path = std::move(path);
  auto reader = make_xml_reader(options, "orders.xml", sink, limits);
  Parsed out;
  if (!reader) {
    out.error = reader.error().message;
    return out;
  }
  splits.push_back(xml.size());
  size_t from = 0;
  for (size_t to : splits) {
    if (auto written = (*reader)->write(xml.substr(from, to - from)); !written) {
      out.error = written.error().message;
      break;
    }
    from = to;
  }
  if (out.error.empty()) {
    if (auto finished = (*reader)->finish(); !finished) out.error = finished.error().message;
  }
  out.records = sink.lines;
  return out;
}

const std::string kOrders =
    "<?xml version=\"1.0\"?>\n"
    "<orders count=\"2\">\n"
    "  <order id=\"1\"><item>A</item><item>B</item></order>\n"
    "  <order id=\"2\"><item>C</item><note>gift</note></order>\n"
    "  <summary>2 orders</summary>\n"
    "</orders>\n";

TEST(XmlStreamReader, AnAbsolutePathSelectsTheRootsChildrenOfThatName) {
  EXPECT_THAT(parse(kOrders, "/orders/order").records,
              ElementsAre(R"(3:3 {"@id":"1","item":["A","B"]})",
                          R"(4:3 {"@id":"2","item":"C","note":"gift"})"));
}

TEST(XmlStreamReader, ARecordIsItsElementConvertedAsXmlToJsonConvertsIt) {
  const std::string element =
      "<order id=\"1\" xmlns:x=\"u\">one <x:line sku=\"a\">t</x:line><line/>"
      "<![CDATA[<c>]]> &amp; &#233;<line>2</line></order>";
  auto whole = xml_to_json(element);
  ASSERT_TRUE(whole);
  Parsed parsed = parse("<r>" + element + "</r>", "/r/order");
  ASSERT_EQ(parsed.records.size(), 1u);
  EXPECT_EQ(parsed.records[0], "1:4 " + json::serialize(whole->at("order")));
}

TEST(XmlStreamReader, DoubleSlashFindsTheElementsAtAnyDepthOutsideOtherRecords) {
  const std::string xml =
      "<a><order n=\"1\"><order n=\"inner\"/></order><b><c><order n=\"2\"/></c></b>"
      "<orders><order n=\"3\"/></orders></a>";
  EXPECT_THAT(parse(xml, "//order").records,
              ElementsAre(R"(1:4 {"@n":"1","order":{"@n":"inner"}})", R"(1:49 {"@n":"2"})",
                          R"(1:79 {"@n":"3"})"));
  EXPECT_THAT(parse(xml, "//orders/order").records, ElementsAre(R"(1:79 {"@n":"3"})"));
  EXPECT_THAT(parse(xml, "//c/*").records, ElementsAre(R"(1:49 {"@n":"2"})"));
}

TEST(XmlStreamReader, AStarStepMatchesAnyName) {
  EXPECT_THAT(
      parse(kOrders, "/orders/*").records,
      ElementsAre(R"(3:3 {"@id":"1","item":["A","B"]})",
                  R"(4:3 {"@id":"2","item":"C","note":"gift"})", R"(5:3 {"#text":"2 orders"})"));
}

TEST(XmlStreamReader, WithoutAPathTheRootIsTheOneRecord) {
  EXPECT_THAT(parse("<a x=\"1\"><b>2</b></a>", "").records,
              ElementsAre(R"(1:1 {"@x":"1","b":"2"})"));
  EXPECT_THAT(parse("<a/>", "/").records, ElementsAre("1:1 {}"));
}

TEST(XmlStreamReader, TextOnlyAndEmptyElementsAreObjects) {
  EXPECT_THAT(parse("<r><id>7</id><id/><id>  </id></r>", "/r/id").records,
              ElementsAre(R"(1:4 {"#text":"7"})", "1:14 {}", "1:19 {}"));
}

TEST(XmlStreamReader, APathThatMatchesNothingGivesNoRecords) {
  Parsed parsed = parse(kOrders, "/order");
  EXPECT_EQ(parsed.error, "");
  EXPECT_TRUE(parsed.records.empty());
}

TEST(XmlStreamReader, PathsOutsideTheSubsetAreRefusedNamingThem) {
  for (const char* path : {"orders/order", "/orders/order[1]", "/orders/@id", "/a//b", "/a/",
                           "/a/../b", "//child::a", "/a/text()"}) {
    EXPECT_THAT(
        parse(kOrders, path).error,
        StartsWith("file.xml.resourcePath \"" + std::string(path) + "\" is not supported ("));
  }
  EXPECT_EQ(parse(kOrders, "/orders/order[1]").error,
            "file.xml.resourcePath \"/orders/order[1]\" is not supported (only element names and "
            "* are steps): use an absolute path of element names such as /orders/order, or "
            "//order for those elements at any depth");
}

TEST(XmlStreamReader, TheResourcePathCanBeCheckedBeforeAnyFile) {
  EXPECT_TRUE(check_xml_resource_path("//order"));
  EXPECT_TRUE(check_xml_resource_path(""));
  auto refused = check_xml_resource_path("/a/@id");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, Status::kInvalidConfig);
  EXPECT_EQ(refused.error().message, parse("<a/>", "/a/@id").error);
}

TEST(XmlStreamReader, EachRecordIsHandedOutWhenItsElementCloses) {
  TextRecords sink;
  FileOptions options;
  options.resource_path = "/orders/order";
  auto reader = make_xml_reader(options, "orders.xml", sink);
  ASSERT_TRUE(reader);
  const size_t first_end = kOrders.find("</order>") + 8;
  ASSERT_TRUE((*reader)->write(std::string_view(kOrders).substr(0, first_end - 1)));
  EXPECT_EQ(sink.lines.size(), 0u);
  ASSERT_TRUE((*reader)->write(std::string_view(kOrders).substr(first_end - 1, 1)));
  EXPECT_EQ(sink.lines.size(), 1u);
  ASSERT_TRUE((*reader)->write(std::string_view(kOrders).substr(first_end)));
  EXPECT_EQ(sink.lines.size(), 2u);
  ASSERT_TRUE((*reader)->finish());
  EXPECT_EQ(sink.files, (std::vector<std::string>{"orders.xml", "orders.xml"}));
}

TEST(XmlStreamReader, ADocumentSplitAtEveryOffsetGivesTheSameRecords) {
  const std::string xml =
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"ee\">]><r><o a=\"&amp;\">t&e;&#x263A;"
      "<![CDATA[x]]><!-- c --><?p?>\u00e9</o><o/></r>";
  const Parsed whole = parse(xml, "/r/o");
  ASSERT_EQ(whole.error, "");
  ASSERT_EQ(whole.records.size(), 2u);
  for (size_t split = 0; split <= xml.size(); ++split) {
    Parsed parsed = parse(xml, "/r/o", {split});
    EXPECT_EQ(parsed.error, "") << split;
    EXPECT_EQ(parsed.records, whole.records) << split;
  }
}

TEST(XmlStreamReader, NotWellFormedNamesTheFileLineAndColumn) {
  Parsed parsed = parse("<orders>\n  <order><id>1</id></order>\n  <order>x</ordr>\n</orders>",
                        "/orders/order", {20});
  EXPECT_EQ(parsed.error, "orders.xml is not well-formed XML at line 3, column 13: mismatched tag");
  EXPECT_THAT(parsed.records, ElementsAre(R"(2:3 {"id":"1"})"));
  EXPECT_EQ(parse("<orders><order/>", "//order").error,
            "orders.xml is not well-formed XML at line 1, column 17: no element found");
  EXPECT_EQ(parse("", "//order").error,
            "orders.xml is not well-formed XML at line 1, column 1: no element found");
  EXPECT_EQ(parse("id,name\n1,2\n", "//order").error,
            "orders.xml is not well-formed XML at line 1, column 1: syntax error");
}

TEST(XmlStreamReader, TheDeclaredEncodingIsIgnoredTheBytesAreUtf8) {
  EXPECT_THAT(
      parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><o>caf\u00e9</o></r>", "/r/o")
          .records,
      ElementsAre("1:47 {\"#text\":\"caf\u00e9\"}"));
}

TEST(XmlStreamReader, ExternalEntitiesAreRefusedNotLoaded) {
  EXPECT_EQ(
      parse("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><r><o>&x;</o></r>", "/r/o")
          .error,
      "orders.xml is not well-formed XML at line 1, column 63: error in processing external "
      "entity reference");
}

TEST(XmlStreamReader, NestingDeeperThanTheLimitIsRefused) {
  std::string deep;
  for (int i = 0; i < 6; ++i) deep += "<a>";
  for (int i = 0; i < 6; ++i) deep += "</a>";
  EXPECT_EQ(parse(deep, "/a/a", {}, {.max_depth = 6}).error, "");
  EXPECT_EQ(parse(deep, "/a/a", {}, {.max_depth = 5}).error,
            "orders.xml: the XML is refused at line 1, column 16: elements are nested more than 5 "
            "deep");
}

TEST(XmlStreamReader, ARecordLongerThanTheLimitIsRefusedAndShorterOnesAreNot) {
  const std::string xml = "<r><o>12345</o><o>1234567890123</o></r>";
  Parsed parsed = parse(xml, "/r/o", {}, {.max_bytes = 10});
  EXPECT_THAT(parsed.records, ElementsAre(R"(1:4 {"#text":"12345"})"));
  EXPECT_EQ(parsed.error,
            "orders.xml: the XML is refused at line 1, column 19: record 2 is longer than 10 "
            "bytes");
}

TEST(XmlStreamReader, EntityExpansionIsBoundedPerRecord) {
  std::string doc = "<!DOCTYPE r [<!ENTITY x \"0123456789\">]><r><o>";
  for (int i = 0; i < 20; ++i) doc += "&x;";
  doc += "</o></r>";
  EXPECT_THAT(parse(doc, "/r/o", {}, {.max_bytes = 150}).error,
              ::testing::HasSubstr("record 1 is longer than 150 bytes"));
}

TEST(XmlStreamReader, ASinkErrorStopsTheReaderWithThatError) {
  class Refusing final : public RecordSink {
   public:
    Result<void> record(json::value, const Origin& where) override {
      return make_error(Status::kCancelled, "stop at " + std::to_string(where.record));
    }
    Result<void> bad_record(Error, const Origin&) override { return {}; }
  } sink;
  FileOptions options;
  options.resource_path = "/orders/order";
  auto reader = make_xml_reader(options, "orders.xml", sink);
  ASSERT_TRUE(reader);
  auto written = (*reader)->write(kOrders);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "stop at 1");
  EXPECT_EQ((*reader)->finish().error().message, "stop at 1");
}

// --- writer ---

Result<std::string> write_xml(const std::vector<std::string>& records,
                              const XmlWriterOptions& names = {},
                              Encoding encoding = Encoding::kUtf8) {
  BytesSink out;
  FileOptions options;
  options.type = FileType::kXml;
  options.encoding = encoding;
  auto writer = make_xml_writer(options, out, names);
  if (!writer) return writer.error();
  for (const std::string& record : records) {
    if (auto written = (*writer)->write(json::parse(record)); !written) return written.error();
  }
  if (auto finished = (*writer)->finish(); !finished) return finished.error();
  return out.bytes();
}

TEST(XmlWriter, WritesRecordsUnderARootInTheDocumentedConvention) {
  auto xml = write_xml(
      {R"({"id":1,"ok":true,"none":null,"@kind":"web","line":[{"@sku":"A","#text":"x"},{"@sku":"B"}],"ship":{"city":"K\u00f6ln & <Co>"}})",
       R"({"note":"a \"q\"\nb","@q":"\"<&>\"\n"})", "{}"});
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(*xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root>\n"
            "<record kind=\"web\"><id>1</id><ok>true</ok><none/><line sku=\"A\">x</line>"
            "<line sku=\"B\"/><ship><city>K\u00f6ln &amp; &lt;Co&gt;</city></ship></record>\n"
            "<record q=\"&quot;&lt;&amp;&gt;&quot;&#10;\"><note>a \"q\"\nb</note></record>\n"
            "<record/>\n"
            "</root>\n");
}

TEST(XmlWriter, XmllintAcceptsWhatItWrites) {
  auto xml = write_xml({R"({"id":"1","@a":"x\ty","t":{"#text":"&","@b":"<"},"l":["1","2"]})",
                        R"({"ns:name":"v","_x.y-z":""})"},
                       {.root = "orders", .record = "order"});
  ASSERT_TRUE(xml);
  EXPECT_EQ(run_tool("xmllint --noout - && echo valid", *xml), "valid\n");
  auto latin1 = write_xml({R"({"city":"K\u00f6ln"})"}, {}, Encoding::kIso88591);
  ASSERT_TRUE(latin1);
  EXPECT_EQ(latin1->substr(0, 44), "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
}

TEST(XmlWriter, WhatItWritesReadsBackAsTheSameRecords) {
  const std::vector<std::string> records = {
      R"({"@id":"1","item":["A","B"],"ship":{"@to":"x","city":"K\u00f6ln","#text":"home"}})",
      R"({"#text":"only text"})", R"({"a":{"b":{"c":"deep"}}})"};
  auto xml = write_xml(records);
  ASSERT_TRUE(xml);
  Parsed parsed = parse(*xml, "/root/record");
  ASSERT_EQ(parsed.error, "");
  ASSERT_EQ(parsed.records.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(parsed.records[i].substr(parsed.records[i].find(' ') + 1),
              json::serialize(json::parse(records[i])));
  }
}

TEST(XmlWriter, WhatCannotBeXmlIsRefusedNamingTheRecordAndField) {
  EXPECT_EQ(write_xml({"{}", R"({"a b":1})"}).error().message,
            "record 2 cannot be written as XML: its field record.a b is not a valid XML element "
            "name");
  EXPECT_EQ(write_xml({R"({"l":[[1]]})"}).error().message,
            "record 1 cannot be written as XML: its field record.l[0] is an array in an array, "
            "which XML cannot hold");
  EXPECT_EQ(write_xml({R"({"@a":{"x":1}})"}).error().message,
            "record 1 cannot be written as XML: its field record.@a is an attribute whose value is "
            "an object or array");
  EXPECT_EQ(write_xml({R"({"t":"bell\u0007"})"}).error().message,
            "record 1 cannot be written as XML: its field record.t holds the control character "
            "U+0007, which XML 1.0 cannot hold");
  EXPECT_EQ(write_xml({"[1]"}).error().message,
            "record 1 cannot be written as XML: it is not an object");
  EXPECT_EQ(write_xml({}, {.root = "1x"}).error().message,
            "the XML root and record element names \"1x\" and \"record\" must be XML names");
}

}  // namespace
}  // namespace sluice::support::formats
