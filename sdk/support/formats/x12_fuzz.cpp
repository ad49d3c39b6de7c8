// libFuzzer target (-DSLUICE_FUZZ=ON, clang only; `cmake --build build-fuzz --target x12_fuzz`):
// the X12 reader on any bytes, fed in two chunks split where the first input byte says, and the
// writer on what it read. Reading must not crash, hang or hold more than a segment and a
// transaction set; whatever reads as records must write, and the written file must read back as
// the same records (the reader and writer agree on the JSON shape).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "x12.hpp"

namespace {

using namespace sluice;
using namespace sluice::support::formats;

struct Collect final : RecordSink {
  Result<void> record(boost::json::value record, const Origin&) override {
    records.push_back(std::move(record));
    return {};
  }
  Result<void> bad_record(Error, const Origin&) override { return {}; }
  std::vector<boost::json::value> records;
};

struct Bytes final : ByteSink {
  Result<void> write(std::string_view bytes) override {
    text.append(bytes);
    return {};
  }
  std::string text;
};

bool read(std::string_view text, std::size_t split, Collect& sink) {
  auto reader = make_x12_reader({}, "fuzz.x12", sink,
                                {.max_segment_bytes = 4096, .max_transaction_bytes = 16384});
  if (!reader) return false;
  split = std::min(split, text.size());
  if (!(*reader)->write(text.substr(0, split))) return false;
  if (!(*reader)->write(text.substr(split))) return false;
  return bool((*reader)->finish());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Collect first;
  if (!read(text, data[0] * text.size() / 256, first) || first.records.empty()) return 0;
  Bytes bytes;
  auto writer = make_x12_writer({}, bytes);
  for (const auto& record : first.records) {
    if (!(*writer)->write(record)) __builtin_trap();
  }
  if (!(*writer)->finish()) __builtin_trap();
  Collect second;
  if (!read(bytes.text, bytes.text.size() / 2, second)) __builtin_trap();
  if (second.records != first.records) __builtin_trap();
  return 0;
}
