// libFuzzer target: the streaming XML reader on any document, in chunks split anywhere (the
// first byte picks their sizes and one of the resource paths), with small limits so that deep
// nesting and entity expansion reach them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/value.hpp>

#include "bytes_fuzz_support.hpp"
#include "xml_stream.hpp"

namespace {

class Records final : public sluice::support::formats::RecordSink {
 public:
  sluice::Result<void> record(boost::json::value,
                              const sluice::support::formats::Origin&) override {
    return {};
  }
  sluice::Result<void> bad_record(sluice::Error, const sluice::support::formats::Origin&) override {
    return {};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace formats = sluice::support::formats;
  if (size < 1 || size > 256 * 1024) return 0;
  static const char* const kPaths[] = {"", "/a/b", "//b", "//a/*", "/*"};
  formats::FileOptions options;
  options.type = formats::FileType::kXml;
  options.resource_path = kPaths[data[0] % 5];
  Records records;
  auto reader = formats::make_xml_reader(options, "fuzz.xml", records,
                                         {.max_bytes = 1 << 20, .max_depth = 64});
  if (!reader) return 0;
  formats::fuzz::feed(**reader, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                      data[0]);
  return 0;
}
