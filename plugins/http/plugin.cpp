// The plugin's entry point: the universal HTTP connector (type "http") and integrator.io's legacy
// REST resources (type "rest"), read as the same settings.
#include "sluice/plugin.hpp"
#include "connector.hpp"
#include "rest_connector.hpp"

SLUICE_PLUGIN("http", "0.1.0", "Universal HTTP connector: REST/JSON APIs",
              sluice::plugins::http::HttpConnector, sluice::plugins::http::RestConnector)
