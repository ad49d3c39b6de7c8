#include "serve/webhook/listener.hpp"

#include <strings.h>

#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "serve/webhook/body.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/template.hpp"

namespace sluice::serve::webhook {

namespace {

namespace json = boost::json;

constexpr std::string_view kWebhookAdaptor = "WebhookExport";

std::string string_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

int int_of(const json::object& o, std::string_view key, int fallback) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return static_cast<int>(v->as_int64());
  if (v->is_uint64()) return static_cast<int>(v->as_uint64());
  return fallback;
}

std::string media_type(std::string_view name) {
  if (name == "xml") return "application/xml";
  if (name == "plaintext") return "text/plain";
  return "application/json";
}

// The Handlebars context of a response body: query parameters at their dotted paths
// ("hub.challenge" is {"hub":{"challenge":..}}), then the body's fields over them.
json::value template_context(const HttpRequest& request, const json::value& payload) {
  json::value context = json::object{};
  for (const auto& [name, value] : request.query) set_path(context, name, json::value(value));
  if (payload.is_object()) {
    for (const auto& field : payload.as_object()) context.as_object()[field.key()] = field.value();
  }
  return context;
}

std::string render(const std::string& source, std::string_view name, const json::value& context) {
  if (source.find("{{") == std::string::npos) return source;
  auto parsed = support::Template::parse(source, std::string(name));
  if (!parsed) return source;
  return parsed->render(context, support::Escape::kNone);
}

// The response for a challenge or a success, from the listener's fields named by `prefix`.
HttpResponse configured_response(const json::object& webhook, bool challenge,
                                 const HttpRequest& request, const json::value& payload) {
  HttpResponse response;
  const std::string body_field = challenge ? "challengeSuccessBody" : "successBody";
  response.status = int_of(webhook, challenge ? "challengeSuccessStatusCode" : "successStatusCode",
                           challenge ? 200 : 204);
  const std::string body = string_of(webhook, body_field);
  if (response.status == 204 || body.empty()) {
    response.content_type.clear();
  } else {
    response.content_type = media_type(
        string_of(webhook, challenge ? "challengeSuccessMediaType" : "successMediaType"));
    response.body = render(body, "webhook." + body_field, template_context(request, payload));
  }
  const json::value* headers =
      webhook.if_contains(challenge ? "challengeResponseHeaders" : "successResponseHeaders");
  if (headers != nullptr && headers->is_array()) {
    for (const json::value& header : headers->as_array()) {
      if (!header.is_object()) continue;
      const std::string name = string_of(header.as_object(), "name");
      const std::string value = string_of(header.as_object(), "value");
      if (name.empty()) continue;
      if (::strcasecmp(name.c_str(), "Content-Type") == 0) {
        response.content_type = value;
      } else {
        response.headers.emplace_back(name, value);
      }
    }
  }
  return response;
}

bool is_challenge(const json::object& webhook, const HttpRequest& request,
                  const json::value& payload) {
  if (!webhook.contains("challengeSuccessBody") &&
      !webhook.contains("challengeSuccessStatusCode")) {
    return false;
  }
  if (request.method == "GET" || request.query.count("hub.challenge") > 0) return true;
  if (!payload.is_object()) return false;
  const json::value* type = payload.as_object().if_contains("type");
  return type != nullptr && type->is_string() && type->as_string() == "url_verification";
}

HttpResponse unauthorized() { return HttpResponse::error(401, "unauthorized", "unauthorized"); }

class Listener {
 public:
  Listener(host::Store& store, ListenerOptions options)
      : store_(store), options_(std::move(options)) {}

  HttpResponse handle(const HttpRequest& request) {
    const std::string export_id =
        request.params.count("exportId") > 0 ? request.params.at("exportId") : std::string{};
    auto stored =
        store_.get_resource(host::ResourceKind::kExport, export_id, host::Secrets::kRevealed);
    if (!stored) return refuse(export_id, 503, stored.error().message);
    if (!*stored || string_of(**stored, "adaptorType") != kWebhookAdaptor) {
      return HttpResponse::error(404, "no such listener", "not_found");
    }
    if (auto wait = admit(export_id); wait > 0) {
      HttpResponse response = HttpResponse::error(429, "too many requests", "rate_limited");
      response.headers.emplace_back("Retry-After", std::to_string(wait));
      return response;
    }
    const json::value* webhook_value = (*stored)->if_contains("webhook");
    if (webhook_value == nullptr || !webhook_value->is_object()) {
      return refuse(export_id, 500, "the export has no webhook object");
    }
    const json::object& webhook = webhook_value->as_object();
    auto settings = parse_verify_settings(webhook);
    if (!settings) return refuse(export_id, 500, settings.error().message);
    if (auto verified = verify_request(*settings, request, options_.verify); !verified) {
      if (options_.on_refused) options_.on_refused(export_id, 401, verified.error().message);
      return unauthorized();
    }
    auto payload = parse_body(request, string_of(webhook, "requestMediaType"));
    if (!payload) {
      const int status = payload.error().status == Status::kInvalidConfig ? 415 : 400;
      return HttpResponse::error(status, payload.error().message, "invalid");
    }
    if (is_challenge(webhook, request, *payload)) {
      return configured_response(webhook, true, request, *payload);
    }
    if (request.method == "GET") {
      HttpResponse response = HttpResponse::error(
          405, "a listener takes records by POST or PUT; GET is only for challenges",
          "method_not_allowed");
      response.headers.emplace_back("Allow", "POST, PUT");
      return response;
    }
    std::vector<std::string> records = records_of(webhook, *payload);
    if (auto queued = store_.append_intake(export_id, records); !queued) {
      return refuse(export_id, 503, queued.error().message);
    }
    if (options_.on_queued && !records.empty()) options_.on_queued(export_id, records.size());
    return configured_response(webhook, false, request, *payload);
  }

 private:
  struct Bucket {
    double level = 0;
    std::chrono::steady_clock::time_point at;
  };

  HttpResponse refuse(const std::string& export_id, int status, std::string_view why) {
    if (options_.on_refused) options_.on_refused(export_id, status, why);
    if (status == 503) {
      HttpResponse response =
          HttpResponse::error(503, "the request could not be stored; send it again", "unavailable");
      response.headers.emplace_back("Retry-After", "1");
      return response;
    }
    return HttpResponse::error(status, "the listener is misconfigured", "failed");
  }

  // 0 when a request of `export_id` fits in its bucket (which it then takes), else the whole
  // seconds until one does.
  long admit(const std::string& export_id) {
    const auto now = options_.now ? options_.now() : std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto [it, fresh] = buckets_.try_emplace(export_id);
    Bucket& bucket = it->second;
    if (fresh) bucket.at = now;
    const double elapsed = std::chrono::duration<double>(now - bucket.at).count();
    bucket.level = std::max(0.0, bucket.level - elapsed * options_.per_second);
    bucket.at = now;
    if (bucket.level + 1 <= options_.burst) {
      bucket.level += 1;
      return 0;
    }
    const double seconds = (bucket.level + 1 - options_.burst) / options_.per_second;
    return std::max(1L, static_cast<long>(std::ceil(seconds)));
  }

  static std::vector<std::string> records_of(const json::object& webhook,
                                             const json::value& payload) {
    const std::string path = string_of(webhook, "pathToRecords");
    const json::value* at = path.empty() ? &payload : find_path(payload, path);
    std::vector<std::string> out;
    if (at == nullptr || at->is_null()) return out;
    if (at->is_array()) {
      for (const json::value& element : at->as_array()) out.push_back(json::serialize(element));
    } else {
      out.push_back(json::serialize(*at));
    }
    return out;
  }

  host::Store& store_;
  const ListenerOptions options_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace

void add_webhook_routes(Router& router, host::Store& store, ListenerOptions options) {
  const size_t limit = options.max_body_bytes;
  auto listener = std::make_shared<Listener>(store, std::move(options));
  Handler handler = [listener](const HttpRequest& request) { return listener->handle(request); };
  for (const char* pattern : {"/webhooks/{exportId}", "/webhooks/{exportId}/{token}"}) {
    for (const char* method : {"GET", "POST", "PUT"}) {
      Route route;
      route.method = method;
      route.pattern = pattern;
      route.handler = handler;
      route.max_body_bytes = limit;
      route.summary = std::string(method) + " a webhook listener's records";
      router.add(std::move(route));
    }
  }
}

}  // namespace sluice::serve::webhook
