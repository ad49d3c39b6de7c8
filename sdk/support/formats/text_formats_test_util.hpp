// Test helpers for the text formats' readers and writers: a RecordSink that logs what it gets,
// and functions that run a reader over a file in given chunks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/serialize.hpp>

#include "sluice/support/formats/file_options.hpp"

namespace sluice::support::formats::testing {

// Logs each record as "<record>@<line>: <json>" and each bad record as
// "<record>@<line>:<column> error: <message>", one per line.
class LogSink final : public RecordSink {
 public:
  Result<void> record(boost::json::value record, const Origin& where) override {
    log += std::to_string(where.record) + "@" + std::to_string(where.line) + ": " +
           boost::json::serialize(record) + "\n";
    return {};
  }
  Result<void> bad_record(Error error, const Origin& where) override {
    log += std::to_string(where.record) + "@" + std::to_string(where.line) + ":" +
           std::to_string(where.column) + " error: " + error.message + "\n";
    return {};
  }
  std::string log;
};

// The log of reading `bytes` in the chunks that start at `cuts` (offsets into bytes), ending with
// "finish error: ..." or "write error: ..." when the reader fails.
inline std::string read_in_chunks(const FileOptions& options, std::string_view bytes,
                                  const std::vector<size_t>& cuts, std::string file = "in.txt") {
  LogSink sink;
  auto reader = make_reader(options, std::move(file), sink);
  if (!reader) return "make_reader error: " + reader.error().message;
  size_t from = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(bytes.size());
  for (size_t end : ends) {
    if (end < from || end > bytes.size()) continue;
    if (auto done = (*reader)->write(bytes.substr(from, end - from)); !done) {
      return sink.log + "write error: " + done.error().message;
    }
    from = end;
  }
  if (auto done = (*reader)->finish(); !done)
    return sink.log + "finish error: " + done.error().message;
  return sink.log;
}

inline std::string read_all(const FileOptions& options, std::string_view bytes,
                            std::string file = "in.txt") {
  return read_in_chunks(options, bytes, {}, std::move(file));
}

// Reading `bytes` whole, cut in two at every offset, and one byte at a time gives the same log;
// returns the whole read's log, or a description of the first difference.
inline std::string read_every_split(const FileOptions& options, std::string_view bytes) {
  const std::string whole = read_all(options, bytes);
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    const std::string split = read_in_chunks(options, bytes, {cut});
    if (split != whole)
      return "cut at " + std::to_string(cut) + " gives\n" + split + "instead of\n" + whole;
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < bytes.size(); ++i) every.push_back(i);
  const std::string bytewise = read_in_chunks(options, bytes, every);
  if (bytewise != whole) return "one byte at a time gives\n" + bytewise + "instead of\n" + whole;
  return whole;
}

class StringSink final : public ByteSink {
 public:
  Result<void> write(std::string_view bytes) override {
    text.append(bytes);
    ++writes;
    return {};
  }
  std::string text;
  size_t writes = 0;
};

// What the writer with `options` makes of `records`, or "error: ..." for the first refusal
// (later records are still written).
inline std::string write_all(const FileOptions& options,
                             const std::vector<boost::json::value>& records,
                             std::string* errors = nullptr) {
  StringSink sink;
  auto writer = make_writer(options, sink);
  if (!writer) return "make_writer error: " + writer.error().message;
  for (const auto& record : records) {
    if (auto done = (*writer)->write(record); !done && errors != nullptr) {
      *errors += done.error().message + "\n";
    }
  }
  if (auto done = (*writer)->finish(); !done) return "finish error: " + done.error().message;
  return sink.text;
}

}  // namespace sluice::support::formats::testing
