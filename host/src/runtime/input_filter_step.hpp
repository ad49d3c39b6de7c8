// An import's input filter (`inputFilter`), the rules or the script form of the output filter
// (filter/filter.hpp, docs/filters.md): each record the import would take that the filter does
// not match skips this import only (Page::skip: not a state, not counted here) and goes on to the
// next processor; it counts as ignored only if no import takes it (page.hpp). A record the rules
// cannot be evaluated for, or for which the script throws or returns a non-boolean, fails at this
// import; a script that cannot load is the step's Error.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "filter/filter.hpp"
#include "runtime/step.hpp"
#include "script/record_script.hpp"

namespace sluice::runtime {

class ScriptRunner;

class InputFilterStep : public Step {
 public:
  // `script` is used by a script filter only (nullptr otherwise). `import_settings` is read as
  // settings.import. It takes the records the import takes (Page::takes); with
  // `proceed_on_failure`, those it fails go on to the later processors (page.hpp).
  InputFilterStep(std::string import_id, std::string name, host::filter::Filter filter,
                  std::unique_ptr<ScriptRunner> script, boost::json::object import_settings,
                  bool proceed_on_failure);
  ~InputFilterStep() override;

  std::string_view kind() const override { return "input filter"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return import_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

 private:
  bool takes(const Page& page, size_t i) const;

  std::string import_id_, name_;
  host::filter::Filter filter_;
  std::unique_ptr<ScriptRunner> script_;
  boost::json::object import_settings_;
  bool proceed_on_failure_;
  // A script filter's call, with the settings serialized once: built on the first page.
  std::optional<script::RecordScript> call_;
};

}  // namespace sluice::runtime
