#include "cli/command.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "secrets/redactor.hpp"

namespace sluice::cli {

namespace {

bool g_json_errors = false;

// The hidden option that collects every positional argument; parse_args hands them out.
constexpr const char* kArguments = "sluice-arguments";

void print_json_error(std::string_view message, std::string_view status) {
  if (!g_json_errors) return;
  boost::json::object error{{"message", host::redact_secrets(message)}, {"status", status}};
  std::cout << boost::json::serialize(boost::json::object{{"error", std::move(error)}}) << '\n'
            << std::flush;
}

}  // namespace

std::unique_ptr<host::Store> Env::open_store() const {
  auto store = host::open_sqlite_store(home.string());
  if (!store) {
    print_error(store.error());
    return nullptr;
  }
  return std::move(*store);
}

host::PluginRegistry Env::load_plugins(bool quiet) const {
  host::PluginRegistry registry = host::PluginRegistry::load_installed(home);
  if (!quiet) {
    for (const auto& problem : registry.problems()) {
      std::cerr << "warning: " << problem.message
                << "\n  (skipped; the other plugins are available)\n";
    }
  }
  return registry;
}

bool parse_args(const Args& args, const std::string& usage, const po::options_description& options,
                const po::positional_options_description& positional, po::variables_map& vm,
                int& exit_code) {
  const auto options_end = std::find(args.begin(), args.end(), "--");
  set_json_errors(std::find(args.begin(), options_end, "--json") != options_end);
  std::vector<std::string> names;
  for (unsigned i = 0; i < positional.max_total_count(); ++i)
    names.push_back(positional.name_for_position(i));
  po::options_description visible("options", 100, 50);
  for (const auto& option : options.options()) {
    if (std::find(names.begin(), names.end(), option->long_name()) == names.end())
      visible.add(option);
  }
  visible.add_options()("home", po::value<std::string>()->value_name("DIR"), kHomeHelp)(
      "help,h", "show this help");
  const auto fail = [&](const std::string& message) {
    std::cerr << "error: " << message << "\n\n" << usage << "\n\n" << visible << '\n';
    print_json_error(message, "usage");
    exit_code = kExitUsage;
    return false;
  };
  po::options_description all = visible;
  all.add_options()(kArguments, po::value<std::vector<std::string>>(), "");
  po::positional_options_description rest;
  rest.add(kArguments, -1);
  // "--limit -1" would otherwise read as an option "-1" and "--limit" as missing its value.
  Args joined;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {  // the rest are arguments, whatever they look like
      joined.insert(joined.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    if (args[i].starts_with(std::string("--") + kArguments)) {
      return fail(fmt::format("unrecognised option '{}'", args[i]));
    }
    const po::option_description* option =
        args[i].size() > 2 && args[i].starts_with("--") && args[i].find('=') == std::string::npos
            ? visible.find_nothrow(args[i].substr(2), false)
            : nullptr;
    if (option != nullptr && option->semantic()->max_tokens() > 0 && i + 1 < args.size() &&
        args[i + 1].size() > 1 && args[i + 1][0] == '-' &&
        std::isdigit(static_cast<unsigned char>(args[i + 1][1])) != 0) {
      joined.push_back(args[i] + "=" + args[i + 1]);
      ++i;
    } else {
      joined.push_back(args[i]);
    }
  }
  try {
    // No guessing of abbreviated names: "--li" is not "--limit", and never the hidden option.
    po::store(
        po::command_line_parser(joined)
            .options(all)
            .positional(rest)
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run(),
        vm);
  } catch (const po::error& e) {
    return fail(e.what());
  }
  if (vm.count("help") != 0u) {
    std::cout << usage << "\n\n" << visible << '\n';
    exit_code = kExitOk;
    return false;
  }
  std::vector<std::string> values;
  if (vm.count(kArguments) != 0u) values = vm[kArguments].as<std::vector<std::string>>();
  vm.erase(kArguments);
  for (size_t i = 0; i < values.size(); ++i) {
    if (i >= names.size()) return fail(fmt::format("unexpected argument '{}'", values[i]));
    vm.emplace(names[i], po::variable_value(boost::any(values[i]), false));
  }
  for (const auto& name : names) {
    const po::option_description* option = options.find_nothrow(name, false);
    if (option != nullptr && option->semantic()->is_required() && vm.count(name) == 0u)
      return fail("expected " + option->description());
  }
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(e.what());
  }
  return true;
}

void set_json_errors(bool on) noexcept { g_json_errors = on; }

void print_error(const std::string& message, std::string_view status) {
  std::cerr << "error: " << host::redact_secrets(message) << '\n';
  print_json_error(message, status);
}

void print_error(const Error& error) { print_error(error.message, to_string(error.status)); }

int usage_error(const std::string& message, const std::string& usage) {
  std::cerr << "error: " << host::redact_secrets(message) << "\n\n" << usage << '\n';
  print_json_error(message, "usage");
  return kExitUsage;
}

std::optional<size_t> parse_limit(const std::string& text, const std::string& usage) {
  size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > kMaxLimit) {
    usage_error(fmt::format("--limit {}: expected a whole number from 1 to {}", text, kMaxLimit),
                usage);
    return std::nullopt;
  }
  return value;
}

}  // namespace sluice::cli
