// /api/v1/plugins: what `sluice plugin list --json` and `sluice plugin info ID --json` show.
#include <fmt/format.h>

#include "plugins/plugin_json.hpp"
#include "serve/api/api_support.hpp"

namespace sluice::serve::api {

namespace json = boost::json;

void add_plugin_routes(Router& router, ApiContext& context) {
  router.add({.method = "GET",
              .pattern = std::string(kPrefix) + "/plugins",
              .handler = authorized(context,
                                    [&context](const HttpRequest&) {
                                      json::array out;
                                      for (const auto& p : context.registry.plugins()) {
                                        out.push_back(host::plugin_json(*p, false));
                                      }
                                      return json_response(200, out);
                                    }),
              .summary = "list the installed plugins"});
  router.add({.method = "GET",
              .pattern = std::string(kPrefix) + "/plugins/{id}",
              .handler = authorized(context,
                                    [&context](const HttpRequest& request) {
                                      const std::string& id = request.params.at("id");
                                      const host::LoadedPlugin* p = context.registry.find(id);
                                      if (p == nullptr) {
                                        return error_response(
                                            404,
                                            fmt::format("no plugin {} is installed; GET {}/plugins "
                                                        "lists them",
                                                        id, kPrefix),
                                            "not_found");
                                      }
                                      return json_response(200, host::plugin_json(*p, true));
                                    }),
              .summary = "a plugin's connectors with their settings schemas"});
}

}  // namespace sluice::serve::api
