// Test doubles for the byte layers: a Reader that collects the bytes it is given, a ByteSink
// that collects what is written, a RecordSink that keeps records as JSON text, and a way to run
// an independent tool (gzip, unzip, python3, iconv, xmllint) on bytes.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats::testing {

// What a CollectingReader saw; shared so that a test keeps it after the reader is owned by a
// decorator (and destroyed with it).
struct Collected {
  std::string bytes;
  size_t writes = 0;
  bool finished = false;
};

class CollectingReader final : public Reader {
 public:
  explicit CollectingReader(std::shared_ptr<Collected> into) : into_(std::move(into)) {}
  Result<void> write(std::string_view bytes) override {
    if (into_->finished) return make_error(Status::kInternal, "write after finish");
    into_->bytes.append(bytes);
    ++into_->writes;
    return {};
  }
  Result<void> finish() override {
    if (into_->finished) return make_error(Status::kInternal, "finish twice");
    into_->finished = true;
    return {};
  }

 private:
  std::shared_ptr<Collected> into_;
};

class BytesSink final : public ByteSink {
 public:
  Result<void> write(std::string_view bytes) override {
    bytes_.append(bytes);
    return {};
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Records as compact JSON text with their origin: "3:1 {...}" (line:column), errors as "error".
class TextRecords final : public RecordSink {
 public:
  Result<void> record(boost::json::value record, const Origin& where) override {
    lines.push_back(std::to_string(where.line) + ":" + std::to_string(where.column) + " " +
                    boost::json::serialize(record));
    files.emplace_back(where.file);
    return {};
  }
  Result<void> bad_record(Error error, const Origin&) override {
    lines.push_back("bad: " + error.message);
    return {};
  }
  std::vector<std::string> lines;
  std::vector<std::string> files;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A folder of its own under the test temp dir, for files the tools read and write.
inline std::string scratch_dir() {
  std::string pattern = ::testing::TempDir() + "sluice-formats-XXXXXX";
  if (!mkdtemp(pattern.data())) return ::testing::TempDir();
  return pattern;
}

// Runs `command` (sh -c) with `input` on its stdin; returns its stdout, or "exit N: <stderr>"
// when it fails.
inline std::string run_tool(const std::string& command, std::string_view input = {}) {
  static const std::string dir = scratch_dir();
  static int counter = 0;
  const std::string base = dir + "/run" + std::to_string(++counter);
  write_file(base + ".in", input);
  const int status = std::system(
      ("(" + command + ") <" + base + ".in >" + base + ".out 2>" + base + ".err").c_str());
  if (status != 0) return "exit " + std::to_string(status) + ": " + read_file(base + ".err");
  return read_file(base + ".out");
}

}  // namespace sluice::support::formats::testing
