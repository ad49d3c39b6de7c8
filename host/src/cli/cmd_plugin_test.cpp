// `sluice plugin test PATH`: the conformance kit (sluice/testing/checks.hpp plus the host's own
// checks), and with resource files the local run of a plugin without installing it.
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "plugins/conformance/host_checks.hpp"
#include "plugins/conformance/plugin_under_test.hpp"
#include "sluice/testing/checks.hpp"
#include "sluice/testing/recording_host.hpp"

namespace sluice::cli {

namespace json = boost::json;
using testing::CheckResult;
using testing::Verdict;

namespace {

constexpr const char* kUsage =
    "usage: sluice plugin test PATH [--connection FILE [--export FILE] [--import FILE\n"
    "                          [--records FILE]]] [--connector NAME] [--max-pages N] [--json]\n"
    "Checks a plugin as the host will use it, without installing it: PATH is its .so, a bundle\n"
    "folder or an installed plugin's id. The checks: the descriptor and its schemas (valid JSON\n"
    "Schema the host can read, an example of each resource apply accepts); empty and wrong-typed\n"
    "settings are refused with SLUICE_INVALID_CONFIG and a message; every capability it has is\n"
    "callable; no exception escapes; every failure has a message; pages are {records, done} and\n"
    "an import answers once per record; each handle is closed exactly once.\n"
    "With --connection (a connection resource, secrets inline) the connection is opened and\n"
    "pinged; with --export too, the export runs against the real application and its pages are\n"
    "printed (records as JSON lines, up to --max-pages, default 3); with --import (and\n"
    "--records, a JSON array) the records are submitted and the per-record results printed.\n"
    "Prints one line per check (PASS, FAIL or SKIP, the check, what it saw) and exits 1 if any\n"
    "check failed. --json prints {\"plugin\",\"passed\",\"checks\":[{\"name\",\"connector\",\n"
    "\"verdict\",\"message\"}],\"pages\",\"importResults\"} instead.";

Result<json::value> read_json_file(const std::string& file, const char* option) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(Status::kNotFound, fmt::format("{} {}: cannot read the file", option, file));
  }
  std::stringstream text;
  text << in.rdbuf();
  json::error_code ec;
  json::value v = json::parse(text.str(), ec);
  if (ec) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("{} {}: not valid JSON: {}", option, file, ec.message()));
  }
  return v;
}

const char* verdict_name(Verdict v) {
  return v == Verdict::kPass ? "pass" : v == Verdict::kFail ? "fail" : "skip";
}

// The connector the inputs are for: --connector, else the one serving the connection document.
const host::ConnectorHandle* pick_connector(const host::LoadedPlugin& plugin,
                                            const std::string& name, const json::object* conn) {
  for (const auto& c : plugin.connectors) {
    if (!name.empty()) {
      if (c.name == name) return &c;
      continue;
    }
    if (conn == nullptr) return &c;
    const json::value* assistant = conn->if_contains("assistant");
    const json::value* type = conn->if_contains("type");
    if (assistant != nullptr && assistant->is_string() && !c.assistant.empty()) {
      if (c.assistant == assistant->as_string()) return &c;
    } else if (type != nullptr && type->is_string() && c.assistant.empty() &&
               c.connection_type == type->as_string()) {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace

int cmd_plugin_test(const Env& env, const Args& args) {
  po::options_description options("options");
  options.add_options()("connection", po::value<std::string>(), "a connection resource (JSON)")(
      "export", po::value<std::string>(), "an export resource to run and print the pages of")(
      "import", po::value<std::string>(), "an import resource to submit --records to")(
      "records", po::value<std::string>(), "a JSON array of records for --import")(
      "connector", po::value<std::string>(), "the connector the resources are for")(
      "max-pages", po::value<std::string>(), "read at most N pages of --export (default 3)")(
      "json", "print a JSON report instead of text")(
      "target", po::value<std::string>()->required(),
      "the plugin to test: its .so, a bundle folder or an installed plugin's id");
  po::positional_options_description positional;
  positional.add("target", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const bool as_json = vm.count("json") != 0u;
  auto opt = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
  };
  if ((vm.count("export") || vm.count("import")) && !vm.count("connection")) {
    return usage_error("--export and --import need --connection FILE", kUsage);
  }
  if (vm.count("records") && !vm.count("import")) {
    return usage_error("--records needs --import FILE", kUsage);
  }
  testing::ConformanceInputs inputs;
  if (vm.count("max-pages")) {
    auto n = parse_limit(opt("max-pages"), kUsage);
    if (!n) return kExitUsage;
    inputs.max_pages = *n;
  }

  auto plugin = host::load_plugin_under_test(opt("target"), env.home);
  if (!plugin) {
    if (as_json) {
      std::cout << json::serialize(json::object{
                       {"plugin", opt("target")},
                       {"passed", false},
                       {"checks", json::array{json::object{{"name", "plugin.loads"},
                                                           {"connector", ""},
                                                           {"verdict", "fail"},
                                                           {"message", plugin.error().message}}}},
                       {"pages", json::array()},
                       {"importResults", json::array()}})
                << '\n';
    } else {
      std::cout << "FAIL plugin.loads — " << plugin.error().message
                << "\n0 passed, 1 failed, 0 skipped\n";
    }
    return kExitFailure;
  }

  std::vector<CheckResult> input_checks;
  std::optional<json::object> connection_doc;
  const host::ConnectorHandle* connector = nullptr;
  for (const char* kind : {"connection", "export", "import", "records"}) {
    if (!vm.count(kind)) continue;
    auto doc = read_json_file(opt(kind), (std::string("--") + kind).c_str());
    if (!doc) {
      print_error(doc.error());
      return kExitUsage;
    }
    const std::string text = json::serialize(*doc);
    if (std::string_view(kind) == "records") {
      if (!doc->is_array()) {
        print_error(fmt::format("--records {}: expected a JSON array of records", opt(kind)));
        return kExitUsage;
      }
      inputs.records_json = text;
      continue;
    }
    if (!doc->is_object()) {
      print_error(
          fmt::format("--{} {}: expected one {} resource (a JSON object)", kind, opt(kind), kind));
      return kExitUsage;
    }
    if (std::string_view(kind) == "connection") {
      connection_doc = doc->as_object();
      connector = pick_connector(**plugin, opt("connector"), &*connection_doc);
      if (connector == nullptr) {
        print_error(
            fmt::format("--connection {}: no connector of plugin {} serves it (its "
                        "\"type\"/\"assistant\"{}); see `sluice plugin info`",
                        opt(kind), (*plugin)->id, vm.count("connector") ? " or --connector" : ""));
        return kExitUsage;
      }
      inputs.connection_json = text;
      inputs.connector = connector->name;
    } else {
      (std::string_view(kind) == "export" ? inputs.export_json : inputs.import_json) = text;
    }
    input_checks.push_back(host::check_input_document(*connector, kind, doc->as_object()));
  }

  // The plugin keeps the host table it was given for as long as it is loaded: for ever.
  static testing::RecordingHost recording;
  const sluice_plugin_descriptor* descriptor = host::entry_of(**plugin)(recording.api());
  testing::ConformanceReport report = testing::run_conformance(descriptor, recording, inputs);
  auto extra = host::host_checks(**plugin);
  report.checks.insert(report.checks.begin() + (report.checks.empty() ? 0 : 1), extra.begin(),
                       extra.end());
  report.checks.insert(report.checks.end(), input_checks.begin(), input_checks.end());

  if (as_json) {
    json::array checks;
    for (const auto& c : report.checks) {
      checks.push_back(json::object{{"name", c.name},
                                    {"connector", c.connector},
                                    {"verdict", verdict_name(c.verdict)},
                                    {"message", c.message}});
    }
    json::array pages(report.pages.begin(), report.pages.end());
    std::cout << json::serialize(json::object{{"plugin", (*plugin)->id},
                                              {"passed", report.passed()},
                                              {"checks", std::move(checks)},
                                              {"pages", std::move(pages)},
                                              {"importResults", report.import_results}})
              << '\n';
    return report.passed() ? kExitOk : kExitFailure;
  }
  for (size_t i = 0; i < report.pages.size(); ++i) {
    const json::array& records = report.pages[i].at("records").as_array();
    std::cout << fmt::format(
        "== page {}: {} record{}{} ==\n", i + 1, records.size(), records.size() == 1 ? "" : "s",
        report.pages[i].contains("done") && report.pages[i].at("done") == true ? ", done" : "");
    for (const auto& r : records) std::cout << json::serialize(r) << '\n';
  }
  if (vm.count("import")) {
    std::cout << fmt::format("== import results: {} ==\n", report.import_results.size());
    for (const auto& r : report.import_results) std::cout << json::serialize(r) << '\n';
  }
  for (const auto& line : recording.logs()) {
    static const char* const kLevels[] = {"debug", "info", "warn", "error"};
    const int level = static_cast<int>(line.level);
    std::cerr << "plugin log " << (level >= 0 && level <= 3 ? kLevels[level] : "?") << ": "
              << line.message << '\n';
  }
  std::cout << fmt::format("plugin {} {} ({})\n", (*plugin)->id, (*plugin)->version,
                           (*plugin)->file.string())
            << testing::format_report(report);
  return report.passed() ? kExitOk : kExitFailure;
}

}  // namespace sluice::cli
