// /api/v1/{connections,exports,imports,flows,scripts}[/{id}]: the resources, validated and
// stored by host::apply_resource_stream, the entry point of `sluice apply`.
#include <openssl/rand.h>

#include <fmt/format.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <sstream>

#include "resources/apply.hpp"
#include "serve/api/api_support.hpp"

namespace sluice::serve::api {

namespace json = boost::json;
using host::ResourceKind;

namespace {

constexpr std::array<ResourceKind, 5> kKinds = {ResourceKind::kConnection, ResourceKind::kExport,
                                                ResourceKind::kImport, ResourceKind::kFlow,
                                                ResourceKind::kScript};
constexpr std::string_view kBodyName = "request body";

std::string singular(ResourceKind kind) {
  std::string text(host::to_string(kind));
  text.pop_back();
  return text;
}

// A new id as integrator.io makes them: 24 hex digits.
std::string new_resource_id() {
  std::array<unsigned char, 12> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) bytes.fill(0);
  std::string id;
  for (unsigned char b : bytes) id += fmt::format("{:02x}", b);
  return id;
}

HttpResponse not_found(ResourceKind kind, std::string_view id) {
  return error_response(404,
                        fmt::format("no {} {}; GET {}/{} lists them", singular(kind), id, kPrefix,
                                    host::to_string(kind)),
                        "not_found");
}

// Validates and stores `doc` (whose "_id" is set) as `sluice apply` would a file holding it.
// 422 with every problem when it is not valid; else the stored document, secrets masked.
HttpResponse apply(ApiContext& context, ResourceKind kind, const json::object& doc, int status) {
  std::istringstream in(json::serialize(doc));
  host::ApplyOptions options;
  options.only_kind = kind;
  const host::ApplyReport report =
      host::apply_resource_stream(in, kBodyName, context.store, context.registry, options);
  if (!report.ok()) {
    return error_response(422, report.message(), "invalid_config", report.problems);
  }
  const std::string id(doc.at("_id").as_string());
  auto stored = context.store.get_resource(kind, id, host::Secrets::kMasked);
  if (!stored) return error_response(stored.error());
  if (!*stored) return not_found(kind, id);
  json::object body{{"resource", std::move(**stored)}};
  if (!report.warnings.empty()) {
    json::array warnings;
    for (const std::string& w : report.warnings) warnings.emplace_back(w);
    body["warnings"] = std::move(warnings);
  }
  HttpResponse response = json_response(status, body);
  if (status == 201) {
    response.headers.emplace_back("Location",
                                  fmt::format("{}/{}/{}", kPrefix, host::to_string(kind), id));
  }
  return response;
}

// The member names whose value (a string, or an array of strings for "...Ids") references a
// resource of `kind`.
bool references_kind(std::string_view key, ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kConnection:
      return key == "_connectionId";
    case ResourceKind::kExport:
      return key == "_exportId";
    case ResourceKind::kImport:
      return key == "_importId";
    case ResourceKind::kFlow:
      return key == "_flowId" || key == "_runNextFlowIds";
    case ResourceKind::kScript:
      return key == "_scriptId";
  }
  return false;
}

bool references(const json::value& value, ResourceKind kind, std::string_view id) {
  if (value.is_object()) {
    for (const auto& member : value.get_object()) {
      if (references_kind(member.key(), kind)) {
        const json::value& v = member.value();
        if (v.is_string() && v.get_string() == id) return true;
        if (v.is_array()) {
          for (const json::value& item : v.get_array()) {
            if (item.is_string() && item.get_string() == id) return true;
          }
        }
      }
      if (references(member.value(), kind, id)) return true;
    }
  } else if (value.is_array()) {
    for (const json::value& item : value.get_array()) {
      if (references(item, kind, id)) return true;
    }
  }
  return false;
}

void add_kind(Router& router, ApiContext& context, ResourceKind kind) {
  const std::string collection = fmt::format("{}/{}", kPrefix, host::to_string(kind));
  const std::string item = collection + "/{id}";
  const std::string what = singular(kind);
  router.add({.method = "GET",
              .pattern = collection,
              .handler = authorized(context,
                                    [&context, kind](const HttpRequest&) {
                                      auto docs = context.store.list_resources(
                                          kind, host::Secrets::kMasked);
                                      if (!docs) return error_response(docs.error());
                                      json::array out;
                                      for (auto& d : *docs) out.push_back(std::move(d));
                                      return json_response(200, out);
                                    }),
              .summary = fmt::format("list the {}", host::to_string(kind))});
  router.add(
      {.method = "POST",
       .pattern = collection,
       .handler = authorized(
           context,
           [&context, kind](const HttpRequest& request) {
             ParsedBody body = parse_object_body(request);
             if (!body.object) return body.problem;
             json::object& doc = *body.object;
             if (!doc.contains("_id")) doc["_id"] = new_resource_id();
             if (const json::value& id = doc.at("_id");
                 id.is_string() && host::is_valid_resource_id(id.get_string())) {
               auto existing =
                   context.store.get_resource(kind, id.get_string(), host::Secrets::kMasked);
               if (!existing) return error_response(existing.error());
               if (*existing) {
                 return error_response(
                     409,
                     fmt::format("{}: $._id: {} {} exists already; change it with PUT {}/{}/{}",
                                 kBodyName, singular(kind), std::string(id.get_string()), kPrefix,
                                 host::to_string(kind), std::string(id.get_string())),
                     "conflict");
               }
             }
             return apply(context, kind, doc, 201);
           }),
       .summary = fmt::format("create a {}", what)});
  router.add({.method = "GET",
              .pattern = item,
              .handler = authorized(context,
                                    [&context, kind](const HttpRequest& request) {
                                      const std::string& id = request.params.at("id");
                                      auto doc = context.store.get_resource(kind, id,
                                                                            host::Secrets::kMasked);
                                      if (!doc) return error_response(doc.error());
                                      if (!*doc) return not_found(kind, id);
                                      return json_response(200, **doc);
                                    }),
              .summary = fmt::format("get a {}", what)});
  router.add(
      {.method = "PUT",
       .pattern = item,
       .handler = authorized(
           context,
           [&context, kind](const HttpRequest& request) {
             const std::string& id = request.params.at("id");
             ParsedBody body = parse_object_body(request);
             if (!body.object) return body.problem;
             json::object& doc = *body.object;
             if (const json::value* given = doc.if_contains("_id");
                 given != nullptr && !(given->is_string() && given->get_string() == id)) {
               return error_response(
                   422,
                   fmt::format("{}: $._id: expected \"{}\", the id in the path, found {}; an id "
                               "cannot change — create the new one with POST {}/{}",
                               kBodyName, id, json::serialize(*given), kPrefix,
                               host::to_string(kind)),
                   "invalid_config");
             }
             doc["_id"] = id;
             auto existing = context.store.get_resource(kind, id, host::Secrets::kMasked);
             if (!existing) return error_response(existing.error());
             if (!*existing) return not_found(kind, id);
             return apply(context, kind, doc, 200);
           }),
       .summary = fmt::format("replace a {}", what)});
  router.add({.method = "DELETE",
              .pattern = item,
              .handler = authorized(
                  context,
                  [&context, kind](const HttpRequest& request) {
                    const std::string& id = request.params.at("id");
                    auto existing = context.store.get_resource(kind, id, host::Secrets::kMasked);
                    if (!existing) return error_response(existing.error());
                    if (!*existing) return not_found(kind, id);
                    for (ResourceKind other : kKinds) {
                      auto docs = context.store.list_resources(other, host::Secrets::kMasked);
                      if (!docs) return error_response(docs.error());
                      for (const json::object& d : *docs) {
                        if (!references(d, kind, id)) continue;
                        const json::value* other_id = d.if_contains("_id");
                        return error_response(
                            409,
                            fmt::format("{} {} is used by {} {}; change or delete that first",
                                        singular(kind), id, singular(other),
                                        other_id != nullptr && other_id->is_string()
                                            ? std::string(other_id->get_string())
                                            : std::string("?")),
                            "conflict");
                      }
                    }
                    auto deleted = context.store.delete_resource(kind, id);
                    if (!deleted) return error_response(deleted.error());
                    if (!*deleted) return not_found(kind, id);
                    return json_response(200, json::object{{"deleted", id}});
                  }),
              .summary = fmt::format("delete a {} no other resource uses", what)});
}

}  // namespace

void add_resource_routes(Router& router, ApiContext& context) {
  for (ResourceKind kind : kKinds) add_kind(router, context, kind);
}

}  // namespace sluice::serve::api
