#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "cli/command.hpp"
#include "sluice/support/template.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

std::optional<std::string> read_text(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    print_error(fmt::format("cannot read {} {}: no such file, or not readable", what, path),
                "not_found");
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int cmd_template(const Env&, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice template render TEMPLATE_FILE --context CONTEXT.json\n"
      "                              [--as uri|json|xml|html|raw] [--strict]\n"
      "Renders a Handlebars template as a setting would render it and prints the result (no\n"
      "newline added), or the error with its line and column. CONTEXT.json holds what the\n"
      "template sees, e.g. {\"record\":{...},\"connection\":{...}} (see docs/templates.md).\n"
      "--as picks the escaping of {{x}}: html (the default, handlebars.js's), uri (a value in a\n"
      "URL), json (inside a JSON string), xml, raw (none). --strict makes a missing value an\n"
      "error (integrator.io's strictHandlebarEvaluation).";
  po::options_description options("options");
  options.add_options()("context", po::value<std::string>()->required(),
                        "a JSON file: the context the template renders with")(
      "as", po::value<std::string>()->default_value("html"), "uri, json, xml, html or raw")(
      "strict", "a missing value is an error instead of empty")(
      "action", po::value<std::string>()->required(), "the action: render")(
      "file", po::value<std::string>()->required(), "a template file");
  po::positional_options_description positional;
  positional.add("action", 1).add("file", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  if (vm["action"].as<std::string>() != "render") {
    return usage_error(
        fmt::format("unknown action '{}'; the action is render", vm["action"].as<std::string>()),
        kUsage);
  }
  const std::string as = vm["as"].as<std::string>();
  support::RenderOptions render;
  if (as == "html") {
    render.escape = support::Escape::kHtml;
  } else if (as == "uri") {
    render.escape = support::Escape::kUri;
  } else if (as == "json") {
    render.escape = support::Escape::kJson;
  } else if (as == "xml") {
    render.escape = support::Escape::kXml;
  } else if (as == "raw") {
    render.escape = support::Escape::kNone;
  } else {
    return usage_error(fmt::format("--as must be uri, json, xml, html or raw, got '{}'", as),
                       kUsage);
  }
  render.strict = vm.count("strict") != 0u;
  const std::string file = vm["file"].as<std::string>();
  const std::string context_file = vm["context"].as<std::string>();
  auto source = read_text(file, "template");
  if (!source) return kExitFailure;
  auto context_text = read_text(context_file, "context");
  if (!context_text) return kExitFailure;
  boost::system::error_code ec;
  json::value context = json::parse(*context_text, ec);
  if (ec) {
    print_error(fmt::format("context {} is not JSON: {}; fix the file and run again", context_file,
                            ec.message()),
                "invalid_config");
    return kExitFailure;
  }
  auto parsed = support::Template::parse(*source, file);
  if (!parsed) {
    print_error(parsed.error());
    return kExitFailure;
  }
  auto rendered = parsed->evaluate(context, render);
  if (!rendered) {
    print_error(rendered.error());
    return kExitFailure;
  }
  std::cout << *rendered << std::flush;
  return kExitOk;
}

}  // namespace sluice::cli
