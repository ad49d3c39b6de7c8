// A stored connection and the installed connector that serves it, as the commands about one
// connection (`sluice ping`, `sluice connection test`, `sluice connection authorize`) load it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "cli/command.hpp"
#include "plugins/registry.hpp"
#include "store/store.hpp"

namespace sluice::cli {

struct StoredConnection {
  std::unique_ptr<host::Store> store;  // also where the connection's state is kept
  boost::json::object doc;             // with its secrets revealed: for the plugin only
  host::PluginRegistry registry;       // owns `connector`
  const host::ConnectorHandle* connector = nullptr;
};

// Opens the store, reads connection `id` and finds its connector among the installed plugins.
// nullopt, with the error printed (print_error), when the store cannot be opened, there is no
// connection `id` ("no connection ID; see `sluice get connections`", not_found) or no installed
// plugin serves its type.
std::optional<StoredConnection> load_stored_connection(const Env& env, const std::string& id);

}  // namespace sluice::cli
