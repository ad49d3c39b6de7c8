// An import's hooks (`hooks.preMap`, `hooks.postMap`, `hooks.postSubmit`, each {_scriptId,
// function} or a plugin's native hook {_pluginId, function}: HookRunner) over the import's batch
// (import_steps.hpp), with integrator.io's contracts (script/pre_map.hpp, post_map.hpp,
// post_submit.hpp; docs/scripts.md). Each is called once per flow page with the batch's records:
//  - preMap: each item's `data` becomes the record the mapping reads; postMap: the record to
//    submit; `errors` without `data` fail the record at this import; `data` with `errors` goes on
//    and the errors become job errors; {} skips the record at this import (Page::skip);
//  - postSubmit: the responses it returns replace the destination's, and decide each record's
//    fate (SubmitStep::settle).
// A throw, a limit, or a result of the wrong length or shape fails every record of the batch at
// this import with the script's (or native hook's) message (integrator.io: "fails the entire page
// of records"); the job goes on. A script that cannot load, or no longer defines the function, is
// the step's Error.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "runtime/step.hpp"
#include "script/pre_map.hpp"

namespace sluice::runtime {

class HookRunner;
struct ImportBatch;

// What every import-side hook (preMap, postMap, postSubmit, postResponseMap) is given besides its
// data: the settings in scope with `import_settings` as settings.import, the ids, the job.
script::ImportHookContext import_hook_context(const StepContext& context,
                                              const std::string& import_id,
                                              const std::string& connection_id,
                                              const boost::json::object& import_settings);

class ImportHookStep {
 public:
  enum class Hook { kPreMap, kPostMap, kPostSubmit };

  ImportHookStep(Hook hook, std::string import_id, std::string name, std::string connection_id,
                 std::unique_ptr<HookRunner> script, boost::json::object import_settings);
  ~ImportHookStep();

  // "preMap", "postMap", "postSubmit".
  std::string_view hook_name() const;

  // preMap or postMap over `batch`; job errors go to `out`.
  Result<void> run(Page& page, ImportBatch& batch, const StepContext& context, StepResult& out);
  // postSubmit over `responses` (one per batch entry, from SubmitStep::send): replaces them by
  // what the hook returns, or, when the call fails, by that Error, its message naming the hook
  // and the import (the caller fails every record of the batch with it, code "hook"). Nothing is
  // done when `responses` is already an Error.
  Result<void> run_post_submit(const Page& page, const ImportBatch& batch,
                               Result<boost::json::array>& responses, const StepContext& context);

 private:
  Result<void> fail_batch(Page& page, ImportBatch& batch, const Error& error);

  Hook hook_;
  std::string import_id_, name_, connection_id_;
  std::unique_ptr<HookRunner> script_;
  boost::json::object import_settings_;
  // The hook's options besides the data (settings, ids, job): built on the first page.
  std::optional<script::ImportHookContext> hook_context_;
};

}  // namespace sluice::runtime
