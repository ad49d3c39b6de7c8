// The plugin's entry point: one universal connector.
#include "connector.hpp"
#include "sluice/plugin.hpp"

SLUICE_PLUGIN("http", "0.1.0", "Universal HTTP connector: REST/JSON APIs",
              sluice::plugins::http::HttpConnector)
