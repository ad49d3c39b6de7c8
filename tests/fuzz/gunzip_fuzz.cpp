// libFuzzer target: the gzip reader on any bytes, in chunks split anywhere (the first byte picks
// their sizes). Output is bounded by libFuzzer's -rss_limit_mb: a small input may inflate a lot.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "bytes_fuzz_support.hpp"
#include "compression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace formats = sluice::support::formats;
  if (size < 1 || size > 256 * 1024) return 0;
  auto reader =
      formats::make_gunzip_reader(std::make_unique<formats::fuzz::DiscardingReader>(), "fuzz.gz");
  formats::fuzz::feed(*reader, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                      data[0]);
  return 0;
}
