// Shared by the text readers' libFuzzer targets: runs a reader over a file whole and in chunks and
// traps when the two readings differ (records, errors or the final outcome) — chunk boundaries
// must never change what a reader reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "sluice/support/formats/file_options.hpp"

namespace sluice::support::formats::fuzz {

class LogSink final : public RecordSink {
 public:
  Result<void> record(boost::json::value record, const Origin& where) override {
    log += std::to_string(where.record) + "@" + std::to_string(where.line) + " " +
           boost::json::serialize(record) + "\n";
    return {};
  }
  Result<void> bad_record(Error error, const Origin& where) override {
    log += std::to_string(where.record) + "@" + std::to_string(where.line) + ":" +
           std::to_string(where.column) + " " + error.message + "\n";
    return {};
  }
  std::string log;
};

// The log of reading `file` in chunks of `chunk` bytes (0: whole).
inline std::string read(const FileOptions& options, std::string_view file, size_t chunk) {
  LogSink sink;
  auto reader = make_reader(options, "fuzz", sink);
  if (!reader) return "refused " + reader.error().message;
  const size_t step = chunk == 0 ? file.size() + 1 : chunk;
  for (size_t at = 0; at < file.size(); at += step) {
    if (auto done = (*reader)->write(file.substr(at, step)); !done) {
      return sink.log + "failed " + done.error().message;
    }
  }
  if (auto done = (*reader)->finish(); !done) return sink.log + "failed " + done.error().message;
  return sink.log;
}

inline void check_chunks(const FileOptions& options, std::string_view file, uint8_t chunk_byte) {
  const std::string whole = read(options, file, 0);
  const size_t chunk = 1 + chunk_byte % 17;
  const std::string chunked = read(options, file, chunk);
  if (chunked != whole) {
    std::fprintf(stderr, "read whole:\n%s\nread in chunks of %zu:\n%s\n", whole.c_str(), chunk,
                 chunked.c_str());
    __builtin_trap();
  }
}

}  // namespace sluice::support::formats::fuzz
