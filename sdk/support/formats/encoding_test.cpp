#include "encoding.hpp"

#include <string>
#include <utility>
#include <vector>

#include <iconv.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "wrap_test_support.hpp"

namespace sluice::support::formats {
namespace {

using testing::Collected;
using testing::CollectingReader;
using testing::run_tool;
using ::testing::StartsWith;
using testing::BytesSink;

struct Sample {
  Encoding encoding;
  const char* iconv;  // the name `iconv` the command knows it by
  std::string text;   // UTF-8, every character of which the encoding holds
};

const std::vector<Sample>& samples() {
  static const std::vector<Sample> all = {
      {Encoding::kUtf8, "UTF-8", "Gr\u00fc\u00dfe, \u6771\u4eac \U0001F600 \u20ac\n"},
      {Encoding::kWin1252, "WINDOWS-1252", "Gr\u00fc\u00dfe \u20ac \u201cq\u201d \u2013 \u0153\n"},
      {Encoding::kIso88591, "ISO-8859-1", "Gr\u00fc\u00dfe caf\u00e9 \u00ff \u00a9\n"},
      {Encoding::kUtf16Le, "UTF-16LE", "Gr\u00fc\u00dfe \u6771\u4eac \U0001F600\n"},
      {Encoding::kMacRoman, "MACINTOSH", "Gr\u00fc\u00dfe caf\u00e9 \u20ac \u03c0\n"},
      {Encoding::kShiftJis, "SHIFT_JIS", "\u6771\u4eac \u30ab\u30bf\u30ab\u30ca abc\n"},
      {Encoding::kGb18030, "GB18030", "\u5317\u4eac Gr\u00fc\u00dfe \U0001F600\n"},
  };
  return all;
}

struct Decoded {
  std::string bytes;
  std::string error;  // the message, or "" when write() and finish() succeeded
  bool inner_finished = false;
};

// Decodes `input` given in pieces ending at `splits` (offsets, ascending).
Decoded decode(Encoding encoding, std::string_view input, std::vector<size_t> splits = {}) {
  auto collected = std::make_shared<Collected>();
  auto reader =
      make_decoding_reader(encoding, std::make_unique<CollectingReader>(collected), "orders.csv");
  splits.push_back(input.size());
  size_t from = 0;
  Decoded out;
  for (size_t to : splits) {
    if (auto written = reader->write(input.substr(from, to - from)); !written) {
      out.error = written.error().message;
      break;
    }
    from = to;
  }
  if (out.error.empty()) {
    if (auto finished = reader->finish(); !finished) out.error = finished.error().message;
  }
  out.bytes = collected->bytes;
  out.inner_finished = collected->finished;
  return out;
}

Result<std::string> encode(Encoding encoding, std::string_view text, size_t piece = 0) {
  BytesSink out;
  auto sink = make_encoding_sink(encoding, out);
  if (piece == 0) piece = text.size() + 1;
  for (size_t at = 0; at < text.size(); at += piece) {
    if (auto written = sink->write(text.substr(at, piece)); !written) return written.error();
  }
  if (auto finished = sink->finish(); !finished) return finished.error();
  return out.bytes();
}

TEST(EncodingSink, EveryEncodingWritesTheBytesIconvTheCommandWrites) {
  for (const Sample& sample : samples()) {
    SCOPED_TRACE(sample.iconv);
    auto bytes = encode(sample.encoding, sample.text);
    ASSERT_TRUE(bytes) << bytes.error().message;
    EXPECT_EQ(*bytes, run_tool(std::string("iconv -f UTF-8 -t ") + sample.iconv, sample.text));
    if (sample.encoding != Encoding::kUtf8) {
      EXPECT_NE(*bytes, sample.text);
    }
  }
}

TEST(DecodingReader, EveryEncodingReadsWhatIconvTheCommandWrote) {
  for (const Sample& sample : samples()) {
    SCOPED_TRACE(sample.iconv);
    const std::string file =
        run_tool(std::string("iconv -f UTF-8 -t ") + sample.iconv, sample.text);
    Decoded decoded = decode(sample.encoding, file);
    EXPECT_EQ(decoded.error, "");
    EXPECT_EQ(decoded.bytes, sample.text);
    EXPECT_TRUE(decoded.inner_finished);
    // and iconv the command reads what the sink wrote
    auto bytes = encode(sample.encoding, sample.text);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(run_tool(std::string("iconv -t UTF-8 -f ") + sample.iconv, *bytes), sample.text);
  }
}

TEST(DecodingReader, AFileSplitAtEveryByteOffsetDecodesTheSame) {
  for (const Sample& sample : samples()) {
    SCOPED_TRACE(sample.iconv);
    auto file = encode(sample.encoding, sample.text);
    ASSERT_TRUE(file);
    for (size_t split = 0; split <= file->size(); ++split) {
      Decoded decoded = decode(sample.encoding, *file, {split});
      EXPECT_EQ(decoded.error, "") << split;
      EXPECT_EQ(decoded.bytes, sample.text) << split;
    }
    std::vector<size_t> every_byte;
    for (size_t at = 1; at < file->size(); ++at) every_byte.push_back(at);
    EXPECT_EQ(decode(sample.encoding, *file, every_byte).bytes, sample.text);
  }
}

TEST(EncodingSink, TextSplitInsideACharacterAtEveryOffsetEncodesTheSame) {
  for (const Sample& sample : samples()) {
    SCOPED_TRACE(sample.iconv);
    auto whole = encode(sample.encoding, sample.text);
    ASSERT_TRUE(whole);
    for (size_t piece = 1; piece <= 5; ++piece) {
      auto pieces = encode(sample.encoding, sample.text, piece);
      ASSERT_TRUE(pieces) << piece << ": " << pieces.error().message;
      EXPECT_EQ(*pieces, *whole) << piece;
    }
  }
}

TEST(DecodingReader, AUtf8ByteOrderMarkIsStripped) {
  EXPECT_EQ(decode(Encoding::kUtf8, "\xEF\xBB\xBFid,name\n").bytes, "id,name\n");
  EXPECT_EQ(decode(Encoding::kUtf8, "\xEF\xBB\xBFid", {1, 2}).bytes, "id");
  EXPECT_EQ(decode(Encoding::kUtf16Le, "\xEF\xBB\xBFid").bytes, "id");
}

TEST(DecodingReader, AUtf16ByteOrderMarkWinsOverTheUtf8Setting) {
  EXPECT_EQ(decode(Encoding::kUtf8, std::string("\xFF\xFEi\0d\0", 6)).bytes, "id");
  EXPECT_EQ(decode(Encoding::kUtf8, std::string("\xFE\xFF\0i\0d", 6), {1}).bytes, "id");
  EXPECT_EQ(decode(Encoding::kUtf16Le, std::string("\xFF\xFE\xE9\0", 4), {1, 3}).bytes, "\u00e9");
  EXPECT_EQ(decode(Encoding::kUtf16Le, std::string("\xFE\xFF\0\xE9", 4)).bytes, "\u00e9");
}

TEST(DecodingReader, WithoutAByteOrderMarkTheFirstBytesAreText) {
  EXPECT_EQ(decode(Encoding::kUtf8, "\xEF\xBB").error,
            "orders.csv ends inside a character at byte 0 (0xEF 0xBB) of utf8 text: the file is "
            "truncated, or its encoding is another one; set file.encoding to it (utf8, win1252, "
            "iso88591, utf-16le, macroman, shiftjis or gb18030)");
  EXPECT_EQ(decode(Encoding::kUtf16Le, std::string("i\0", 2)).bytes, "i");
  EXPECT_EQ(decode(Encoding::kUtf8, "").bytes, "");
  EXPECT_EQ(decode(Encoding::kUtf8, "").error, "");
  // Settings that are not UTF take the bytes of a BOM as text.
  EXPECT_EQ(decode(Encoding::kWin1252, "\xEF\xBB\xBFx").bytes, "\u00ef\u00bb\u00bfx");
}

TEST(DecodingReader, AnInvalidByteNamesTheFileTheOffsetAndTheEncoding) {
  Decoded decoded = decode(Encoding::kUtf8, "id,name\n7,caf\xE9\n", {5});
  EXPECT_EQ(decoded.error,
            "orders.csv: byte 13 (0xE9 0x0A) is not valid utf8 text: the file is in another "
            "encoding; set file.encoding to it (utf8, win1252, iso88591, utf-16le, macroman, "
            "shiftjis or gb18030)");
  EXPECT_FALSE(decoded.inner_finished);
  EXPECT_EQ(decoded.bytes, "id,name\n7,caf");
}

TEST(DecodingReader, AnInvalidBytesMessageIsTheSameHoweverTheFileIsCut) {
  // Found by csv_fuzz: the message showed the bytes left in the chunk, so it changed with the cuts.
  const std::string file = "ab\xFF\xFF\xFF\xFF";
  const std::string whole = decode(Encoding::kUtf8, file).error;
  EXPECT_THAT(whole, StartsWith("orders.csv: byte 2 (0xFF) is not valid utf8 text"));
  EXPECT_EQ(decode(Encoding::kUtf8, file, {1, 2, 3, 4, 5}).error, whole);
  EXPECT_EQ(decode(Encoding::kWin1252, "a\x81\x81\x81", {1, 2}).error,
            decode(Encoding::kWin1252, "a\x81\x81\x81").error);
}

TEST(DecodingReader, AnInvalidByteAfterAByteOrderMarkCountsFromTheFilesFirstByte) {
  EXPECT_EQ(decode(Encoding::kUtf8,
                   "\xEF\xBB\xBF"
                   "ab\xFF")
                .error,
            "orders.csv: byte 5 (0xFF) is not valid UTF-8 (as its byte order mark says) text: the "
            "file is in another encoding; set file.encoding to it (utf8, win1252, iso88591, "
            "utf-16le, macroman, shiftjis or gb18030)");
}

TEST(DecodingReader, Win1252RefusesItsFiveUndefinedBytes) {
  EXPECT_THAT(decode(Encoding::kWin1252, "a\x81").error,
              StartsWith("orders.csv: byte 1 (0x81) is not valid win1252 text: "));
}

TEST(DecodingReader, AFileEndingInsideACharacterIsAnError) {
  EXPECT_THAT(decode(Encoding::kShiftJis, "ab\x93").error,
              StartsWith("orders.csv ends inside a character at byte 2 (0x93) of shiftjis text: "));
  EXPECT_THAT(decode(Encoding::kUtf16Le, std::string("a\0b", 3)).error,
              StartsWith("orders.csv ends inside a character at byte 2 (0x62) of utf-16le text: "));
}

TEST(DecodingReader, OutputComesInPiecesOfAtMost64KiB) {
  const std::string file(200000, 'x');
  auto collected = std::make_shared<Collected>();
  auto reader = make_decoding_reader(Encoding::kIso88591,
                                     std::make_unique<CollectingReader>(collected), "big.txt");
  ASSERT_TRUE(reader->write(file));
  ASSERT_TRUE(reader->finish());
  EXPECT_EQ(collected->bytes, file);
  EXPECT_EQ(collected->writes, 4u);  // 65536 * 3 + 3392
}

TEST(EncodingSink, ACharacterTheEncodingCannotHoldIsNamed) {
  auto bytes = encode(Encoding::kIso88591, "total: 5 \u20ac");
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().status, Status::kInvalidConfig);
  EXPECT_EQ(bytes.error().message,
            "the character U+20AC \"\u20ac\" cannot be written in iso88591: set file.encoding to "
            "one that has it (utf8 has every character)");
  EXPECT_THAT(encode(Encoding::kShiftJis, "\U0001F600").error().message,
              StartsWith("the character U+1F600 \"\U0001F600\" cannot be written in shiftjis: "));
}

TEST(EncodingSink, TextEndingInsideAUtf8CharacterIsAnErrorAtFinish) {
  BytesSink out;
  auto sink = make_encoding_sink(Encoding::kWin1252, out);
  ASSERT_TRUE(sink->write("caf\xC3"));
  auto finished = sink->finish();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().message,
            "the text to write in win1252 ends inside a UTF-8 character (0xC3)");
  EXPECT_EQ(out.bytes(), "caf");
}

TEST(EncodingSink, InvalidUtf8IsAnInternalError) {
  auto bytes = encode(Encoding::kMacRoman, "a\xFF");
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().status, Status::kInternal);
  EXPECT_EQ(bytes.error().message, "the text to write is not valid UTF-8 (0xFF)");
}

TEST(EncodingSink, Utf16LeIsWrittenWithoutAByteOrderMark) {
  EXPECT_EQ(*encode(Encoding::kUtf16Le, "id"), std::string("i\0d\0", 4));
}

}  // namespace
}  // namespace sluice::support::formats

namespace sluice::support::formats {
namespace {

// What glibc's iconv says of `bytes` as UTF-8: "valid" or not. (Where an error is called
// "incomplete" or "invalid" differs for bytes no valid UTF-8 has, such as F5..FD that glibc takes
// for the lead bytes of the old five- and six-byte forms: both are errors at the same byte.)
std::string iconv_verdict(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  char out[64];
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out;
  size_t out_left = sizeof out;
  const size_t status = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  return status != static_cast<size_t>(-1) ? "valid" : "not valid";
}

std::string reader_verdict(std::string_view bytes) {
  return decode(Encoding::kUtf8, bytes).error.empty() ? "valid" : "not valid";
}

// The UTF-8 check that replaces iconv for UTF-8 files accepts exactly what iconv accepts among
// every sequence of one and two bytes and three- and four-byte sequences around every boundary.
TEST(DecodingReader, Utf8IsCheckedExactlyAsIconvChecksIt) {
  std::vector<std::string> cases;
  for (int a = 0; a < 256; ++a) {
    cases.push_back(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      cases.push_back({static_cast<char>(a), static_cast<char>(b)});
      if (a < 0xE0) continue;
      for (int c : {0x00, 0x7F, 0x80, 0xBF, 0xC0}) {
        cases.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        if (a < 0xF0 || a > 0xF7 || c == 0x00) continue;
        for (int d : {0x7F, 0x80, 0xBF, 0xC0}) {
          cases.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c),
                           static_cast<char>(d)});
        }
      }
    }
  }
  size_t disagreements = 0;
  for (std::string& bytes : cases) {
    bytes.insert(0, "a");  // a byte order mark is not text

    if (reader_verdict(bytes) != iconv_verdict(bytes) && ++disagreements <= 10) {
      ADD_FAILURE() << ::testing::PrintToString(bytes) << ": reader " << reader_verdict(bytes)
                    << ", iconv " << iconv_verdict(bytes);
    }
  }
  EXPECT_EQ(disagreements, 0u) << "of " << cases.size();
}

}  // namespace
}  // namespace sluice::support::formats
