// What the byte-layer fuzz targets share: a Reader that drops what it is given, and feeding an
// input in chunks whose sizes come from the input itself, so that splits land everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sluice/support/formats/stream.hpp"

namespace sluice::support::formats::fuzz {

class DiscardingReader final : public Reader {
 public:
  Result<void> write(std::string_view) override { return {}; }
  Result<void> finish() override { return {}; }
};

// Writes `input` to `reader` in chunks of 1 to 64 bytes (from `seed`), then finishes it; stops
// at the first error, as a caller does.
inline void feed(Reader& reader, std::string_view input, uint8_t seed) {
  size_t piece = 1 + seed % 64;
  while (!input.empty()) {
    const size_t take = piece < input.size() ? piece : input.size();
    if (!reader.write(input.substr(0, take))) return;
    input.remove_prefix(take);
    piece = 1 + (piece * 31 + seed) % 64;
  }
  (void)reader.finish();
}

}  // namespace sluice::support::formats::fuzz
