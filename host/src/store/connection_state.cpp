#include "store/connection_state.hpp"

#include <chrono>
#include <ctime>
#include <iostream>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "secrets/redactor.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

std::string state_key(std::string_view id, std::string_view key) {
  return fmt::format("connection/{}/state/{}", id, key);
}

std::string offline_key(std::string_view id) { return fmt::format("connection/{}/offline", id); }

std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string text_of(const json::object& doc, std::string_view name) {
  const json::value* value = doc.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

json::object ConnectionOffline::to_json() const {
  return {{"offline", true}, {"offlineSince", since}, {"offlineReason", reason}};
}

Result<std::optional<ConnectionOffline>> connection_offline(Store& store, std::string_view id) {
  auto stored = store.get_state(offline_key(id));
  if (!stored) return stored.error();
  const json::object* doc = stored->if_object();
  if (doc == nullptr) return std::optional<ConnectionOffline>();
  return std::optional<ConnectionOffline>(
      ConnectionOffline{text_of(*doc, "offlineSince"), text_of(*doc, "offlineReason")});
}

Result<void> mark_connection_offline(Store& store, std::string_view id, std::string_view reason) {
  auto current = connection_offline(store, id);
  if (!current) return current.error();
  ConnectionOffline offline{*current ? (*current)->since : now_utc(),
                            Redactor::process().redact(reason)};
  return store.put_state(offline_key(id), offline.to_json());
}

Result<void> mark_connection_online(Store& store, std::string_view id) {
  auto current = connection_offline(store, id);
  if (!current) return current.error();
  if (!*current) return {};
  return store.put_state(offline_key(id), json::value());
}

Error offline_error(std::string_view id, const ConnectionOffline& offline) {
  Error error = make_error(
      Status::kAuthFailed,
      fmt::format("connection {} is offline since {}: {} — its credentials were refused even "
                  "after renewing them, so nothing was sent; fix its auth settings and `sluice "
                  "apply` them, or run `sluice connection authorize {}` for an OAuth "
                  "authorization code connection, then `sluice ping {}` (or `sluice connection "
                  "test {}`) brings it back online",
                  id, offline.since, offline.reason, id, id, id));
  error.details = json::object{{"connection", id},
                               {"offline", true},
                               {"offlineSince", offline.since},
                               {"offlineReason", offline.reason}};
  return error;
}

std::shared_ptr<const ConnectionStateAccess> connection_state_access(Store& store, std::string id) {
  auto access = std::make_shared<ConnectionStateAccess>();
  access->connection_id = id;
  Store* s = &store;
  access->get = [s, id](std::string_view key) -> Result<std::string> {
    auto value = s->get_sealed_state(state_key(id, key));
    if (!value) return value.error();
    return json::serialize(*value);
  };
  access->put = [s, id](std::string_view key, std::string_view text) -> Result<void> {
    json::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("the plugin's state is not JSON: {}", ec.message()));
    }
    return s->put_sealed_state(state_key(id, key), value);
  };
  access->mark_offline = [s, id](std::string_view reason) {
    if (auto marked = mark_connection_offline(*s, id, reason); !marked) {
      std::cerr << "warning: could not mark connection " << id
                << " offline: " << Redactor::process().redact(marked.error().message) << '\n';
    }
  };
  access->mark_online = [s, id] {
    if (auto marked = mark_connection_online(*s, id); !marked) {
      std::cerr << "warning: could not mark connection " << id
                << " online: " << Redactor::process().redact(marked.error().message) << '\n';
    }
  };
  return access;
}

}  // namespace sluice::host
