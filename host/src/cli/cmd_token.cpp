// `sluice token create|list|revoke`: the tokens of the REST API of `sluice serve`
// (serve/api/api_token.hpp; docs/serve.md, "REST API").
#include <iostream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/table.hpp"
#include "resources/apply.hpp"
#include "runtime/clock.hpp"
#include "serve/api/api_token.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

constexpr const char* kUsage =
    "usage: sluice token create NAME [--json]   make a token for the REST API; it is printed\n"
    "                                           once, and only its SHA-256 is stored\n"
    "       sluice token list [--json]          the tokens' names and when each was made\n"
    "       sluice token revoke NAME [--json]   delete a token: requests with it get 401\n"
    "A client sends the token as `Authorization: Bearer TOKEN` to `sluice serve`'s /api/v1\n"
    "(docs/serve.md, \"REST API\"). A lost token cannot be shown again: revoke it and create\n"
    "another.";

int create(host::Store& store, const std::string& name, bool as_json) {
  if (!host::is_valid_resource_id(name)) {
    return usage_error(fmt::format("'{}' is not a token name: use letters, digits and . _ : - "
                                   "(starting with a letter or digit, at most 128 characters)",
                                   name),
                       kUsage);
  }
  auto token = serve::generate_api_token();
  if (!token) {
    print_error(token.error());
    return kExitFailure;
  }
  const host::ApiToken stored{name, serve::api_token_hash(*token), runtime::now_iso8601()};
  if (auto added = store.add_api_token(stored); !added) {
    print_error(added.error());
    return kExitFailure;
  }
  if (as_json) {
    std::cout << json::serialize(json::object{
                     {"name", name}, {"token", *token}, {"createdAt", stored.created_at}})
              << '\n';
    return kExitOk;
  }
  std::cout << *token << '\n';
  std::cerr << fmt::format(
      "token {} created; it is shown only this once — keep it where your client can read it, "
      "and send it as `Authorization: Bearer TOKEN`\n",
      name);
  return kExitOk;
}

int list(host::Store& store, bool as_json) {
  auto tokens = store.list_api_tokens();
  if (!tokens) {
    print_error(tokens.error());
    return kExitFailure;
  }
  if (as_json) {
    json::array out;
    for (const auto& t : *tokens) {
      out.push_back(json::object{{"name", t.name}, {"createdAt", t.created_at}});
    }
    std::cout << json::serialize(out) << '\n';
    return kExitOk;
  }
  if (tokens->empty()) {
    std::cout << "no API tokens; make one with `sluice token create NAME`\n";
    return kExitOk;
  }
  Table table({"NAME", "CREATED"});
  for (const auto& t : *tokens) table.add({t.name, t.created_at});
  table.print(std::cout);
  return kExitOk;
}

int revoke(host::Store& store, const std::string& name, bool as_json) {
  auto revoked = store.revoke_api_token(name);
  if (!revoked) {
    print_error(revoked.error());
    return kExitFailure;
  }
  if (!*revoked) {
    print_error(fmt::format("no API token named {}; see `sluice token list`", name), "not_found");
    return kExitFailure;
  }
  if (as_json) {
    std::cout << json::serialize(json::object{{"revoked", name}}) << '\n';
  } else {
    std::cout << fmt::format("token {} revoked\n", name);
  }
  return kExitOk;
}

}  // namespace

int cmd_token(const Env& env, const Args& args) {
  po::options_description options("options");
  options.add_options()("json", po::bool_switch(), "print the result as JSON")(
      "action", po::value<std::string>()->required(), "what to do: create, list or revoke")(
      "name", po::value<std::string>(), "a token name");
  po::positional_options_description positional;
  positional.add("action", 1).add("name", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  const std::string action = vm["action"].as<std::string>();
  const bool as_json = vm["json"].as<bool>();
  if (action != "create" && action != "list" && action != "revoke") {
    return usage_error(
        fmt::format("unknown token command '{}': expected create, list or revoke", action), kUsage);
  }
  if (action == "list" && vm.count("name") != 0u) {
    return usage_error("`sluice token list` takes no name", kUsage);
  }
  if (action != "list" && vm.count("name") == 0u) {
    return usage_error(fmt::format("expected a token name: `sluice token {} NAME`", action),
                       kUsage);
  }
  auto store = env.open_store();
  if (!store) return kExitFailure;
  if (action == "list") return list(*store, as_json);
  const std::string name = vm["name"].as<std::string>();
  return action == "create" ? create(*store, name, as_json) : revoke(*store, name, as_json);
}

}  // namespace sluice::cli
