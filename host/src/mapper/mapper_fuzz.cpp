// libFuzzer target (-DSLUICE_FUZZ=ON, clang only; `cmake --build build-fuzz --target
// mapper_fuzz`): Mapper::compile, compile_mappings (record and envelope input contexts),
// compile_mapping_v1 and ResponseMapping::compile on any JSON document, and whatever compiles
// applied to fixed records and to the input's own record. Input: a document, or [document,
// record] (the record is also tried as the lookups and as the response).
// Compiling and applying must not crash, hang or grow memory without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "mapper/mapper.hpp"
#include "mapper/response_mapping.hpp"

namespace {

const boost::json::array& records() {
  static const boost::json::array value = boost::json::parse(R"([
    {"id": 1, "a": {"b": [{"c": "x", "n": 0}], "s": "12.5", "t": true, "z": null},
     "items": [{"sku": "A", "qty": "2"}, {"sku": "B", "qty": 3}], "d": "2024-07-04T18:30:00Z",
     "Internal ID": 7, "e": "", "arr": [[1], [2]]},
    [1, 2, {"x": "y"}], "text", 3, null, {}
  ])")
                                              .as_array();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 256;
  const boost::json::value input = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec) return 0;
  const boost::json::value* doc = &input;
  const boost::json::value* own = nullptr;
  if (input.is_array() && input.as_array().size() == 2) {
    doc = &input.as_array()[0];
    own = &input.as_array()[1];
  }
  const boost::json::value settings = boost::json::parse(R"({"flow": {"x": 1}})");
  sluice::mapper::MapContext context;
  context.settings = &settings;
  for (auto target : {sluice::mapper::Target::kTransform, sluice::mapper::Target::kImport}) {
    auto mapper = target == sluice::mapper::Target::kTransform
                      ? sluice::mapper::Mapper::compile(*doc, "transform")
                      : sluice::mapper::Mapper::compile_mappings(
                            *doc, own, sluice::mapper::Mode::kModify, "mappings", target);
    if (!mapper) continue;
    for (const boost::json::value& record : records()) (void)mapper->apply(record, context);
    if (own != nullptr) (void)mapper->apply(*own, context);
  }
  auto envelope = sluice::mapper::Mapper::compile_mappings(
      *doc, nullptr, sluice::mapper::Mode::kCreate, "mappings", sluice::mapper::Target::kImport,
      sluice::mapper::InputContext::kEnvelope);
  if (envelope)
    for (const boost::json::value& record : records()) (void)envelope->apply(record, context);
  auto v1 = sluice::mapper::Mapper::compile_mapping_v1(*doc, own, "mapping");
  if (v1)
    for (const boost::json::value& record : records()) (void)v1->apply(record, context);
  auto response = sluice::mapper::ResponseMapping::compile(*doc, "responseMapping");
  if (response) {
    for (const boost::json::value& record : records()) {
      boost::json::value copy{boost::json::object{{"id", 1}}};
      (void)response->apply(copy, record);
      if (own != nullptr) (void)response->apply(copy, *own);
    }
  }
  return 0;
}
