// libFuzzer target: the streaming zip reader on any bytes, in chunks split anywhere (the first
// byte picks their sizes); every entry is opened and its data dropped.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "bytes_fuzz_support.hpp"
#include "compression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace formats = sluice::support::formats;
  if (size < 1 || size > 256 * 1024) return 0;
  auto reader = formats::make_unzip_reader(
      "fuzz.zip", [](std::string_view) -> sluice::Result<std::unique_ptr<formats::Reader>> {
        return std::make_unique<formats::fuzz::DiscardingReader>();
      });
  formats::fuzz::feed(*reader, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                      data[0]);
  return 0;
}
