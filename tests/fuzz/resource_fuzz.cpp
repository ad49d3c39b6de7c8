// libFuzzer target over what `sluice apply` does with untrusted text: the resource reader (UTF-8,
// BOM, JSON with comments), the size limits, the host and HTTP plugin schemas, the validator with
// its nearest-name suggestions, the reference checks, and the printable() escaping of messages.
// The store is a stand-in that holds nothing, so every input starts from the same state.
//
// Built only with -DSLUICE_FUZZ=ON and clang; tools/test runs it for a bounded time.
#include <functional>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "../../plugins/http/settings.hpp"
#include "resources/apply.hpp"
#include "resources/printable.hpp"

namespace {

namespace json = boost::json;
using namespace sluice;
using namespace sluice::host;

class EmptyStore : public Store {
 public:
  Result<void> put_resources(const std::vector<Resource>&) override { return {}; }
  Result<std::optional<json::object>> get_resource(ResourceKind, std::string_view,
                                                   Secrets) override {
    return std::optional<json::object>();
  }
  Result<std::vector<json::object>> list_resources(ResourceKind, Secrets) override {
    return std::vector<json::object>();
  }
  Result<void> put_job(const Job&) override { return {}; }
  Result<std::optional<Job>> get_job(std::string_view) override { return std::optional<Job>(); }
  Result<std::vector<Job>> list_jobs(std::string_view, size_t) override {
    return std::vector<Job>();
  }
  Result<FlowClaim> claim_flow(const Job&, const std::function<bool(Job&)>&) override {
    return FlowClaim{};
  }
  Result<bool> update_running_job(const Job&, const std::vector<JobError>&) override {
    return false;
  }
  Result<void> add_errors(const std::vector<JobError>&) override { return {}; }
  Result<std::vector<JobError>> list_errors(std::string_view, size_t) override {
    return std::vector<JobError>();
  }
  Result<json::value> get_state(std::string_view) override { return json::value(); }
  Result<void> put_state(std::string_view, const json::value&) override { return {}; }
};

struct Fixture {
  EmptyStore store;
  PluginRegistry registry;
  Fixture() {
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->id = "http";
    ConnectorHandle c;
    c.name = "http";
    c.connection_type = "http";
    c.connection_schema = plugins::http::connection_schema().to_json();
    c.export_schema = plugins::http::export_schema().to_json();
    c.import_schema = plugins::http::import_schema().to_json();
    plugin->connectors.push_back(std::move(c));
    if (!registry.add(std::move(plugin))) __builtin_trap();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ApplyOptions options;
  options.limits.max_document_bytes = 16 * 1024;
  options.limits.max_file_bytes = 256 * 1024;
  std::istringstream in(text);
  const ApplyReport report =
      apply_resource_stream(in, "<fuzz>", fixture.store, fixture.registry, options);
  // What apply promises: nothing applied when there is a problem, every message printable.
  if (!report.ok() && !report.applied.empty()) __builtin_trap();
  for (const std::string& problem : report.problems) {
    const std::string shown = printable(problem);
    for (unsigned char c : shown) {
      if (c < 0x20 || c == 0x7F) __builtin_trap();
    }
  }
  for (const AppliedResource& r : report.applied) {
    if (!is_valid_resource_id(r.id)) __builtin_trap();
  }
  (void)printable(text);
  return 0;
}
