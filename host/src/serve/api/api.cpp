#include "serve/api/api.hpp"

#include "serve/api/api_support.hpp"

namespace sluice::serve {

void add_api_routes(Router& router, ApiContext& context) {
  router.add({.method = "GET",
              .pattern = std::string(api::kPrefix) + "/openapi.json",
              .handler =
                  [](const HttpRequest&) {
                    return HttpResponse::json(200, std::string(api_openapi_document()));
                  },
              .summary = "this API's OpenAPI 3.1 document"});
  api::add_resource_routes(router, context);
  api::add_job_routes(router, context);
  api::add_error_routes(router, context);
  api::add_plugin_routes(router, context);
}

}  // namespace sluice::serve
