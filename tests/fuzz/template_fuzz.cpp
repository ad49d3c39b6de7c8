// libFuzzer target: the Handlebars parser and renderer on any input. Parsing must not crash,
// hang or grow memory without bound; whatever parses is rendered with every escape, leniently
// and strictly. The context's arrays and objects hold one item each, so the number of
// iterations stays linear in the input whatever blocks it nests.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "sluice/support/template.hpp"

namespace {

const boost::json::value& context() {
  static const boost::json::value value = boost::json::parse(R"({
    "a": {"b": [{"c": "x&y", "n": 0}], "s": "str", "t": true, "f": false, "z": null},
    "arr": [1], "obj": {"k": [2]}, "e": [], "name": "<b>"
  })");
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  auto parsed = sluice::support::Template::parse(source, "fuzz");
  if (!parsed) return 0;
  (void)parsed->references("a.b");
  (void)parsed->is_literal();
  for (auto escape : {sluice::support::Escape::kHtml, sluice::support::Escape::kUri,
                      sluice::support::Escape::kJson}) {
    sluice::support::RenderOptions options;
    options.escape = escape;
    (void)parsed->evaluate(context(), options);
  }
  sluice::support::RenderOptions strict;
  strict.strict = true;
  (void)parsed->evaluate(context(), strict);
  (void)parsed->render(context(), sluice::support::Escape::kXml);
  return 0;
}
