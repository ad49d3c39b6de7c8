// An import's mapping (Mapper 2.0 `mappings[]` with `lookups[]`, host/src/mapper/, Target kImport,
// mode create) over the import's batch (import_steps.hpp): each record (as preMap left it) is
// mapped into the record to submit (postMapData). A record the mapping cannot be applied to (a
// value that does not convert, a static lookup with no entry for the value and neither default
// nor allowFailures) fails at this import with the mapper's message naming the field, the lookup
// and the value; the rest of the batch goes on. The page's records are not changed.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "mapper/mapper.hpp"
#include "runtime/step.hpp"

namespace sluice::runtime {

struct ImportBatch;

class MappingStep {
 public:
  // `operation`: create or update, as the import tells (conditional.when record_created /
  // record_updated).
  MappingStep(std::string import_id, mapper::Mapper mapper, mapper::Operation operation,
              boost::json::object import_settings);

  void run(Page& page, ImportBatch& batch, const StepContext& context);

 private:
  std::string import_id_;
  mapper::Mapper mapper_;
  mapper::Operation operation_;
  boost::json::object import_settings_;
  std::optional<boost::json::value> settings_;  // built once per job
};

}  // namespace sluice::runtime
