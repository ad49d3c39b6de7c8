// A connection's state (plugin.h 1.2: what its plugin keeps between runs, e.g. OAuth tokens) and
// its online status, kept in the store's state table beside the exports' checkpoints:
//
//   "connection/<id>/state/<key>"  the plugin's document under <key>, sealed
//   (Store::put_sealed_state) "connection/<id>/offline"      {"offline":true,"offlineSince":ISO
//   8601,"offlineReason":text}
//                                  while a call failed with kAuthFailed; absent (null) online
//
// The reason is redacted before it is stored. Every function is thread-safe (as the Store is).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "plugins/connection_state.hpp"
#include "sluice/result.hpp"
#include "store/store.hpp"

namespace sluice::host {

struct ConnectionOffline {
  std::string since;   // ISO 8601 UTC, when the connection was marked offline
  std::string reason;  // the refusal, redacted

  // integrator.io's flag plus when and why: {"offline":true,"offlineSince","offlineReason"}.
  boost::json::object to_json() const;
};

// Why connection `id` is offline, or nullopt while it is online.
Result<std::optional<ConnectionOffline>> connection_offline(Store& store, std::string_view id);
// Marks it offline now with `reason` (kept as it was first marked when it already is: "since"
// says how long it has been refused, the latest reason replaces the earlier one).
Result<void> mark_connection_offline(Store& store, std::string_view id, std::string_view reason);
Result<void> mark_connection_online(Store& store, std::string_view id);

// The error a job gets for a flow step using offline connection `id`: what is wrong, since when,
// why, and what to do.
Error offline_error(std::string_view id, const ConnectionOffline& offline);

// The plugin calls' access to connection `id`'s state and status in `store` (which must outlive
// it). Failures to mark the status are logged to stderr, never fatal.
std::shared_ptr<const ConnectionStateAccess> connection_state_access(Store& store, std::string id);

}  // namespace sluice::host
