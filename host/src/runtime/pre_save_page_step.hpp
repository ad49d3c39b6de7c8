// An export's preSavePage hook (`hooks.preSavePage`: {_scriptId, function}, or a plugin's native
// hook {_pluginId, function}: HookRunner) as a step (step.hpp), with integrator.io's contract
// (script/pre_save_page.hpp, docs/scripts.md): the function is called once per flow page with the
// page's live records as `options.data` and returns {data, errors, abort, newErrorsAndRetryData}:
//  - `data` replaces the live records (Page::replace_live: fewer count as ignored, more as
//    exported);
//  - each `newErrorsAndRetryData` item becomes a failed record of this step (an exported record
//    with its retry data and errors), so the counts still add up;
//  - `errors` become job errors (stored with the job, counted in no record);
//  - `abort: true` stops paging after this page;
//  - a throw, a limit or a result of the wrong shape is the step's Error: the job fails with the
//    script's (or native hook's) message, as integrator.io does.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "runtime/step.hpp"
#include "script/pre_save_page.hpp"

namespace sluice::runtime {

class HookRunner;

class PreSavePageStep : public Step {
 public:
  PreSavePageStep(std::string export_id, std::string name, std::string connection_id,
                  std::unique_ptr<HookRunner> script);
  ~PreSavePageStep() override;

  std::string_view kind() const override { return "preSavePage hook"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return export_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

 private:
  std::string export_id_, name_, connection_id_;
  std::unique_ptr<HookRunner> script_;
  // The hook's options but the page's own (pageIndex, the dates): built on the first page, as the
  // settings and the job are the same for every page of the job.
  std::optional<script::PreSavePageContext> hook_;
};

}  // namespace sluice::runtime
