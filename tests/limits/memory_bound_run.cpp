// A child process for memory_bound_test: runs one flow of the memory plugin whose pages are just
// under the page limit, with a slow import, and reports the job and its memory, so that the peak
// RSS measured (VmHWM) is this job's alone.
//
// usage: memory_bound_run HOME PLUGIN_FILE PAGES PAGE_LIMIT_BYTES QUEUE_DEPTH SUBMIT_DELAY_MS OUT
//        [stall]
// Writes to OUT, one per line: status, numExport, RSS before the run (KB), peak RSS (KB), message.
// With `stall`, the export's next_page hangs instead and its deadline is 1 s: the job fails and
// the process exits while that call is still running in the plugin.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "flow_resources.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"

namespace {

// A "VmRSS"/"VmHWM" figure of /proc/self/status, in KB.
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0)
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sluice;
  if (argc != 8 && !(argc == 9 && std::string(argv[8]) == "stall")) {
    std::cerr << "usage: memory_bound_run HOME PLUGIN_FILE PAGES PAGE_LIMIT_BYTES QUEUE_DEPTH "
                 "SUBMIT_DELAY_MS OUT [stall]\n";
    return 2;
  }
  const long pages = std::atol(argv[3]);
  const long page_limit = std::atol(argv[4]);
  const long queue_depth = std::atol(argv[5]);
  const long submit_delay_ms = std::atol(argv[6]);
  auto store = host::open_sqlite_store(argv[1]);
  if (!store) {
    std::cerr << store.error().message << '\n';
    return 1;
  }
  host::PluginRegistry registry;
  auto plugin = host::load_plugin(argv[2], std::nullopt);
  if (!plugin || !registry.add(std::move(*plugin))) {
    std::cerr << "cannot load " << argv[2] << '\n';
    return 1;
  }
  // 10 records a page, padded so that a page is about 95% of the limit.
  constexpr long kRecordsPerPage = 10;
  boost::json::object exp{{"count", pages * kRecordsPerPage},
                          {"pagesOf", kRecordsPerPage},
                          {"recordBytes", page_limit * 95 / 100 / kRecordsPerPage}};
  boost::json::object imp{{"submitDelayMs", submit_delay_ms}};
  const bool stall = argc == 9;
  if (stall) exp["stall"] = true;
  if (auto put = limits_test::put_memory_flow(**store, std::move(exp), std::move(imp)); !put) {
    std::cerr << put.error().message << '\n';
    return 1;
  }
  runtime::RunOptions options;
  options.queue_depth = static_cast<size_t>(queue_depth);
  options.limits.page_bytes = static_cast<size_t>(page_limit);
  if (stall) options.limits.export_next_page = std::chrono::seconds(1);
  const long before_kb = status_kb("VmRSS");
  auto job = runtime::run_flow(**store, registry, "f", options);
  const long peak_kb = status_kb("VmHWM");
  if (!job) {
    std::cerr << job.error().message << '\n';
    return 1;
  }
  std::ofstream(argv[7]) << job->status << '\n'
                         << job->num_export << '\n'
                         << before_kb << '\n'
                         << peak_kb << '\n'
                         << job->message << '\n';
  return 0;
}
