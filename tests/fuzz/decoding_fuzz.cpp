// libFuzzer target: the decoding layer (file.encoding through iconv) on any bytes, in chunks split
// anywhere. The first byte picks the encoding and the chunk sizes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "bytes_fuzz_support.hpp"
#include "encoding.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace formats = sluice::support::formats;
  if (size < 1 || size > 256 * 1024) return 0;
  const auto encoding = static_cast<formats::Encoding>(data[0] % 7);
  auto reader = formats::make_decoding_reader(
      encoding, std::make_unique<formats::fuzz::DiscardingReader>(), "fuzz.txt");
  formats::fuzz::feed(*reader, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                      data[0]);
  // The writer side on the same bytes, as if they were UTF-8 text to write.
  class Discard final : public formats::ByteSink {
   public:
    sluice::Result<void> write(std::string_view) override { return {}; }
  } out;
  auto sink = formats::make_encoding_sink(encoding, out);
  if (sink->write(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1))) {
    (void)sink->finish();
  }
  return 0;
}
