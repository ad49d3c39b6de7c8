// The REST API of `sluice serve` under /api/v1 (docs/serve.md, "REST API"; the OpenAPI document
// openapi.json lists every route): the resources (connections, exports, imports, flows,
// scripts: list, get, create, update, delete, validated by host::apply_resource_stream exactly
// as `sluice apply` validates), flow runs, jobs, errors and plugins.
//
// Every route but GET /api/v1/openapi.json needs "Authorization: Bearer TOKEN" with a token of
// `sluice token create` (401 otherwise). Every error is JSON:
//   {"error": {"message": M, "status": S, "problems": [P...]}}
// where M says what was wrong, where and what to do, S is a Sluice status word ("not_found",
// "invalid_config", "unauthorized", "conflict", ...), and "problems" (validation only) lists
// each problem with the resource and the JSON path (e.g. "request body: export e1:
// $.http.method: expected one of ...").
//
// Secrets: a resource read through the API has its secret fields "******"; a PUT or POST that
// sends "******" back for one keeps the value stored (Store::put_resources).
#pragma once

#include <string_view>

#include "plugins/registry.hpp"
#include "serve/http.hpp"
#include "serve/job_launcher.hpp"
#include "store/store.hpp"

namespace sluice::serve {

// What the API's handlers use; everything must outlive the router the routes are added to.
struct ApiContext {
  host::Store& store;
  const host::PluginRegistry& registry;
  JobLauncher& launcher;
  // How runs started by POST /api/v1/flows/{id}/run are made (limits, temp folder, logs); the
  // launcher sets `cancelled`.
  runtime::RunOptions run_options;
};

// The OpenAPI 3.1 document of the routes below (openapi.json, embedded at build time).
std::string_view api_openapi_document();

// Adds every /api/v1 route to `router`.
void add_api_routes(Router& router, ApiContext& context);

}  // namespace sluice::serve
