#include "x12.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::support::formats {
namespace {

namespace json = boost::json;

// Every record and error as one line of text: "record L:C {json}" or "error L:C message".
class Collect final : public RecordSink {
 public:
  Result<void> record(json::value record, const Origin& where) override {
    lines.push_back("record " + std::to_string(where.record) + " at " + std::to_string(where.line) +
                    ":" + std::to_string(where.column) + " " + json::serialize(record));
    records.push_back(std::move(record));
    return {};
  }
  Result<void> bad_record(Error error, const Origin& where) override {
    lines.push_back("error " + std::to_string(where.record) + " at " + std::to_string(where.line) +
                    ":" + std::to_string(where.column) + " " + error.message);
    return {};
  }
  std::vector<std::string> lines;
  std::vector<json::value> records;
};

class Bytes final : public ByteSink {
 public:
  Result<void> write(std::string_view bytes) override {
    text.append(bytes);
    return {};
  }
  std::string text;
};

// An ISA segment with the given delimiters (element, ISA11, ISA16, terminator) and ISA13.
std::string isa(char e = '*', char repetition = 'U', char component = '>', char terminator = '~',
                const std::string& control = "000000001") {
  std::string s = "ISA";
  for (std::string value :
       {std::string("00"), std::string(10, ' '), std::string("00"), std::string(10, ' '),
        std::string("ZZ"), std::string("SENDER         "), std::string("ZZ"),
        std::string("RECEIVER       "), std::string("240101"), std::string("1200"),
        std::string(1, repetition), std::string(repetition == 'U' ? "00401" : "00501"), control,
        std::string("0"), std::string("P"), std::string(1, component)}) {
    s += e;
    s += value;
  }
  s += terminator;
  return s;
}

// One interchange with one group of two purchase orders, each segment followed by `br`.
std::string sample(const std::string& br = "\n") {
  return isa() + br + "GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~" + br + "ST*850*0001~" + br +
         "BEG*00*SA*PO1**20240101~" + br + "PO1*1*2*EA*9.5**VP*A>B~" + br + "SE*4*0001~" + br +
         "ST*850*0002~" + br + "BEG*00*SA*PO2**20240102~" + br + "SE*3*0002~" + br + "GE*2*1~" +
         br + "IEA*1*000000001~" + br;
}

Result<void> read_all(std::string_view text, Collect& sink, std::size_t split = 0,
                      X12Limits limits = {}) {
  auto reader = make_x12_reader({}, "po.x12", sink, limits);
  if (!reader) return reader.error();
  if (split > 0 && split < text.size()) {
    if (auto r = (*reader)->write(text.substr(0, split)); !r) return r;
    text.remove_prefix(split);
  }
  if (auto r = (*reader)->write(text); !r) return r;
  return (*reader)->finish();
}

std::string read_lines(std::string_view text, X12Limits limits = {}) {
  Collect sink;
  auto done = read_all(text, sink, 0, limits);
  std::string out;
  for (const auto& line : sink.lines) out += line + "\n";
  if (!done) out += "file error: " + done.error().message + "\n";
  return out;
}

std::string write_all(const std::vector<json::value>& records) {
  Bytes bytes;
  auto writer = make_x12_writer({}, bytes);
  if (!writer) return "error: " + writer.error().message;
  for (const auto& record : records) {
    if (auto r = (*writer)->write(record); !r) return "error: " + r.error().message;
  }
  if (auto r = (*writer)->finish(); !r) return "error: " + r.error().message;
  return bytes.text;
}

constexpr std::string_view kInterchange =
    R"({"ISA01":"00","ISA02":"          ","ISA03":"00","ISA04":"          ","ISA05":"ZZ",)"
    R"("ISA06":"SENDER         ","ISA07":"ZZ","ISA08":"RECEIVER       ","ISA09":"240101",)"
    R"("ISA10":"1200","ISA11":"U","ISA12":"00401","ISA13":"000000001","ISA14":"0",)"
    R"("ISA15":"P","ISA16":">"})";
constexpr std::string_view kGroup =
    R"({"GS01":"PO","GS02":"SENDER","GS03":"RECEIVER","GS04":"20240101","GS05":"1200",)"
    R"("GS06":"1","GS07":"X","GS08":"004010"})";

TEST(X12Reader, EachTransactionSetIsARecordWithItsInterchangeGroupAndDelimiters) {
  const std::string head = "{\"interchange\":" + std::string(kInterchange) +
                           ",\"delimiters\":{\"element\":\"*\",\"component\":\">\","
                           "\"repetition\":\"\",\"segment\":\"~\",\"lineBreak\":\"\\n\"},"
                           "\"group\":" +
                           std::string(kGroup) + ",";
  EXPECT_EQ(
      read_lines(sample()),
      "record 1 at 3:1 " + head +
          R"("transaction":{"ST01":"850","ST02":"0001","segments":[)"
          R"(["BEG","00","SA","PO1","","20240101"],["PO1","1","2","EA","9.5","","VP","A>B"]],)"
          R"("SE01":"4","SE02":"0001"}})"
          "\nrecord 2 at 7:1 " +
          head +
          R"("transaction":{"ST01":"850","ST02":"0002","segments":[)"
          R"(["BEG","00","SA","PO2","","20240102"]],"SE01":"3","SE02":"0002"}})"
          "\n");
}

TEST(X12Reader, DelimitersComeFromTheIsaSegment) {
  // 00501: ISA11 is the repetition separator; '|' separates elements, '!' ends segments.
  const std::string text = isa('|', '^', ':', '!') +
                           "GS|PO|S|R|20240101|1200|7|X|005010!ST|850|1!N1|ST|A^B|C:D!SE|3|1!"
                           "GE|1|7!IEA|1|000000001!";
  Collect sink;
  ASSERT_TRUE(read_all(text, sink));
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(json::serialize(sink.records[0].at("delimiters")),
            R"({"element":"|","component":":","repetition":"^","segment":"!","lineBreak":""})");
  EXPECT_EQ(
      json::serialize(sink.records[0].at("transaction")),
      R"({"ST01":"850","ST02":"1","segments":[["N1","ST","A^B","C:D"]],"SE01":"3","SE02":"1"})");
}

TEST(X12Reader, ChunksSplitAtEveryOffsetGiveTheSameRecords) {
  for (const std::string br : {"", "\n", "\r\n"}) {
    const std::string text = sample(br);
    Collect whole;
    ASSERT_TRUE(read_all(text, whole));
    ASSERT_EQ(whole.lines.size(), 2u);
    for (std::size_t split = 1; split < text.size(); ++split) {
      Collect parts;
      ASSERT_TRUE(read_all(text, parts, split)) << split;
      EXPECT_EQ(parts.lines, whole.lines) << "split at " << split;
    }
    Collect bytewise;
    auto reader = make_x12_reader({}, "po.x12", bytewise);
    for (char c : text) ASSERT_TRUE((*reader)->write(std::string_view(&c, 1)));
    ASSERT_TRUE((*reader)->finish());
    EXPECT_EQ(bytewise.lines, whole.lines);
  }
}

TEST(X12RoundTrip, ReadingThenWritingGivesTheOriginalBytes) {
  const std::string two_interchanges =
      sample("\r\n") + isa('*', 'U', '>', '~', "000000002") +
      "\r\nGS*IN*A*B*20240101*1200*5*X*004010~\r\nST*810*1~\r\nSE*2*1~\r\nGE*1*5~\r\n"
      "GS*IN*A*B*20240101*1200*6*X*004010~\r\nST*810*2~\r\nBIG*20240101*INV1~\r\nSE*3*2~\r\n"
      "GE*1*6~\r\nIEA*2*000000002~\r\n";
  for (const std::string& text :
       {sample(""), sample("\n"), sample("\r\n"), sample("\r"), two_interchanges,
        isa('|', '^', ':', '!') + "\nGS|PO|S|R|20240101|1200|7|X|005010!\nST|850|1!\n"
                                  "N1|ST|A^B|C:D|||!\nSE|3|1!\nGE|1|7!\nIEA|1|000000001!\n"}) {
    Collect sink;
    ASSERT_TRUE(read_all(text, sink));
    ASSERT_FALSE(sink.records.empty());
    EXPECT_EQ(write_all(sink.records), text);
  }
}

TEST(X12Reader, ABrokenIsaIsTheFilesErrorNamingTheByteOffset) {
  std::string text = sample();
  text[50] = '#';  // the separator before ISA07
  EXPECT_EQ(read_lines(text),
            "file error: po.x12: the ISA segment at byte offset 0 is broken: byte offset 50 "
            "should be the element separator '*' before ISA07 but is '#'; an X12 interchange "
            "starts with an ISA segment of 16 fixed-width elements (106 bytes)\n");
}

TEST(X12Reader, ARenamedTextFileIsNotAnInterchange) {
  EXPECT_EQ(read_lines("id,name\n1,Ada\n"),
            "file error: po.x12: the ISA segment at byte offset 0 is broken: byte offset 0 "
            "should be \"ISA\" but is \"id,\"; an X12 interchange starts with an ISA segment of "
            "16 fixed-width elements (106 bytes)\n");
}

TEST(X12Reader, AnIsaCutShortIsTheFilesError) {
  EXPECT_EQ(read_lines(isa().substr(0, 40)),
            "file error: po.x12: the ISA segment at byte offset 0 is cut short: the file ends "
            "after 40 of its 106 bytes\n");
}

TEST(X12Reader, ALetterAsSegmentTerminatorIsRefused) {
  EXPECT_EQ(read_lines(isa('*', 'U', '>', 'X')),
            "file error: po.x12: the ISA segment at byte offset 0 is broken: byte offset 105 "
            "should be the segment terminator (not a letter, digit, space or another delimiter) "
            "but is 'X'; an X12 interchange starts with an ISA segment of 16 fixed-width elements "
            "(106 bytes)\n");
}

TEST(X12Reader, TheSegmentTerminatorInsideTheIsaIsRefused) {
  std::string text = sample();
  text[60] = '~';  // inside ISA08
  EXPECT_EQ(read_lines(text),
            "file error: po.x12: the ISA segment at byte offset 0 is broken: byte offset 60 "
            "should be part of an ISA element, not the segment terminator '~' (which ends the ISA "
            "at byte 105) but is '~'; an X12 interchange starts with an ISA segment of 16 "
            "fixed-width elements (106 bytes)\n");
}

TEST(X12Reader, AWrongSeCountFailsThatTransactionSetOnly) {
  std::string text = sample();
  text.replace(text.find("SE*4*0001"), 9, "SE*5*0001");
  EXPECT_EQ(read_lines(text),
            "error 1 at 3:1 po.x12 line 3 (byte offset 155): transaction set (ST 850 0001): SE01 "
            "says \"5\" but the transaction set has 4 segments (ST and SE included)\n"
            "record 2 at 7:1 " +
                read_lines(sample()).substr(read_lines(sample()).find("record 2 at 7:1 ") + 16));
}

TEST(X12Reader, AnSe02ThatIsNotTheControlNumberFailsTheTransactionSet) {
  std::string text = sample();
  text.replace(text.find("SE*3*0002"), 9, "SE*3*0009");
  const std::string lines = read_lines(text);
  EXPECT_NE(lines.find("error 2 at 7:1 po.x12 line 7 (byte offset 228): transaction set (ST 850 "
                       "0002): SE02 \"0009\" is not the transaction set's control number\n"),
            std::string::npos)
      << lines;
}

TEST(X12Reader, AWrongGeOrIeaCountIsAnErrorRecordAtTheTrailer) {
  std::string text = sample();
  text.replace(text.find("GE*2*1"), 6, "GE*3*1");
  text.replace(text.find("IEA*1*000000001"), 15, "IEA*1*000000009");
  Collect sink;
  ASSERT_TRUE(read_all(text, sink));
  ASSERT_EQ(sink.lines.size(), 4u);
  EXPECT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.lines[2],
            "error 3 at 10:1 po.x12 line 10 (byte offset 277): GE01 says \"3\" but the functional "
            "group (GS06 1) has 2 transaction set(s)");
  EXPECT_EQ(sink.lines[3],
            "error 4 at 11:1 po.x12 line 11 (byte offset 285): IEA02 \"000000009\" is not the "
            "interchange's control number ISA13 000000001");
}

TEST(X12Reader, ASegmentOutsideATransactionSetIsItsOwnError) {
  std::string text = sample();
  text.insert(text.find("ST*850*0002"), "REF*ZZ*1~\n");
  const std::string lines = read_lines(text);
  EXPECT_NE(lines.find("error 2 at 7:1 po.x12 line 7 (byte offset 228): segment REF is outside a "
                       "transaction set (segments belong between ST and SE)\n"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("record 3 at 8:1"), std::string::npos) << lines;
}

TEST(X12Reader, AnStWithoutSeFailsThatSetAndTheNextOneIsRead) {
  std::string text = sample();
  text.erase(text.find("SE*4*0001~\n"), 11);
  text.replace(text.find("GE*2*1"), 6, "GE*2*1");
  const std::string lines = read_lines(text);
  EXPECT_EQ(lines.substr(0, lines.find('\n')),
            "error 1 at 3:1 po.x12 line 3 (byte offset 155): the transaction set (ST 850 0001) has "
            "no SE segment: another ST segment started");
  EXPECT_NE(lines.find("record 2 at 6:1"), std::string::npos) << lines;
}

TEST(X12Reader, AFileThatEndsInsideAnInterchangeIsTheFilesError) {
  std::string text = sample();
  text.erase(text.find("IEA"));
  const std::string lines = read_lines(text);
  EXPECT_NE(lines.find("file error: po.x12: the interchange ISA13 000000001 that starts at byte "
                       "offset 0 (line 1) has no IEA segment: the file is cut short\n"),
            std::string::npos)
      << lines;
  text.erase(text.find("GE*2"));
  text += "GE*2";
  EXPECT_NE(read_lines(text).find("file error: po.x12: the file ends inside a segment (byte offset "
                                  "277, line 10) that has no terminator '~'"),
            std::string::npos);
}

TEST(X12Reader, BytesAfterTheLastIeaMustBeAnotherInterchange) {
  EXPECT_EQ(read_lines(sample() + "\n\nGARBAGE").substr(read_lines(sample()).size()),
            "file error: po.x12: the ISA segment at byte offset 304 is broken: byte offset 304 "
            "should be \"ISA\" but is \"GAR\"; an X12 interchange starts with an ISA segment of 16 "
            "fixed-width elements (106 bytes)\n");
}

TEST(X12Reader, ASegmentLongerThanTheLimitIsTheFilesError) {
  const std::string text = isa() + "GS*" + std::string(300, 'A');
  EXPECT_EQ(read_lines(text, {.max_segment_bytes = 100}),
            "file error: po.x12: the segment at byte offset 106 (line 1) has no terminator '~' "
            "within 100 bytes; check the segment terminator after ISA16\n");
}

TEST(X12Reader, AGroupWithoutAControlNumberFailsItsTransactionSets) {
  std::string text = sample();
  text.replace(text.find("GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010"), 46, "GS*PO*SENDER");
  const std::string lines = read_lines(text);
  EXPECT_EQ(lines.substr(0, lines.find('\n')),
            "error 1 at 3:1 po.x12 line 3 (byte offset 121): transaction set (ST 850 0001): its "
            "group's GS segment has no GS06 (the group's control number)");
}

TEST(X12Reader, AnErrorOfTheSinkStopsTheReader) {
  class Refuse final : public RecordSink {
   public:
    Result<void> record(json::value, const Origin& where) override {
      ++calls;
      return make_error(Status::kCancelled, "page full at record " + std::to_string(where.record));
    }
    Result<void> bad_record(Error, const Origin&) override { return {}; }
    int calls = 0;
  } sink;
  auto reader = make_x12_reader({}, "po.x12", sink);
  auto written = (*reader)->write(sample());
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "page full at record 1");
  EXPECT_EQ(sink.calls, 1);
  EXPECT_FALSE((*reader)->finish());
}

TEST(X12Reader, AnEmptyFileHasNoRecords) { EXPECT_EQ(read_lines(""), ""); }

TEST(X12Writer, ComputesSeWhenTheRecordHasNone) {
  const json::value record = json::parse(
      "{\"interchange\":" + std::string(kInterchange) +
      ",\"delimiters\":{\"element\":\"*\",\"component\":\">\",\"repetition\":\"\","
      "\"segment\":\"~\",\"lineBreak\":\"\\n\"},\"group\":" +
      std::string(kGroup) +
      R"(,"transaction":{"ST01":"850","ST02":"0001","segments":[["BEG","00","SA","PO1","",)"
      R"("20240101"],["PO1","1","2","EA","9.5","","VP","A>B"]]}})");
  const json::value second = [&] {
    json::value copy = record;
    copy.at("transaction").at("ST02") = "0002";
    copy.at("transaction").at("segments") =
        json::parse(R"([["BEG","00","SA","PO2","","20240102"]])");
    return copy;
  }();
  EXPECT_EQ(write_all({record, second}), sample());
}

TEST(X12Writer, RefusesAnIsaElementOfTheWrongWidth) {
  Collect sink;
  ASSERT_TRUE(read_all(sample(), sink));
  sink.records[0].at("interchange").at("ISA06") = "SENDER";
  EXPECT_EQ(write_all({sink.records[0]}),
            "error: X12 record 1: interchange.ISA06 must be 15 characters (pad it with spaces), "
            "not 6");
}

TEST(X12Writer, RefusesADelimiterInsideAnElement) {
  Collect sink;
  ASSERT_TRUE(read_all(sample(), sink));
  sink.records[1].at("transaction").at("segments").at(0).at(3) = "PO~2";
  EXPECT_EQ(write_all(sink.records),
            "error: X12 record 2: transaction.segments[0][3] holds the element separator \"*\" or "
            "the segment terminator \"~\", which X12 cannot escape");
}

TEST(X12Writer, RefusesAnSeThatDoesNotCountTheSegments) {
  Collect sink;
  ASSERT_TRUE(read_all(sample(), sink));
  sink.records[0].at("transaction").at("SE01") = "5";
  EXPECT_EQ(write_all({sink.records[0]}),
            "error: X12 record 1: transaction.SE01 is \"5\" but the transaction set has 4 segments "
            "(ST and SE included); leave SE01 and SE02 out to have them computed");
  sink.records[0].at("transaction").at("SE01") = "4";
  sink.records[0].at("transaction").at("SE02") = "0002";
  EXPECT_EQ(write_all({sink.records[0]}),
            "error: X12 record 1: transaction.SE02 must be ST02 (\"0001\")");
}

TEST(X12Writer, RefusesARecordWithoutItsGroup) {
  EXPECT_EQ(write_all({json::parse(R"({"interchange":{},"delimiters":{},"transaction":{}})")}),
            "error: X12 record 1: group is missing (every record carries its interchange, "
            "delimiters, group and transaction)");
}

}  // namespace
}  // namespace sluice::support::formats
