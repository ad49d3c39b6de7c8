// The plugin's entry point: one universal connector.
#include "sluice/plugin.hpp"
#include "connector.hpp"

SLUICE_PLUGIN("http", "0.1.0", "Universal HTTP connector: REST/JSON APIs",
              sluice::plugins::http::HttpConnector)
