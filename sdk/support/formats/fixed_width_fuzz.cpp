// libFuzzer target (-DSLUICE_FUZZ=ON, clang only; `cmake --build build-fuzz --target
// fixed_width_fuzz`): the fixed-width reader on any file with a definition of three typed fields
// whose positions come from the first byte, read whole and in small chunks, which must give the
// same records and errors. Must not crash, hang or grow memory without bound.
#include "reader_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::support::formats;
  using Type = FixedWidthField::Type;
  if (size < 2 || size > 64 * 1024) return 0;
  FileOptions options;
  options.type = FileType::kFixedWidth;
  options.max_record_bytes = 4096;
  const size_t width = 1 + (data[0] & 7);
  options.fixed_width = {{.name = "s", .start = 1, .length = width},
                         {.name = "n", .start = width + 1, .length = 4, .type = Type::kNumber},
                         {.name = "b", .start = width + 6, .length = 1, .type = Type::kBoolean}};
  if ((data[0] & 8) != 0) options.fixed_width_row_delimiter = "\r";
  fuzz::check_chunks(options, std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2),
                     data[1]);
  return 0;
}
