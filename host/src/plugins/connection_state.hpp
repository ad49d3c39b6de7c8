// What a plugin call may reach of its connection's stored state (plugin.h 1.2 state_get and
// state_put) and of its online status: functions the caller of RemoteConnection::open supplies
// (store/connection_state.hpp builds them over a Store), so that the plugin layer depends on no
// store. Every function must be safe to call from any thread at once.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sluice/result.hpp"

namespace sluice::host {

struct ConnectionStateAccess {
  // The connection these belong to, for messages.
  std::string connection_id;
  // The JSON text stored under `key`, "null" when none. Every string inside it is a secret and
  // has been taught to the process redactor.
  std::function<Result<std::string>(std::string_view key)> get;
  // Replaces the document under `key` by `json` (a JSON text; "null" deletes it), sealed.
  std::function<Result<void>(std::string_view key, std::string_view json)> put;
  // A call of the connection failed with SLUICE_AUTH_FAILED: mark it offline with `reason`.
  std::function<void(std::string_view reason)> mark_offline;
  // A ping or an authorization succeeded: the connection is online again.
  std::function<void()> mark_online;
};

}  // namespace sluice::host
