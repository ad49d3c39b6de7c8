// The settings the universal HTTP connector declares, with integrator.io's JSON names
// (see /work/shared/reference/integratorio.md §3). The host validates resources and builds
// forms from these; the readers in connection.cpp, paging.cpp, export_reader.cpp and
// import_writer.cpp interpret them.
#pragma once

#include "sluice/schema.hpp"

namespace sluice::plugins::http {

Schema connection_schema();
Schema export_schema();
Schema import_schema();

}  // namespace sluice::plugins::http
