#include "cli/stored_connection.hpp"

#include <fmt/format.h>

namespace sluice::cli {

std::optional<StoredConnection> load_stored_connection(const Env& env, const std::string& id) {
  StoredConnection loaded;
  loaded.store = env.open_store();
  if (!loaded.store) return std::nullopt;
  auto doc =
      loaded.store->get_resource(host::ResourceKind::kConnection, id, host::Secrets::kRevealed);
  if (!doc) {
    print_error(doc.error());
    return std::nullopt;
  }
  if (!*doc) {
    print_error(fmt::format("no connection {}; see `sluice get connections`", id), "not_found");
    return std::nullopt;
  }
  loaded.doc = std::move(**doc);
  loaded.registry = env.load_plugins();
  auto connector = loaded.registry.connector_for(loaded.doc);
  if (!connector) {
    print_error(connector.error());
    return std::nullopt;
  }
  loaded.connector = *connector;
  return loaded;
}

}  // namespace sluice::cli
