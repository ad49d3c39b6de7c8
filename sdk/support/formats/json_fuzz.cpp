// libFuzzer target (-DSLUICE_FUZZ=ON, clang only; `cmake --build build-fuzz --target json_fuzz`):
// the JSON reader (a document with a resourcePath, or JSON lines, chosen by the first byte) on any
// file, read whole and in small chunks, which must give the same records and errors. Must not
// crash, hang or grow memory without bound.
#include "reader_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::support::formats;
  if (size < 2 || size > 64 * 1024) return 0;
  FileOptions options;
  options.type = FileType::kJson;
  options.max_record_bytes = 4096;
  static const char* const kPaths[] = {"", "a", "a.b", "data.orders"};
  options.json_lines = (data[0] & 4) != 0;
  if (!options.json_lines) options.resource_path = kPaths[data[0] & 3];
  fuzz::check_chunks(options, std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2),
                     data[1]);
  return 0;
}
