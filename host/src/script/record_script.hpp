// The per-record script conventions of integrator.io: a filter script (export output filter,
// import/lookup input filter: `type: "script"`) gets {record, settings} and returns a boolean
// (true keeps the record); a transform script (`transform.type: "script"`) gets {record,
// settings} and returns the new record (an object or an array).
//
// A failed call (throw, limit, wrong return) fails that record only; the caller makes it the
// record's error and goes on with the page.
//
// Thread contract: as ScriptEngine's (the engine's thread only).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "script/script_engine.hpp"
#include "sluice/result.hpp"

namespace sluice::script {

class RecordScript {
 public:
  // `engine` must outlive this object. `settings` is serialized once, here.
  RecordScript(ScriptEngine& engine, std::string function, const boost::json::value& settings);

  // filter: calls function({record, settings}); true keeps the record. Anything but a boolean
  // is a kBadResult error (strict: `return record.total` would otherwise keep 0-total records
  // silently as false).
  Result<bool> filter(const boost::json::value& record);
  // As filter() with the record already serialized (records that pass unchanged need no
  // re-serialization).
  Result<bool> filter_json(std::string_view record_json);

  // transform: calls function({record, settings}); the returned object or array is the new
  // record. null, a primitive or no result is a kBadResult error.
  Result<boost::json::value> transform(const boost::json::value& record);

  const std::string& function() const { return function_; }

 private:
  Result<std::string> call(std::string_view record_json);

  ScriptEngine& engine_;
  std::string function_;
  std::string settings_suffix_;  // ",\"settings\":{...}}"
  std::string options_;          // reused buffer
};

}  // namespace sluice::script
