// The webhook listeners of `sluice serve` (docs/serve.md "Webhooks"): routes
//   GET|POST|PUT /webhooks/{exportId}          and
//   GET|POST|PUT /webhooks/{exportId}/{token}  (verify "secret_url")
// for every export of adaptorType "WebhookExport" in the store (read at each request, so an
// applied change takes effect at once). A request is answered, in this order:
//   404  no such export, or not a WebhookExport (no detail)
//   429  the listener's leaky bucket is full; Retry-After says in how many seconds a request fits
//   500  the export's webhook settings are unusable (apply refuses them; no detail)
//   401  verification failed (verify.hpp; no detail)
//   415/400  the body cannot be read (body.hpp), with the reason
//   challenge: a GET, a body {"type":"url_verification",...} (Slack) or a query with
//        hub.challenge, on a listener with challengeSuccessBody or challengeSuccessStatusCode:
//        challengeSuccessStatusCode (200), challengeSuccessBody rendered as Handlebars over the
//        request (query parameters as dotted paths, "hub.challenge", and the body's fields),
//        challengeSuccessMediaType (json), challengeResponseHeaders; nothing is queued
//   405  a GET that is not a challenge
//   503  the records could not be stored (nothing was acknowledged; the sender should retry)
//   2xx  the records — the payload at webhook.pathToRecords (the whole payload when unset), one
//        per element when it is an array — are committed to the store's intake queue, then:
//        successStatusCode (204), successBody (rendered like the challenge's; not with 204),
//        successMediaType json|xml|plaintext, successResponseHeaders [{name, value}] (a
//        Content-Type among them replaces the media type's).
// The body limit (413) is the route's: ListenerOptions::max_body_bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

#include "serve/http.hpp"
#include "serve/webhook/verify.hpp"
#include "store/store.hpp"

namespace sluice::serve::webhook {

struct ListenerOptions {
  size_t max_body_bytes = size_t{5} << 20;
  // The leaky bucket of each listener: holds `burst` requests and drains `per_second` of them
  // each second (integrator.io's capacity is 1,000).
  double burst = 1000;
  double per_second = 100;
  // The clock of the buckets; steady_clock::now when empty.
  std::function<std::chrono::steady_clock::time_point()> now;
  VerifyOptions verify;
  // After records of `export_id` were committed (the intake worker wakes on it). From the
  // server's threads.
  std::function<void(std::string_view export_id, size_t records)> on_queued;
  // Why a request was refused (401, 500, 503): for the server's log, never for the sender.
  std::function<void(std::string_view export_id, int status, std::string_view why)> on_refused;
};

// Adds the listener routes to `router`; `store` must outlive it.
void add_webhook_routes(Router& router, host::Store& store, ListenerOptions options = {});

}  // namespace sluice::serve::webhook
