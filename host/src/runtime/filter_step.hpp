// An export's output filter (`filter`) as a step (step.hpp): each live record is kept when the
// filter matches it and ignored — counted in numIgnore, never an error — when it does not. A
// record the rules cannot be evaluated for (a cast that cannot convert its value, a regular
// expression too costly for it) fails here with the rule's message; the rest of the page goes on.
// A script filter (`type: "script"`) calls its function once per record through the
// ScriptRunner (script_runner.hpp) with integrator.io's options {record, settings, ...} and keeps
// the record when it returns true; any other return value fails that record, and a script that
// cannot run at all (it does not load) is the step's Error.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "filter/filter.hpp"
#include "runtime/step.hpp"
#include "script/record_script.hpp"

namespace sluice::runtime {

class ScriptRunner;

class FilterStep : public Step {
 public:
  // `script` is used by a script filter only (nullptr otherwise).
  FilterStep(std::string export_id, std::string name, host::filter::Filter filter,
             std::unique_ptr<ScriptRunner> script);
  ~FilterStep() override;

  std::string_view kind() const override { return "filter"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return export_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

 private:
  std::string export_id_, name_;
  host::filter::Filter filter_;
  std::unique_ptr<ScriptRunner> script_;
  // A script filter's call, with the settings serialized once: built on the first page.
  std::optional<script::RecordScript> call_;
};

}  // namespace sluice::runtime
