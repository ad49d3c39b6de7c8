#include "wrap.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include "wrap_test_support.hpp"
#include "xml_stream.hpp"

namespace sluice::support::formats {
namespace {

using testing::Collected;
using testing::CollectingReader;
using testing::run_tool;
using testing::BytesSink;
using testing::TextRecords;

FileOptions file_options(Compression compression, Encoding encoding) {
  FileOptions options;
  options.compression = compression;
  options.encoding = encoding;
  return options;
}

// Feeds `file` to `reader` in pieces of `piece` bytes; "" or the first error.
std::string feed(Reader& reader, std::string_view file, size_t piece) {
  for (size_t at = 0; at < file.size(); at += piece) {
    if (auto written = reader.write(file.substr(at, piece)); !written) {
      return written.error().message;
    }
  }
  auto finished = reader.finish();
  return finished ? "" : finished.error().message;
}

TEST(WrapReader, DecompressesThenDecodesForTheFormat) {
  const std::string text = "id;city\n1;K\u00f6ln\n2;M\u00fcnchen\n";
  const std::string file = run_tool("iconv -f UTF-8 -t WINDOWS-1252 | gzip -c", text);
  auto collected = std::make_shared<Collected>();
  auto reader = wrap_reader(file_options(Compression::kGzip, Encoding::kWin1252), "cities.csv.gz",
                            std::make_unique<CollectingReader>(collected));
  ASSERT_TRUE(reader);
  EXPECT_EQ(feed(**reader, file, 5), "");
  EXPECT_EQ(collected->bytes, text);
  EXPECT_TRUE(collected->finished);
}

TEST(WrapReader, Utf8IsCheckedAndItsByteOrderMarkStrippedWithoutCompression) {
  auto collected = std::make_shared<Collected>();
  auto reader = wrap_reader(file_options(Compression::kNone, Encoding::kUtf8), "a.csv",
                            std::make_unique<CollectingReader>(collected));
  ASSERT_TRUE(reader);
  EXPECT_EQ(feed(**reader, "\xEF\xBB\xBFid\n", 1), "");
  EXPECT_EQ(collected->bytes, "id\n");
  auto bad = wrap_reader(file_options(Compression::kNone, Encoding::kUtf8), "b.csv",
                         std::make_unique<CollectingReader>(std::make_shared<Collected>()));
  EXPECT_EQ(feed(**bad, "caf\xE9!", 10).substr(0, 50),
            "b.csv: byte 3 (0xE9 0x21) is not valid utf8 text: ");
}

TEST(WrapReader, EachFileOfAZipIsReadAsAFileNamedAfterTheZipAndTheEntry) {
  const std::string file = run_tool(
      "python3 -c 'import sys, zipfile, io\n"
      "b = io.BytesIO()\n"
      "with zipfile.ZipFile(b, \"w\", zipfile.ZIP_DEFLATED) as z:\n"
      "  z.writestr(\"a.xml\", \"<r><o>1</o></r>\".encode(\"utf-16\"))\n"
      "  z.writestr(\"d/b.xml\", \"<r><o>caf\\u00e9</o></r>\".encode(\"latin-1\"))\n"
      "sys.stdout.buffer.write(b.getvalue())'");
  TextRecords records;
  FileOptions options = file_options(Compression::kZip, Encoding::kUtf16Le);
  options.resource_path = "/r/o";
  std::vector<std::string> opened;
  auto reader = wrap_reader(options, "in.zip", [&](std::string name) {
    opened.push_back(name);
    return make_xml_reader(options, std::move(name), records);
  });
  ASSERT_TRUE(reader);
  // The first entry has a UTF-16 BOM; the second is Latin-1 read as UTF-16LE: an error naming it.
  EXPECT_EQ(feed(**reader, file, 9).substr(0, 39), "in.zip/d/b.xml is not well-formed XML a");
  EXPECT_EQ(opened, (std::vector<std::string>{"in.zip/a.xml", "in.zip/d/b.xml"}));
  ASSERT_EQ(records.lines.size(), 1u);
  EXPECT_EQ(records.lines[0], R"(1:4 {"#text":"1"})");
  EXPECT_EQ(records.files[0], "in.zip/a.xml");
}

TEST(WrapReader, WithOneFormatReaderAZipOfTwoFilesIsRefusedNamingThem) {
  const std::string file = run_tool(
      "python3 -c 'import sys, zipfile, io\n"
      "b = io.BytesIO()\n"
      "with zipfile.ZipFile(b, \"w\") as z:\n"
      "  z.writestr(\"dir/\", \"\")\n"
      "  z.writestr(\"a.csv\", \"id\\n1\\n\")\n"
      "  z.writestr(\"b.csv\", \"id\\n2\\n\")\n"
      "sys.stdout.buffer.write(b.getvalue())'");
  auto collected = std::make_shared<Collected>();
  auto reader = wrap_reader(file_options(Compression::kZip, Encoding::kUtf8), "in.zip",
                            std::make_unique<CollectingReader>(collected));
  ASSERT_TRUE(reader);
  EXPECT_EQ(feed(**reader, file, 1000),
            "in.zip holds more than one file (in.zip/a.csv, then in.zip/b.csv): a zip file read "
            "here must hold one file");
  EXPECT_EQ(collected->bytes, "id\n1\n");
  EXPECT_TRUE(collected->finished);
}

TEST(WrapReader, WithOneFormatReaderAZipWithoutAFileIsAnEmptyFile) {
  const std::string file = run_tool(
      "python3 -c 'import sys, zipfile, io\n"
      "b = io.BytesIO()\n"
      "with zipfile.ZipFile(b, \"w\") as z: z.writestr(\"dir/\", \"\")\n"
      "sys.stdout.buffer.write(b.getvalue())'");
  auto collected = std::make_shared<Collected>();
  auto reader = wrap_reader(file_options(Compression::kZip, Encoding::kUtf8), "in.zip",
                            std::make_unique<CollectingReader>(collected));
  ASSERT_TRUE(reader);
  EXPECT_EQ(feed(**reader, file, 7), "");
  EXPECT_EQ(collected->bytes, "");
  EXPECT_TRUE(collected->finished);
}

TEST(WrapReader, ATruncatedGzipIsAnErrorAtFinishAndTheFormatIsNotFinished) {
  const std::string file = run_tool("gzip -c", std::string(5000, 'x'));
  auto collected = std::make_shared<Collected>();
  auto reader = wrap_reader(file_options(Compression::kGzip, Encoding::kUtf8), "big.csv.gz",
                            std::make_unique<CollectingReader>(collected));
  ASSERT_TRUE(reader);
  EXPECT_EQ(feed(**reader, std::string_view(file).substr(0, file.size() - 4), 10),
            "big.csv.gz is truncated: its gzip data ends after " + std::to_string(file.size() - 4) +
                " bytes, before the end of the compressed stream");
  EXPECT_FALSE(collected->finished);
}

// A format writer that writes each record's string, as a test double.
class LinesWriter final : public Writer {
 public:
  explicit LinesWriter(ByteSink& out) : out_(out) {}
  Result<void> write(const boost::json::value& record) override {
    std::string line(record.as_string());
    line += '\n';
    return out_.write(line);
  }
  Result<void> finish() override { return out_.write("end\n"); }

 private:
  ByteSink& out_;
};

Result<std::string> write_lines(const FileOptions& options, const std::vector<std::string>& lines) {
  BytesSink out;
  auto writer = wrap_writer(options, out, "out.txt", [](ByteSink& sink) {
    return Result<std::unique_ptr<Writer>>(std::make_unique<LinesWriter>(sink));
  });
  if (!writer) return writer.error();
  for (const std::string& line : lines) {
    if (auto written = (*writer)->write(boost::json::value(line)); !written) return written.error();
  }
  if (auto finished = (*writer)->finish(); !finished) return finished.error();
  return out.bytes();
}

TEST(WrapWriter, EncodesThenGzipsWhatTheFormatWrites) {
  auto file = write_lines(file_options(Compression::kGzip, Encoding::kIso88591),
                          {"K\u00f6ln", "caf\u00e9"});
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(run_tool("gzip -dc | iconv -f ISO-8859-1 -t UTF-8", *file),
            "K\u00f6ln\ncaf\u00e9\nend\n");
}

TEST(WrapWriter, ZipsOneEntryUnzipReads) {
  auto file = write_lines(file_options(Compression::kZip, Encoding::kUtf16Le), {"\u6771\u4eac"});
  ASSERT_TRUE(file);
  EXPECT_EQ(run_tool("f=$(mktemp) && cat > $f && unzip -p $f out.txt | iconv -f UTF-16LE -t UTF-8; "
                     "rm -f $f",
                     *file),
            "\u6771\u4eac\nend\n");
}

TEST(WrapWriter, ACharacterTheEncodingLacksFailsTheRecord) {
  auto file = write_lines(file_options(Compression::kNone, Encoding::kWin1252), {"ok", "\u6771"});
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().message,
            "the character U+6771 \"\u6771\" cannot be written in win1252: set file.encoding to "
            "one that has it (utf8 has every character)");
}

TEST(WrapWriter, WithoutLayersTheFormatWritesStraightThrough) {
  EXPECT_EQ(*write_lines(file_options(Compression::kNone, Encoding::kUtf8), {"a"}), "a\nend\n");
}

}  // namespace
}  // namespace sluice::support::formats
