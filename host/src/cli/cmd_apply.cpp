#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "resources/apply.hpp"
#include "resources/printable.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

std::string_view singular(host::ResourceKind kind) {
  std::string_view text = host::to_string(kind);
  text.remove_suffix(1);  // "connections" -> "connection"
  return text;
}

json::object report_json(const host::ApplyReport& report) {
  json::array applied, warnings, skipped, problems;
  for (const auto& r : report.applied) {
    applied.push_back(
        json::object{{"kind", singular(r.kind)}, {"id", r.id}, {"file", r.file.string()}});
  }
  for (const auto& w : report.warnings) warnings.emplace_back(w);
  for (const auto& s : report.skipped)
    skipped.push_back(json::object{{"file", s.file.string()}, {"reason", s.reason}});
  for (const auto& p : report.problems) problems.emplace_back(p);
  return json::object{{"ok", report.ok()},
                      {"applied", std::move(applied)},
                      {"warnings", std::move(warnings)},
                      {"skipped", std::move(skipped)},
                      {"problems", std::move(problems)}};
}

}  // namespace

int cmd_apply(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice apply [--json] PATH\n"
      "Validates the resources in PATH (a .json file, a folder of them, or - for standard input:\n"
      "connections, exports, imports and flows in integrator.io's shape) against the fields\n"
      "Sluice and their plugins know (docs/resources.md), then stores them all in one\n"
      "transaction. If anything is invalid, nothing is stored. In a folder, hidden files and\n"
      "files not named *.json are skipped and listed.";
  po::options_description options("options");
  options.add_options()("path", po::value<std::string>()->required(),
                        "a PATH: a resource file or a folder of them, or - for standard input")(
      "json", po::bool_switch(), "print the result as one JSON object");
  po::positional_options_description positional;
  positional.add("path", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  auto store = env.open_store();
  if (!store) return kExitFailure;
  host::PluginRegistry registry = env.load_plugins();
  const std::string path = vm["path"].as<std::string>();
  const host::ApplyReport report =
      path == "-" ? host::apply_resource_stream(std::cin, "<standard input>", *store, registry)
                  : host::apply_resources(path, *store, registry);
  if (vm["json"].as<bool>()) {
    std::cout << json::serialize(report_json(report)) << '\n';
    return report.ok() ? kExitOk : kExitFailure;
  }
  for (const auto& s : report.skipped) {
    std::cerr << fmt::format("skipped {} ({})\n", host::printable(s.file.string()), s.reason);
  }
  for (const auto& w : report.warnings) std::cerr << "warning: " << w << '\n';
  if (!report.ok()) {
    print_error(report.message());
    return kExitFailure;
  }
  for (const auto& r : report.applied) {
    std::cout << fmt::format("applied {} {}  ({})\n", singular(r.kind), r.id,
                             host::printable(r.file.string()));
  }
  std::cout << fmt::format("{} resource{} applied\n", report.applied.size(),
                           report.applied.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace sluice::cli
