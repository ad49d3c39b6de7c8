#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/plugin_users.hpp"
#include "cli/table.hpp"
#include "plugins/conformance/example_resources.hpp"
#include "plugins/installer.hpp"
#include "plugins/loader.hpp"
#include "plugins/plugin_json.hpp"
#include "plugins/settings_schema.hpp"
#include "sluice/testing/checks.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

constexpr const char* kUsage =
    "usage: sluice plugin install PATH [--json]   install a plugin (.so, bundle folder or "
    ".tar.gz)\n"
    "       sluice plugin list [--json]           list installed plugins\n"
    "       sluice plugin info ID [--json]        every setting a plugin's connectors declare\n"
    "       sluice plugin info ID --example       example resources for each connector\n"
    "       sluice plugin test PATH [...]         check a plugin without installing it (see\n"
    "                                             `sluice plugin test --help`)\n"
    "       sluice plugin remove ID [--force] [--json]\n"
    "                                             uninstall a plugin; refused while stored\n"
    "                                             connections use it, unless --force\n"
    "With --json, install prints {\"id\",\"version\",\"abiVersion\",\"connectors\",\"folder\",\n"
    "\"replacedVersion\"} and remove prints "
    "{\"removed\":ID,\"connectionsLeftWithoutPlugin\":[...]}.";

void print_settings(const char* title, const json::object& schema) {
  std::cout << '\n' << title << '\n';
  auto rows = host::flatten_schema(schema);
  if (rows.empty()) {
    std::cout << "  (none)\n";
    return;
  }
  Table table({"  SETTING", "TYPE", "REQUIRED", "DEFAULT", "SECRET", "HELP"});
  for (const auto& r : rows) {
    std::string type = r.type;
    if (!r.values.empty()) type += fmt::format(" ({})", fmt::join(r.values, "|"));
    std::string help = r.help;
    if (!r.unsupported_values.empty()) {
      help += fmt::format("{}Not supported yet (refused at apply): {}.", help.empty() ? "" : " ",
                          fmt::join(r.unsupported_values, ", "));
    }
    std::string required =
        r.required ? (r.shown_when.empty() ? "yes" : "when " + r.shown_when) : "no";
    if (!r.required && !r.shown_when.empty())
      help = fmt::format("[shown when {}] {}", r.shown_when, help);
    table.add({"  " + r.path, type, required, r.default_value.empty() ? "-" : r.default_value,
               r.secret ? "yes" : "-", help});
  }
  table.print(std::cout);
  const auto unsupported = host::unsupported_settings(schema);
  if (unsupported.empty()) return;
  std::cout << "  Not supported yet (a resource setting one is refused at apply):\n";
  for (const auto& u : unsupported) {
    std::cout << "    " << u.path << (u.help.empty() ? "" : " — " + u.help) << '\n';
  }
}

using host::plugin_json;

int install(const Env& env, const std::string& path, bool as_json) {
  auto outcome = host::install_plugin(path, env.home);
  if (!outcome) {
    print_error(outcome.error());
    return kExitFailure;
  }
  const auto& m = outcome->manifest;
  if (as_json) {
    json::object out{{"id", m.id},
                     {"version", m.version},
                     {"abiVersion", m.abi_version},
                     {"connectors", outcome->connector_count},
                     {"folder", outcome->folder.string()},
                     {"replacedVersion", nullptr}};
    if (!outcome->replaced_version.empty()) out["replacedVersion"] = outcome->replaced_version;
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  std::cout << fmt::format("installed plugin {} {} (ABI {}, {} connector{}) into {}\n", m.id,
                           m.version, m.abi_version, outcome->connector_count,
                           outcome->connector_count == 1 ? "" : "s", outcome->folder.string());
  if (!outcome->replaced_version.empty()) {
    std::cout << fmt::format("  replaced the installed version {}\n", outcome->replaced_version);
  }
  return kExitOk;
}

int list(const Env& env, bool as_json) {
  host::PluginRegistry registry = env.load_plugins(as_json);
  if (as_json) {
    json::array out;
    for (const auto& p : registry.plugins()) out.push_back(plugin_json(*p, false));
    for (const auto& problem : registry.problems()) {
      out.push_back(json::object{{"file", problem.file.string()}, {"error", problem.message}});
    }
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  if (registry.plugins().empty()) {
    std::cout << "no plugins installed in " << host::plugins_dir(env.home).string()
              << "; install one with `sluice plugin install PATH`\n";
    return kExitOk;
  }
  Table table({"ID", "VERSION", "ABI", "CONNECTORS", "DESCRIPTION"});
  for (const auto& p : registry.plugins()) {
    std::vector<std::string> names;
    for (const auto& c : p->connectors)
      names.push_back(c.assistant.empty() ? c.connection_type : c.assistant);
    table.add({p->id, p->version, fmt::format("{}.{}", p->abi_major, p->abi_minor),
               fmt::format("{}", fmt::join(names, ",")), p->description});
  }
  table.print(std::cout);
  return kExitOk;
}

// The example resources of every connector, generated from its schemas (example_resources.hpp).
json::array examples_json(const host::LoadedPlugin& p) {
  json::array out;
  for (const auto& c : p.connectors) {
    for (auto& doc : host::example_resources(c, c.can(SLUICE_CAP_EXPORT), c.can(SLUICE_CAP_IMPORT)))
      out.push_back(std::move(doc));
  }
  return out;
}

int info(const Env& env, const std::string& id, bool as_json, bool example) {
  host::PluginRegistry registry = env.load_plugins(true);
  const host::LoadedPlugin* p = registry.find(id);
  if (p == nullptr) {
    for (const auto& problem : registry.problems()) {
      if (problem.file.parent_path().filename() == id) {
        print_error(problem.message);
        return kExitFailure;
      }
    }
    print_error(fmt::format("no plugin '{}' is installed; see `sluice plugin list`", id),
                "not_found");
    return kExitFailure;
  }
  if (example) {
    std::cout << json::serialize(examples_json(*p)) << '\n';
    return kExitOk;
  }
  if (as_json) {
    std::cout << json::serialize(plugin_json(*p, true)) << '\n';
    return kExitOk;
  }
  std::cout << fmt::format(
      "plugin {} {} — {}\n  file {}\n  requires ABI {}.{} (built against {}.{}), SDK {}, built "
      "with {}\n",
      p->id, p->version, p->description, p->file.string(), p->abi_major, p->abi_minor, p->abi_major,
      p->built_minor, p->sdk_version, p->build_info);
  for (const auto& c : p->connectors) {
    std::cout << fmt::format(
        "\nconnector {} ({}{}, connection type \"{}\"{})\n", c.name,
        c.label.empty() ? "" : c.label + ", ", c.branded ? "branded" : "universal",
        c.connection_type,
        c.assistant.empty() ? "" : fmt::format(", assistant \"{}\"", c.assistant));
    std::cout << fmt::format("  capabilities: {}; connection {}\n",
                             host::capability_names(c.capabilities),
                             c.thread_safe_connection ? "thread-safe (calls may overlap)"
                                                      : "not thread-safe (calls serialised)");
    print_settings("Connection settings", c.connection_schema);
    print_settings("Export settings", c.export_schema);
    print_settings("Import settings", c.import_schema);
    if (c.can(SLUICE_CAP_LISTENER)) print_settings("Listener settings", c.listener_schema);
  }
  return kExitOk;
}

int remove(const Env& env, const std::string& id, bool force, bool as_json) {
  std::vector<std::string> users;
  // No store yet (HOME/sluice.db, see store.hpp) means no connections: don't create one here.
  if (std::filesystem::exists(env.home / "sluice.db")) {
    auto store = host::open_sqlite_store(env.home.string());
    if (!store && !force) {
      print_error(fmt::format("{}\n  (the store must be read to know which connections use "
                              "plugin {}; pass --force to remove it without checking)",
                              store.error().message, id),
                  to_string(store.error().status));
      return kExitFailure;
    }
    if (store) {
      auto found = connections_using(**store, env.load_plugins(true), id);
      if (!found) {
        print_error(found.error());
        return kExitFailure;
      }
      users = std::move(*found);
    }
  }
  if (!users.empty() && !force) {
    print_error(fmt::format("{}; remove or re-point {} first, or pass --force",
                            describe_users(users, id), users.size() == 1 ? "it" : "them"),
                "in_use");
    return kExitFailure;
  }
  if (auto r = host::remove_plugin(id, env.home); !r) {
    print_error(r.error());
    return kExitFailure;
  }
  if (as_json) {
    std::cout << json::serialize(json::object{
                     {"removed", id},
                     {"connectionsLeftWithoutPlugin", json::array(users.begin(), users.end())}})
              << '\n';
    return kExitOk;
  }
  std::cout << "removed plugin " << id << '\n';
  if (!users.empty()) {
    const bool one = users.size() == 1;
    std::cout << fmt::format(
        "  {} {} {} now served by no plugin: install plugin {} again or re-point {}\n",
        one ? "connection" : "connections", fmt::join(users, ", "), one ? "is" : "are", id,
        one ? "it" : "them");
  }
  return kExitOk;
}

}  // namespace

int cmd_plugin(const Env& env, const Args& args) {
  // `plugin test` has options of its own: the first word that is not an option selects it.
  for (auto it = args.begin(); it != args.end(); ++it) {
    if (it->starts_with("-")) continue;
    if (*it != "test") break;
    Args rest(args.begin(), it);
    rest.insert(rest.end(), it + 1, args.end());
    return cmd_plugin_test(env, rest);
  }
  po::options_description options("options");
  options.add_options()("json", "print JSON instead of text")(
      "force", "with remove: remove even while connections use the plugin")(
      "example", "with info: print example resources (JSON) generated from the schemas")(
      "action", po::value<std::string>()->required(),
      "what to do with plugins: install, list, info, test or remove")(
      "target", po::value<std::string>(), "PATH or ID");
  po::positional_options_description positional;
  positional.add("action", 1).add("target", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const std::string action = vm["action"].as<std::string>();
  const std::string target = vm.count("target") ? vm["target"].as<std::string>() : "";
  const bool as_json = vm.count("json") != 0u;
  if (action != "install" && action != "list" && action != "info" && action != "remove") {
    return usage_error(
        fmt::format("unknown plugin command '{}': expected install, list, info, test or remove",
                    action),
        kUsage);
  }
  if (vm.count("example") != 0u && action != "info") {
    return usage_error("--example applies only to `sluice plugin info`", kUsage);
  }
  if (vm.count("force") != 0u && action != "remove") {
    return usage_error("--force applies only to `sluice plugin remove`", kUsage);
  }
  if (action == "list") {
    if (!target.empty())
      return usage_error(fmt::format("unexpected argument '{}'", target), kUsage);
    return list(env, as_json);
  }
  if (target.empty()) {
    return usage_error(fmt::format("expected {} after `sluice plugin {}`",
                                   action == "install" ? "the PATH of a plugin (.so, bundle folder "
                                                         "or .tar.gz)"
                                                       : "a plugin ID (see `sluice plugin list`)",
                                   action),
                       kUsage);
  }
  if (action == "install") return install(env, target, as_json);
  if (action == "info") return info(env, target, as_json, vm.count("example") != 0u);
  return remove(env, target, vm.count("force") != 0u, as_json);
}

}  // namespace sluice::cli
