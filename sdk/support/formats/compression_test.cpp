#include "compression.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "wrap_test_support.hpp"

namespace sluice::support::formats {
namespace {

using testing::Collected;
using testing::CollectingReader;
using ::testing::HasSubstr;
using testing::run_tool;
using ::testing::StartsWith;
using testing::BytesSink;

std::string sample_text(size_t lines) {
  std::string text = "id,name,total\n";
  for (size_t i = 0; i < lines; ++i) {
    text += std::to_string(i) + ",customer " + std::to_string(i * 7919 % 1000) + "," +
            std::to_string(i % 97) + ".50\n";
  }
  return text;
}

struct Read {
  std::string bytes;
  std::string error;
  bool finished = false;
};

// Un-gzips `file` given in pieces of `piece` bytes (0: one piece).
Read gunzip(std::string_view file, size_t piece = 0) {
  auto collected = std::make_shared<Collected>();
  auto reader = make_gunzip_reader(std::make_unique<CollectingReader>(collected), "orders.csv.gz");
  if (piece == 0) piece = file.size() + 1;
  Read out;
  for (size_t at = 0; at < file.size() && out.error.empty(); at += piece) {
    if (auto written = reader->write(file.substr(at, piece)); !written) {
      out.error = written.error().message;
    }
  }
  if (out.error.empty()) {
    if (auto finished = reader->finish(); !finished) out.error = finished.error().message;
  }
  out.bytes = collected->bytes;
  out.finished = collected->finished;
  return out;
}

std::string gzip(std::string_view text, size_t piece = 0) {
  BytesSink out;
  auto sink = make_gzip_sink(out);
  if (piece == 0) piece = text.size() + 1;
  for (size_t at = 0; at < text.size(); at += piece)
    EXPECT_TRUE(sink->write(text.substr(at, piece)));
  EXPECT_TRUE(sink->finish());
  return out.bytes();
}

TEST(GzipSink, GzipTheCommandReadsWhatItWrites) {
  const std::string text = sample_text(5000);
  const std::string file = gzip(text, 1000);
  EXPECT_LT(file.size(), text.size() / 3);
  EXPECT_EQ(run_tool("gzip -dc", file), text);
  EXPECT_EQ(run_tool("gzip -t && echo ok", file), "ok\n");
  EXPECT_EQ(run_tool("gzip -dc", gzip("")), "");
}

TEST(GunzipReader, ReadsWhatGzipTheCommandWroteInPiecesOfAnySize) {
  const std::string text = sample_text(3000);
  const std::string file = run_tool("gzip -c -9", text);
  for (size_t piece : {0, 1, 7, 4096}) {
    Read read = gunzip(file, piece);
    EXPECT_EQ(read.error, "") << piece;
    EXPECT_EQ(read.bytes, text) << piece;
    EXPECT_TRUE(read.finished);
  }
}

TEST(GunzipReader, ASmallFileSplitAtEveryOffsetReadsTheSame) {
  const std::string file = run_tool("gzip -c", "id,name\n1,caf\u00e9\n");
  for (size_t split = 0; split <= file.size(); ++split) {
    auto collected = std::make_shared<Collected>();
    auto reader = make_gunzip_reader(std::make_unique<CollectingReader>(collected), "a.gz");
    ASSERT_TRUE(reader->write(std::string_view(file).substr(0, split)));
    ASSERT_TRUE(reader->write(std::string_view(file).substr(split)));
    ASSERT_TRUE(reader->finish());
    EXPECT_EQ(collected->bytes, "id,name\n1,caf\u00e9\n") << split;
  }
}

TEST(GunzipReader, ConcatenatedMembersAreOneFile) {
  const std::string file = run_tool("gzip -c", "id\n1\n") + gzip("2\n3\n");
  EXPECT_EQ(gunzip(file, 3).bytes, "id\n1\n2\n3\n");
}

TEST(GunzipReader, EveryTruncationIsAnErrorAtFinishSayingSo) {
  const std::string file = gzip(sample_text(20));
  for (size_t size = 0; size < file.size(); ++size) {
    Read read = gunzip(std::string_view(file).substr(0, size));
    EXPECT_EQ(read.error, "orders.csv.gz is truncated: its gzip data ends after " +
                              std::to_string(size) +
                              " bytes, before the end of the compressed "
                              "stream")
        << size;
    EXPECT_FALSE(read.finished);
  }
}

TEST(GunzipReader, DataThatIsNotGzipNamesTheOffset) {
  EXPECT_EQ(gunzip("id,name\n1,x\n").error,
            "orders.csv.gz is not valid gzip data at byte 2 (incorrect header check): check "
            "that the file is gzip, or set file.compressionFormat to match it");
  std::string corrupt = gzip(sample_text(50));
  corrupt[corrupt.size() - 6] ^= 0x55;  // the CRC-32 in the trailer
  EXPECT_THAT(gunzip(corrupt).error, StartsWith("orders.csv.gz is not valid gzip data at byte "));
  EXPECT_THAT(gunzip(corrupt).error, HasSubstr("(incorrect data check)"));
  EXPECT_THAT(gunzip(gzip("x") + "junk").error, HasSubstr("incorrect header check"));
}

// --- zip ---

struct Unzipped {
  std::map<std::string, std::string> files;  // entry -> bytes, as the entry readers got them
  std::vector<std::string> order;
  std::string error;
};

Unzipped unzip(std::string_view file, size_t piece = 0) {
  Unzipped out;
  auto entries =
      std::make_shared<std::vector<std::pair<std::string, std::shared_ptr<Collected>>>>();
  auto reader = make_unzip_reader(
      "orders.zip", [entries](std::string_view entry) -> Result<std::unique_ptr<Reader>> {
        auto collected = std::make_shared<Collected>();
        entries->emplace_back(std::string(entry), collected);
        return std::make_unique<CollectingReader>(collected);
      });
  if (piece == 0) piece = file.size() + 1;
  for (size_t at = 0; at < file.size() && out.error.empty(); at += piece) {
    if (auto written = reader->write(file.substr(at, piece)); !written) {
      out.error = written.error().message;
    }
  }
  if (out.error.empty()) {
    if (auto finished = reader->finish(); !finished) out.error = finished.error().message;
  }
  for (auto& [name, collected] : *entries) {
    out.order.push_back(name + (collected->finished ? "" : " (unfinished)"));
    out.files[name] = collected->bytes;
  }
  return out;
}

std::string zip(std::string_view entry, std::string_view text, size_t piece = 0) {
  BytesSink out;
  auto sink = make_zip_sink(std::string(entry), out);
  if (piece == 0) piece = text.size() + 1;
  for (size_t at = 0; at < text.size(); at += piece)
    EXPECT_TRUE(sink->write(text.substr(at, piece)));
  EXPECT_TRUE(sink->finish());
  return out.bytes();
}

// A python3 zipfile program run on stdin/stdout: `body` sees `z`, the ZipFile.
std::string python_zip(const std::string& body, std::string_view input = {}) {
  return run_tool(
      "python3 -c 'import sys, zipfile, io\n"
      "src = io.BytesIO(sys.stdin.buffer.read())\n"
      "dst = sys.stdout.buffer\n" +
          body + "'",
      input);
}

TEST(ZipSink, UnzipAndPythonsZipfileReadWhatItWrites) {
  const std::string text = sample_text(4000);
  const std::string file = zip("orders.csv", text, 999);
  EXPECT_LT(file.size(), text.size() / 3);
  EXPECT_EQ(run_tool("f=$(mktemp) && cat > $f && unzip -p $f orders.csv; rm -f $f", file), text);
  EXPECT_EQ(python_zip("z = zipfile.ZipFile(src)\n"
                       "assert z.testzip() is None\n"
                       "print(z.namelist(), z.getinfo(\"orders.csv\").compress_type)",
                       file),
            "['orders.csv'] 8\n");
}

TEST(UnzipReader, ReadsWhatItsWriterWroteInPiecesOfAnySize) {
  const std::string text = sample_text(2000);
  const std::string file = zip("orders.csv", text);
  for (size_t piece : {0, 1, 13, 8192}) {
    Unzipped read = unzip(file, piece);
    EXPECT_EQ(read.error, "") << piece;
    EXPECT_EQ(read.order, std::vector<std::string>{"orders.csv"}) << piece;
    EXPECT_EQ(read.files["orders.csv"], text) << piece;
  }
}

TEST(UnzipReader, EachFileEntryOfAPythonZipIsAFileAndDirectoriesAreSkipped) {
  const std::string file = python_zip(
      "b = io.BytesIO()\n"
      "with zipfile.ZipFile(b, \"w\") as z:\n"
      "  z.writestr(\"in/\", \"\")\n"
      "  z.writestr(\"in/a.csv\", \"id\\n1\\n\", zipfile.ZIP_DEFLATED)\n"
      "  z.writestr(\"b.csv\", \"id\\n2\\n\", zipfile.ZIP_STORED)\n"
      "  z.writestr(\"empty.csv\", \"\", zipfile.ZIP_DEFLATED)\n"
      "dst.write(b.getvalue())");
  Unzipped read = unzip(file);
  EXPECT_EQ(read.error, "");
  EXPECT_EQ(read.order, (std::vector<std::string>{"in/a.csv", "b.csv", "empty.csv"}));
  EXPECT_EQ(read.files["in/a.csv"], "id\n1\n");
  EXPECT_EQ(read.files["b.csv"], "id\n2\n");
  EXPECT_EQ(read.files["empty.csv"], "");
}

TEST(UnzipReader, ReadsZip64AndDataDescriptorsAsStreamingWritersWriteThem) {
  const std::string text = sample_text(300);
  // Written to a pipe, zipfile cannot seek back: sizes follow the data in a data descriptor.
  const std::string streamed = run_tool(
      "python3 -c 'import sys, zipfile\n"
      "with zipfile.ZipFile(sys.stdout.buffer, \"w\", zipfile.ZIP_DEFLATED) as z:\n"
      "  with z.open(\"s.csv\", \"w\") as f: f.write(sys.stdin.buffer.read())\n' | cat",
      text);
  ASSERT_NE(static_cast<unsigned char>(streamed[6]) & 8, 0);  // general flag bit 3
  Unzipped read = unzip(streamed, 100);
  EXPECT_EQ(read.error, "");
  EXPECT_EQ(read.files["s.csv"], text);
  const std::string zip64 = python_zip(
      "b = io.BytesIO()\n"
      "with zipfile.ZipFile(b, \"w\", zipfile.ZIP_DEFLATED) as z:\n"
      "  with z.open(\"big.csv\", \"w\", force_zip64=True) as f: f.write(src.getvalue())\n"
      "dst.write(b.getvalue())",
      text);
  read = unzip(zip64, 64);
  EXPECT_EQ(read.error, "");
  EXPECT_EQ(read.files["big.csv"], text);
}

TEST(UnzipReader, ReadsWhatZipTheCommandWrote) {
  const std::string text = sample_text(500);
  const std::string file = run_tool("zip -q - -", text);  // from stdin: the entry is "-"
  Unzipped read = unzip(file, 777);
  EXPECT_EQ(read.error, "");
  EXPECT_EQ(read.files["-"], text);
}

uint64_t little_endian(std::string_view bytes, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = size; i-- > 0;) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

TEST(UnzipReader, EveryTruncationIsAnErrorAtFinishSayingSo) {
  const std::string file = zip("orders.csv", sample_text(30));
  // Read as a stream, a zip is complete once the central directory's signature arrives.
  const size_t central = little_endian(file, file.rfind("PK\x05\x06") + 16, 4);
  ASSERT_EQ(file.substr(central, 4), "PK\x01\x02");
  for (size_t size = 0; size < file.size(); ++size) {
    Unzipped read = unzip(std::string_view(file).substr(0, size));
    if (size < central + 4) {
      EXPECT_THAT(read.error, StartsWith("orders.zip is truncated: the zip file ends after " +
                                         std::to_string(size) + " bytes, "))
          << size;
    } else {
      EXPECT_EQ(read.error, "") << size;
    }
  }
  const size_t header = 30 + little_endian(file, 26, 2) + little_endian(file, 28, 2);
  EXPECT_EQ(unzip(std::string_view(file).substr(0, header - 1)).error,
            "orders.zip is truncated: the zip file ends after " + std::to_string(header - 1) +
                " bytes, inside a zip header");
  EXPECT_EQ(unzip(std::string_view(file).substr(0, header + 5)).error,
            "orders.zip is truncated: the zip file ends after " + std::to_string(header + 5) +
                " bytes, inside its entry \"orders.csv\"");
  EXPECT_EQ(unzip(std::string_view(file).substr(0, central)).error,
            "orders.zip is truncated: the zip file ends after " + std::to_string(central) +
                " bytes, before its central directory");
}

TEST(UnzipReader, ACorruptEntryIsNamed) {
  const std::string stored = python_zip(
      "b = io.BytesIO()\n"
      "with zipfile.ZipFile(b, \"w\") as z: z.writestr(\"a.csv\", \"id\\n1\\n\")\n"
      "dst.write(b.getvalue())");
  std::string bad_crc = stored;
  bad_crc[14] ^= 1;
  EXPECT_EQ(unzip(bad_crc).error,
            "orders.zip: entry \"a.csv\" fails its CRC-32 check: the file is corrupt");
  EXPECT_EQ(unzip("id,name\n1,2\n").error,
            "orders.zip is not a valid zip file: no local file header at byte 0: check that the "
            "file is a zip, or set file.compressionFormat to match it");
  std::string bzip = stored;
  bzip[8] = 12;
  EXPECT_EQ(unzip(bzip).error,
            "orders.zip: entry \"a.csv\" is compressed with method 12; Sluice reads stored (0) "
            "and deflated (8) entries");
  std::string encrypted = stored;
  encrypted[6] |= 1;
  EXPECT_EQ(unzip(encrypted).error,
            "orders.zip: entry \"a.csv\" is encrypted, which Sluice cannot read");
}

TEST(UnzipReader, AStoredEntryWhoseSizeFollowsItsDataIsRefused) {
  const std::string streamed = run_tool(
      "python3 -c 'import sys, zipfile\n"
      "with zipfile.ZipFile(sys.stdout.buffer, \"w\", zipfile.ZIP_STORED) as z:\n"
      "  with z.open(\"s.csv\", \"w\") as f: f.write(b\"id\\n1\\n\")\n' | cat");
  ASSERT_NE(static_cast<unsigned char>(streamed[6]) & 8, 0);
  EXPECT_EQ(unzip(streamed).error,
            "orders.zip: entry \"s.csv\" is stored with its size after its data, which cannot be "
            "read as a stream; write the zip with deflate compression");
}

TEST(UnzipReader, AnEntryReadersErrorStopsTheZip) {
  const std::string file = zip("orders.csv", "id\n1\n");
  auto reader = make_unzip_reader(
      "orders.zip", [](std::string_view entry) -> Result<std::unique_ptr<Reader>> {
        return make_error(Status::kInvalidConfig, "no reader for " + std::string(entry));
      });
  auto written = reader->write(file);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "no reader for orders.csv");
}

}  // namespace
}  // namespace sluice::support::formats
